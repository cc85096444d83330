package org.weightgames.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.weightgames.core.WgException;
import org.weightgames.onnx.OnnxModel;
import org.weightgames.report.RangeChart;
import org.weightgames.scale.OnnxCorrectness;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wg real-model}: TaylorMLP's correctness for its users on a real ONNX model, and its calibration ranges. */
@Command(name = "real-model", description = "TaylorMLP's correct game on a real ONNX transformer: every MLP block released at each"
        + " order (calibrated on the real hidden states of the committed sentences) and replaced by the polynomial its user"
        + " evaluates; the sentence embeddings against the original's on fresh sentences; writes correct.md and ranges.png (the"
        + " blocks' calibrated ranges beside the audit's synthetic geometries).")
final class RealModelCommand extends WgCommand {
    @Option(names = "--model", defaultValue = "minilm", description = "minilm (the built-in all-MiniLM-L6-v2) or an .onnx file"
            + " (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--tokenizer", description = "With an .onnx model: its tokenizer.json (minilm carries its own).")
    Path tokenizer;

    @Option(names = "--orders", split = ",", defaultValue = "6,8", description = "Taylor orders N (default: ${DEFAULT-VALUE}).")
    List<Integer> orders;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the signs and the synthetic draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--fraction", defaultValue = "1", description = "Fraction of each block's neurons expanded, those of smallest"
            + " calibrated range (the authors' selection; 0.558 is their 8000 of 14336), the others in plaintext (default:"
            + " ${DEFAULT-VALUE}: every neuron).")
    double fraction;

    @Option(names = "--out", defaultValue = "reports/real-model", description = "Folder of correct.md and ranges.png (default:"
            + " ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() {
        if (!OnnxModel.isOnnx(model)) {
            throw new WgException("--model '" + model + "': give minilm or an .onnx file");
        }
        if (!(fraction > 0 && fraction <= 1)) {
            throw new WgException("--fraction must be in (0, 1], got " + fraction);
        }
        OnnxCorrectness.Result r = OnnxCorrectness.run(model, tokenizer, orders.stream().mapToInt(Integer::intValue).toArray(), seed,
                fraction, out());
        try {
            Files.createDirectories(dir);
            Path png = dir.resolve("ranges.png");
            Path md = dir.resolve("correct.md");
            Files.write(png, RangeChart.png("Calibrated ranges of " + model + " beside the synthetic geometries", r.ranges()));
            Files.writeString(md, r.markdown());
            out().printf("wrote %s and %s%n", md, png);
            out().flush();
        } catch (IOException e) {
            throw new WgException(dir + ": cannot write the report (" + e + ")", e);
        }
        return 0;
    }
}
