package org.weightgames.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.weightgames.core.WgException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wg attack}: the taylor-inversion attack on a released checkpoint, streamed block by block. */
@Command(name = "attack", description = "The taylor-inversion attack on a TaylorMLP artifact (from wg release), streamed: writes a checkpoint "
        + "with the recovered gate_proj, up_proj and down_proj of every block; --original compares each block with the original.")
final class AttackCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", description = "The TaylorMLP artifact (.safetensors).")
    Path artifact;

    @Option(names = "--out", required = true, description = "The recovered checkpoint to write (.safetensors).")
    Path out;

    @Option(names = "--original", description = "The original checkpoint, to measure the recovery's error block by block.")
    Path original;

    @Option(names = "--threads", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
        if (threads < 1) {
            throw new WgException("attack: --threads must be at least 1, got " + threads);
        }
        org.weightgames.scale.CheckpointTools.attack(artifact, out, original, threads, spec.commandLine().getOut());
        return 0;
    }
}
