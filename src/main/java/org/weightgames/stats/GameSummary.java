package org.weightgames.stats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.weightgames.game.Provenance;

/**
 * One game's result as the reports render it: which game (scheme, definition, variant), the
 * reference adversary every other is compared with, whether advantage is a guessing advantage,
 * one {@link Summary} per adversary (the reference excluded, in play order), the bound the
 * verdicts are judged against, the provenance that replays it, and the verdict against every
 * adversary at once ({@link Strongest}).
 */
public record GameSummary(String scheme, String definition, String variant, String reference, boolean guessing,
        Map<String, Summary> summaries, Bound bound, Provenance provenance, Strongest strongest) {

    public GameSummary {
        variant = variant == null ? "" : variant;
        summaries = Collections.unmodifiableMap(new LinkedHashMap<>(summaries));
    }

    /** The trials played. */
    public int trials() {
        return provenance.trials();
    }

    /** The definition, with the variant in brackets when there is one. */
    public String definitionLabel() {
        return definition + (variant.isEmpty() ? "" : " [" + variant + "]");
    }

    /** How the advantage is computed from the win rate. */
    public String advantageFormula() {
        return guessing ? "|2 Pr[win] - 1|" : "Pr[win]";
    }
}
