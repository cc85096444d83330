package org.weightgames.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wg release}: a checkpoint released with TaylorMLP, streamed block by block. */
@Command(name = "release", description = "Release a checkpoint with TaylorMLP, streamed: every SwiGLU block (or those named) replaced by its "
        + "Taylor coefficients, the other tensors copied; writes a safetensors artifact.")
final class ReleaseCommand extends WgCommand {
    @Option(names = "--model", required = true, description = "The safetensors checkpoint to release.")
    Path model;

    @Option(names = "--out", required = true, description = "The artifact to write (.safetensors).")
    Path out;

    @Option(names = "--prefix", description = "A block to release, e.g. model.layers.0.mlp. (repeatable; default: every SwiGLU block).")
    List<String> prefixes = new ArrayList<>();

    @Option(names = "--order", defaultValue = "8", description = "Taylor order N (default: ${DEFAULT-VALUE}).")
    int order;

    @Option(names = "--tokens", defaultValue = "128", description = "Gaussian calibration tokens (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the calibration tokens and the signs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ToolThreads threads = new ToolThreads();

    @Override
    public Integer call() {
        org.weightgames.scale.CheckpointTools.release(model, out, prefixes, order, seed, tokens, threads.atLeastOne("release"),
                out());
        return 0;
    }
}
