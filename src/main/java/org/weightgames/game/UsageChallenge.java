package org.weightgames.game;

import org.weightgames.model.ModelFamily;
import org.weightgames.model.Network;

/**
 * What a usage-control adversary is given: the locked public artifact, the scheme's public
 * inference code, the architecture the original was drawn from, and its auxiliary data with its
 * compute budget. Never the key or the original.
 */
public final class UsageChallenge {
    private final Artifact artifact;
    private final Scheme scheme;
    private final ModelFamily family;
    private final AuxiliaryData data;

    public UsageChallenge(Artifact artifact, Scheme scheme, ModelFamily family, AuxiliaryData data) {
        this.artifact = artifact;
        this.scheme = scheme;
        this.family = family;
        this.data = data;
    }

    public Artifact artifact() {
        return artifact;
    }

    /** The locked network as released (a fresh instance each call). */
    public Network lockedModel() {
        return scheme.inference(artifact);
    }

    public ModelFamily family() {
        return family;
    }

    public AuxiliaryData data() {
        return data;
    }
}
