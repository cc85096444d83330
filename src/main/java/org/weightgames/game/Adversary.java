package org.weightgames.game;

import org.weightgames.core.Params;

/**
 * An adversary: code that plays one or more games. What every adversary has in common is here;
 * the games it plays are the game interfaces it implements, one method each:
 * {@link WeightExtractor} ({@code ext-w}), {@link FunctionExtractor} ({@code ext-f}),
 * {@link Distinguisher} ({@code ind}) and {@link KeylessUser} ({@code uc}); a definition names
 * the one it needs ({@link Definition#plays()}). In each game it receives a challenge (the public
 * artifact, public facts such as the architecture, and oracle handles) and its own coins, never
 * the secret or the original model. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.weightgames.game.Adversary}); life cycle as {@link Scheme}.
 */
public interface Adversary {
    String id();

    String description();

    void init(Params params);

    /**
     * Whether this adversary plays against artifacts of {@code scheme}, decided by the scheme's
     * type, never its id: its class (e.g. {@code scheme instanceof TaylorMlp}) or a marker it
     * implements ({@link ReleasesWeights}, {@link Hosted}, {@link UsageControl}). Asked of
     * uninitialised adversaries and schemes, so it must not depend on either's parameters.
     */
    boolean targets(Scheme scheme);
}
