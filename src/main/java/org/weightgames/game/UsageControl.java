package org.weightgames.game;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.weightgames.core.Coins;
import org.weightgames.model.Network;

/**
 * Marks a scheme that claims usage control: its released network is meant to be of little use
 * until an authorised user restores it with a key ({@link Scheme#restore}). The {@code uc} game
 * and its adversaries play such schemes.
 */
public interface UsageControl extends Scheme {

    /**
     * The same lock with as many units chosen uniformly at random instead of by the scheme's
     * ranking, applied to {@code original}: the control that shows whether the ranking is what makes
     * the lock bite ({@code uc} reports its accuracy beside the real lock's). Empty when the scheme
     * has no such control.
     */
    default Optional<Network> randomControl(Network original, Coins coins) {
        return Optional.empty();
    }

    /**
     * The audit variants of a scheme that plays {@code uc} once per adversary's data fraction p
     * (the game's {@code data-fraction}) and no other game in variants: what {@link #auditVariants}
     * returns for it.
     */
    static List<Map<String, Map<String, String>>> atDataFractions(String definition, String... fractions) {
        if (!definition.equals("uc")) {
            return List.of();
        }
        return Arrays.stream(fractions).map(p -> Map.of("uc", Map.of("data-fraction", p))).toList();
    }
}
