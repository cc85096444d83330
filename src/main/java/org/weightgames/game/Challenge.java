package org.weightgames.game;

import org.weightgames.core.Artifact;
import org.weightgames.model.Architecture;

/**
 * What every game's challenge holds: the public artifact and the architecture the original was
 * drawn from. An isolated adversary's process gets the artifact as a file and the architecture in
 * its request; the rest of a challenge crosses as its game's {@link Contract.Codec} writes it.
 */
public interface Challenge {
    Artifact artifact();

    /** The public architecture, or null where none is known. */
    Architecture architecture();
}
