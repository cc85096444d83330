package org.weightgames.game;

import org.weightgames.core.Artifact;
import org.weightgames.model.Architecture;
import org.weightgames.model.Network;

/**
 * What a usage-control adversary is given: the locked public artifact, the scheme's public
 * inference code, the architecture the original was drawn from, and its auxiliary data with its
 * compute budget. Never the key or the original.
 */
public record UsageChallenge(Artifact artifact, Scheme scheme, Architecture architecture, AuxiliaryData data)
        implements Challenge {

    /** The locked network as released (a fresh instance each call). */
    public Network lockedModel() {
        return scheme.inference(artifact);
    }
}
