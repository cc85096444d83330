package org.weightgames.run;

import org.weightgames.core.Coins;

/**
 * Every coin of a run, derived from its seed in one place. A game's trials draw from
 * {@code seed/game/<scheme>/<definition>[/<variant>]/trial/<i>/{challenger, adversary/<id>}}
 * (the last two steps are the trial's, in {@link org.weightgames.game.TrialContext}); the
 * bootstrap intervals of its summaries from {@code seed/bootstrap/<scheme>/<definition>[[<variant>]]/<adversary>}.
 */
public final class Seeds {
    private Seeds() {
    }

    /** The coins of a game's trials. */
    public static Coins game(long seed, GameSpec spec) {
        return Coins.root(seed).derive("game/" + spec.scheme() + "/" + spec.definition()
                + (spec.variant().isEmpty() ? "" : "/" + spec.variant()));
    }

    /** Where a game's trial coins sit in the derivation tree, as the reports print it. */
    public static String trialPath(long seed, GameSpec spec) {
        return game(seed, spec).path() + "/trial/<i>/{challenger, adversary/<id>}";
    }

    /** The coins of the bootstrap resamples of a game's summaries (one derivation per adversary below). */
    public static Coins bootstrap(long seed, GameSpec spec) {
        return Coins.root(seed).derive("bootstrap/" + spec.label());
    }
}
