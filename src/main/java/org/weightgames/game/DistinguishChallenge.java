package org.weightgames.game;

import org.weightgames.core.Artifact;
import org.weightgames.model.Architecture;
import org.weightgames.model.Network;

/**
 * The {@code ind} challenge: two candidate models of the same architecture (the adversary may
 * inspect both; copies are handed out) and the release of one of them, chosen by a secret bit.
 */
public final class DistinguishChallenge implements Challenge {
    private final ExtractionChallenge release;
    private final Network candidate0;
    private final Network candidate1;

    public DistinguishChallenge(ExtractionChallenge release, Network candidate0, Network candidate1) {
        this.release = release;
        this.candidate0 = candidate0;
        this.candidate1 = candidate1;
    }

    /** The released artifact with everything an extraction adversary gets. */
    public ExtractionChallenge release() {
        return release;
    }

    /** The released artifact ({@code release().artifact()}). */
    @Override
    public Artifact artifact() {
        return release.artifact();
    }

    @Override
    public Architecture architecture() {
        return release.architecture();
    }

    public Network candidate(int b) {
        if (b != 0 && b != 1) {
            throw new IllegalArgumentException("candidate index must be 0 or 1");
        }
        return (b == 0 ? candidate0 : candidate1).copy();
    }
}
