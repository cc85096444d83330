package org.weightgames.game;

import java.util.Map;

import org.weightgames.model.ModelFamily;
import org.weightgames.model.Network;

/**
 * What an extraction adversary is given: the public artifact, the scheme's public inference code,
 * the architecture the original was drawn from, the names and shapes of the protected parameters
 * (what to answer with), and a sample oracle over the input distribution.
 */
public final class ExtractionChallenge {
    private final Artifact artifact;
    private final Scheme scheme;
    private final ModelFamily family;
    private final Map<String, long[]> protectedShapes;
    private final SampleOracle samples;

    public ExtractionChallenge(Artifact artifact, Scheme scheme, ModelFamily family,
            Map<String, long[]> protectedShapes, SampleOracle samples) {
        this.artifact = artifact;
        this.scheme = scheme;
        this.family = family;
        this.protectedShapes = Map.copyOf(protectedShapes);
        this.samples = samples;
    }

    public Artifact artifact() {
        return artifact;
    }

    /** The released model as an authorised user runs it (a fresh instance each call). */
    public Network releasedModel() {
        return scheme.inference(artifact);
    }

    public ModelFamily family() {
        return family;
    }

    public Map<String, long[]> protectedShapes() {
        return protectedShapes;
    }

    public SampleOracle samples() {
        return samples;
    }
}
