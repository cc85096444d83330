package org.weightgames.game;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.weightgames.data.Dataset;
import org.weightgames.model.Network;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.core.Artifact;

/**
 * A model weight release scheme. Implementations are found with {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/org.weightgames.game.Scheme}) and need a public
 * no-argument constructor. The life cycle follows Bouncy Castle's engines: construct,
 * {@link #init(Params)} once, then call the other methods any number of times, from any thread
 * (an initialised scheme holds no mutable state).
 */
public interface Scheme {
    /** Short id used on the command line, e.g. {@code taylormlp}. */
    String id();

    /** One line for {@code wg list}. */
    String description();

    /** Reads and validates the scheme's parameters; unknown or out-of-range ones fail here. */
    void init(Params params);

    /**
     * Releases {@code original}: returns the public artifact and the secret. All randomness comes
     * from {@code coins} (the challenger's); {@code calibration} is data the owner may use.
     *
     * @throws WgException when the network cannot be protected by this scheme (e.g. no MLP block)
     */
    Release release(Network original, Dataset calibration, Coins coins);

    /** The network an authorised user runs from the public artifact alone. */
    Network inference(Artifact artifact);

    /**
     * Model settings this scheme is meant for, used where the user gave none (e.g. CoreLocker locks
     * batch-normalised networks: {@code arch=bn-mlp}). Keys as {@code --set model.KEY=VALUE}.
     */
    default Map<String, String> modelDefaults() {
        return Map.of();
    }

    /**
     * The settings an audit should sweep for {@code definition} when the user does not fix them:
     * each entry is one game, as component to key to value (e.g. CoreLocker plays {@code uc} at
     * several alphas and data fractions). Empty: one game with the user's settings.
     */
    default List<Map<String, Map<String, String>>> auditVariants(String definition) {
        return List.of();
    }

    /**
     * What the scheme counts of one of its releases, by name (e.g. TaylorMLP's expanded neurons and
     * those whose calibrated range leaves the series' radius). The correctness game reports them
     * beside the release's error. None by default.
     */
    default Map<String, Double> releaseMeasures(Artifact artifact) {
        return Map.of();
    }

    /**
     * Whether this scheme is played in the game {@code definition}: every game by default; a plugin
     * scheme in the games its manifest names. Asked of uninitialised schemes, like
     * {@link Adversary#targets}.
     */
    default boolean playedIn(String definition) {
        return true;
    }

    /**
     * A file in the claims format (schemes/CLAIMS.md) holding this scheme's claims when they do not
     * ship in the jar as {@code schemes/<id>.json}: a plugin's manifest. None by default.
     */
    default Optional<java.nio.file.Path> claimsFile() {
        return Optional.empty();
    }

    /** Restores the original from artifact and secret, for schemes that support it. */
    default Optional<Network> restore(Artifact artifact, Secret secret) {
        return Optional.empty();
    }
}
