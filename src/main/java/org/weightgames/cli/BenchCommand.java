package org.weightgames.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

import org.weightgames.core.WgException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wg bench}: TaylorMLP attack and inference costs at LLM scale, each a ratio measured in the run. */
@Command(name = "bench", description = "TaylorMLP at LLM scale: the taylor-inversion attack (reading the orders it needs) and "
        + "the fit over every order against a summing pass over the release's coefficients, in both layouts, TaylorMLP and taylor-collapse inference against the original block, and ext-w trials per second, "
        + "each a ratio measured in this run. Quarter-scale block (1024 x 3584) by default, Llama-3-8B's (4096 x 14336) with --full.")
final class BenchCommand extends WgCommand {
    @Option(names = "--full", description = "Use the full Llama-3-8B block, 4096 x 14336 (about 10 GB of scratch files).")
    boolean full;

    @Option(names = "--order", defaultValue = "8", description = "TaylorMLP order N of the attacked artifact (default: ${DEFAULT-VALUE}).")
    int order;

    @Option(names = "--dtype", defaultValue = "f32", description = "Storage type of the checkpoints: f32, f64, f16 or bf16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--repeats", defaultValue = "5", description = "Repeats of each timing (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Mixin
    ToolThreads threads = new ToolThreads();

    @Option(names = "--tokens", defaultValue = "8", description = "Tokens per inference timing (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--trials", defaultValue = "8", description = "ext-w trials per thread count for the throughput figure; 0 skips it (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--work", description = "Folder for the scratch checkpoints, kept afterwards: the original, the release at --order, its collapse,"
            + " the official-layout release and the trials' original (the per-order and per-trial releases are deleted as measured). Default: a temporary"
            + " folder, deleted.")
    Path work;

    @Option(names = "--json", description = "Also write the figures as JSON to this file.")
    Path json;

    @Option(names = "--model", description = "Bench on your own SwiGLU block from a safetensors checkpoint instead of a random one.")
    Path model;

    @Option(names = "--prefix", description = "With --model: the block's tensor-name prefix, e.g. model.layers.0.mlp. (default: the first block).")
    String prefix;

    @Option(names = "--protocol", description = "Instead: the plugin protocol's cost, this plugin ext-w adversary against"
            + " taylor-inversion (or --java) on the audit's default block, --trials trials each, in one run.")
    String protocol;

    @Option(names = "--java", defaultValue = "taylor-inversion", description = "With --protocol: the Java adversary to compare"
            + " with (default: ${DEFAULT-VALUE}).")
    String javaAdversary;

    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Override
    public Integer call() throws Exception {
        if (protocol != null) {
            plugins.install();
            org.weightgames.core.Nd.init();
            PrintWriter p = out();
            Map<String, Object> r = org.weightgames.run.ProtocolBench.run(javaAdversary, protocol, trials, seed, p);
            if (json != null) {
                // atomically, as the reports are written
                Path dir = json.toAbsolutePath().getParent();
                org.weightgames.report.ReportWriter.write(dir, Map.of(json.getFileName().toString(),
                        org.weightgames.report.ReportWriter.json(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(r))));
            }
            p.flush();
            return 0;
        }
        org.weightgames.safetensors.DType dt;
        try {
            dt = org.weightgames.safetensors.DType.valueOf(dtype.toUpperCase(java.util.Locale.ROOT));
            if (!dt.isFloat() || dt.size == 1) {
                throw new IllegalArgumentException(dtype);
            }
        } catch (IllegalArgumentException e) {
            throw new WgException("bench: --dtype must be f32, f64, f16 or bf16, got '" + dtype + "'");
        }
        PrintWriter pw = out();
        new org.weightgames.scale.Bench(new org.weightgames.scale.Bench.Options(full, order, dt, repeats, threads.threads, tokens,
                trials, seed, work, json, model, prefix), pw).run();
        pw.flush();
        return 0;
    }
}
