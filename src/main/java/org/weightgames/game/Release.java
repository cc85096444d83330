package org.weightgames.game;

/** The result of releasing a model: the public artifact and the challenger's secret. */
public record Release(Artifact artifact, Secret secret) {
}
