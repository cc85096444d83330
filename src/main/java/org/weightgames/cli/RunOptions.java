package org.weightgames.cli;

import picocli.CommandLine.Option;

/**
 * {@code --seed}, {@code --dataset} and {@code --threads} as verify and sweep take them. audit takes the
 * same three but describes its seed and data set in its own words (its data set defaults to tokens with
 * --model), so it declares those two itself and mixes in {@link TrialThreads} alone.
 */
class RunOptions extends TrialThreads {
    @Option(names = "--seed", defaultValue = "1", description = "Run seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dataset", defaultValue = "synthetic", description = "synthetic or fashion-mnist.")
    String dataset;
}
