package org.weightgames.game;

import org.weightgames.core.Artifact;

/** The result of releasing a model: the public artifact and the challenger's secret. */
public record Release(Artifact artifact, Secret secret) {
}
