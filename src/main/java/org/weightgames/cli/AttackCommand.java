package org.weightgames.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wg attack}: the taylor-inversion attack on a released checkpoint, streamed block by block. */
@Command(name = "attack", description = "The taylor-inversion attack on a TaylorMLP artifact, streamed: WeightGames' layout or the authors' "
        + "(recognised by its tensor names); writes a checkpoint with the recovered gate_proj, up_proj and down_proj of every block; "
        + "--original compares each block with the original.")
final class AttackCommand extends WgCommand {
    @CommandLine.Parameters(index = "0", description = "The TaylorMLP artifact (.safetensors).")
    Path artifact;

    @Option(names = "--out", description = "The recovered checkpoint to write (.safetensors; for a release of an ONNX model, the"
            + " recovered model as .onnx, by default the artifact's name with .recovered.onnx).")
    Path out;

    @Option(names = "--original", description = "The original checkpoint, to measure the recovery's error block by block (for an"
            + " ONNX model's release: minilm or the .onnx file, whose graph the recovered model is written into, and whose sentence"
            + " embeddings the recovered model's are compared with).")
    Path original;

    @Option(names = "--tokenizer", description = "With an .onnx original: its tokenizer.json (minilm carries its own).")
    Path tokenizer;

    @Option(names = "--activation", defaultValue = "auto", description = "silu, gelu, gelu-tanh, or auto: identified from the"
            + " coefficients, the one whose per-neuron fit leaves the smallest residual (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--fit", defaultValue = "needed", description = "needed: read the orders that fix every column to the dtype's"
            + " precision (WeightGames' layout: 0 and 1; the authors': local_approx_output); all: the least-squares fit over every"
            + " order, the in-memory attack's (default: ${DEFAULT-VALUE}).")
    String fit;

    @Mixin
    ToolThreads threads = new ToolThreads();

    @Override
    public Integer call() {
        if (Files.isRegularFile(artifact) && org.weightgames.scale.OnnxAttack.isOnnxRelease(artifact)) {
            if (!activation.equals("auto") || !fit.equals("needed")) {
                throw new org.weightgames.core.WgException(artifact + ": a release of an ONNX model's GELU blocks is attacked with"
                        + " GELU and every order (each neuron's point is unknown); drop --activation and --fit");
            }
            Path o = out != null ? out : artifact.resolveSibling(artifact.getFileName().toString().replaceFirst(
                    "(\\.safetensors)?$", "") + ".recovered.onnx");
            org.weightgames.scale.OnnxAttack.attack(artifact, o, original == null ? null : original.toString(), original != null,
                    tokenizer, out());
            return 0;
        }
        if (out == null) {
            throw new org.weightgames.core.WgException("--out: give the recovered checkpoint to write (.safetensors)");
        }
        org.weightgames.scale.CheckpointTools.attack(artifact, out, original, org.weightgames.scale.CheckpointTools.activation(
                activation), org.weightgames.scale.Fit.parse(fit), threads.atLeastOne("attack"), out());
        return 0;
    }
}
