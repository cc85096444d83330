package org.weightgames.game;

import org.weightgames.model.Architecture;
import org.weightgames.model.Network;
import org.weightgames.core.Artifact;

/**
 * What a usage-control adversary is given: the locked public artifact, the scheme's public
 * inference code, the architecture the original was drawn from, and its auxiliary data with its
 * compute budget. Never the key or the original.
 */
public final class UsageChallenge implements Challenge {
    private final Artifact artifact;
    private final Scheme scheme;
    private final Architecture architecture;
    private final AuxiliaryData data;

    public UsageChallenge(Artifact artifact, Scheme scheme, Architecture architecture, AuxiliaryData data) {
        this.artifact = artifact;
        this.scheme = scheme;
        this.architecture = architecture;
        this.data = data;
    }

    @Override
    public Artifact artifact() {
        return artifact;
    }

    /** The locked network as released (a fresh instance each call). */
    public Network lockedModel() {
        return scheme.inference(artifact);
    }

    @Override
    public Architecture architecture() {
        return architecture;
    }

    public AuxiliaryData data() {
        return data;
    }
}
