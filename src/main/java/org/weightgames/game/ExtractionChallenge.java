package org.weightgames.game;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.weightgames.model.Architecture;
import org.weightgames.model.Network;
import org.weightgames.core.Artifact;

/**
 * What an extraction adversary is given: the public artifact, the scheme's public inference code,
 * the architecture the original was drawn from, the names and shapes of the protected parameters
 * (what to answer with), a sample oracle over the input distribution and, for hosted schemes,
 * the query API.
 */
public final class ExtractionChallenge implements Challenge {
    private final Artifact artifact;
    private final Scheme scheme;
    private final Architecture architecture;
    private final Map<String, long[]> protectedShapes;
    private final SampleOracle samples;
    private final QueryOracle api;
    private final Network publicBase;

    public ExtractionChallenge(Artifact artifact, Scheme scheme, Architecture architecture,
            Map<String, long[]> protectedShapes, SampleOracle samples) {
        this(artifact, scheme, architecture, protectedShapes, samples, null);
    }

    /** With {@code api}, the query oracle of a {@link Hosted} scheme's model. */
    public ExtractionChallenge(Artifact artifact, Scheme scheme, Architecture architecture,
            Map<String, long[]> protectedShapes, SampleOracle samples, QueryOracle api) {
        this(artifact, scheme, architecture, protectedShapes, samples, api, null);
    }

    /**
     * With {@code publicBase}, the public pre-trained network the original was fine-tuned from
     * ({@code model.base=public}); null when there is none. An isolated adversary's challenge does
     * not carry it.
     */
    public ExtractionChallenge(Artifact artifact, Scheme scheme, Architecture architecture,
            Map<String, long[]> protectedShapes, SampleOracle samples, QueryOracle api, Network publicBase) {
        this.publicBase = publicBase;
        this.artifact = artifact;
        this.scheme = scheme;
        this.architecture = architecture;
        // insertion order kept: adversaries draw coins per tensor in this order (Map.copyOf's order changes per JVM)
        this.protectedShapes = Collections.unmodifiableMap(new LinkedHashMap<>(protectedShapes));
        this.samples = samples;
        this.api = api;
    }

    /** Whether the scheme hosts a query API ({@link #api()}). */
    public boolean hasApi() {
        return api != null;
    }

    /** The query API of a hosted scheme's model (its output logits), counted against the game's query budget. */
    public QueryOracle api() {
        if (api == null) {
            throw new UnsupportedOperationException("scheme '" + scheme.id() + "' offers no query API");
        }
        return api;
    }

    @Override
    public Artifact artifact() {
        return artifact;
    }

    /** The released model as an authorised user runs it (a fresh instance each call). */
    public Network releasedModel() {
        return scheme.inference(artifact);
    }

    @Override
    public Architecture architecture() {
        return architecture;
    }

    public Map<String, long[]> protectedShapes() {
        return protectedShapes;
    }

    /**
     * The public pre-trained network the original was fine-tuned from, when the family has one
     * ({@code model.base=public}; a fresh copy each call). Empty otherwise, and always empty for an
     * adversary played under {@code --isolate} (the pipe does not carry it).
     */
    public Optional<Network> publicBase() {
        return publicBase == null ? Optional.empty() : Optional.of(publicBase.copy());
    }

    public SampleOracle samples() {
        return samples;
    }
}
