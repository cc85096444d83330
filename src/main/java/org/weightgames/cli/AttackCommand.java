package org.weightgames.cli;

import java.nio.file.Path;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wg attack}: the taylor-inversion attack on a released checkpoint, streamed block by block. */
@Command(name = "attack", description = "The taylor-inversion attack on a TaylorMLP artifact (from wg release), streamed: writes a checkpoint "
        + "with the recovered gate_proj, up_proj and down_proj of every block; --original compares each block with the original.")
final class AttackCommand extends WgCommand {
    @CommandLine.Parameters(index = "0", description = "The TaylorMLP artifact (.safetensors).")
    Path artifact;

    @Option(names = "--out", required = true, description = "The recovered checkpoint to write (.safetensors).")
    Path out;

    @Option(names = "--original", description = "The original checkpoint, to measure the recovery's error block by block.")
    Path original;

    @Mixin
    ToolThreads threads = new ToolThreads();

    @Override
    public Integer call() {
        org.weightgames.scale.CheckpointTools.attack(artifact, out, original, threads.atLeastOne("attack"), out());
        return 0;
    }
}
