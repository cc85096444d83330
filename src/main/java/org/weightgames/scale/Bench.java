package org.weightgames.scale;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.weightgames.core.Coins;
import org.weightgames.core.WgException;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.model.SwiGluNames;
import org.weightgames.safetensors.DType;
import org.weightgames.core.Resources;

/**
 * {@code wg bench}: TaylorMLP at LLM scale, every figure a ratio of two times measured in the same
 * run on the same files, with its spread over repeats:
 * <ul>
 * <li>{@code attack_over_read}: the taylor-inversion attack over a released block (reading the
 * orders it needs, {@link Fit#NEEDED}) against one summing pass over every coefficient of the
 * release (the practical limit of any attack that reads them all); {@code
 * attack_over_read_of_its_orders}: against a summing pass over the orders it read;
 * {@code all_orders_over_read}: the fit over every order ({@link Fit#ALL}) against the summing
 * pass; the same under {@code official} for the authors' layout;</li>
 * <li>{@code taylor_over_original}: one token through the released block against the original,
 * for N = 2, 4, 8, 16;</li>
 * <li>{@code collapse_over_original}: one token through the taylor-collapse model against the
 * original;</li>
 * <li>trials per second of the ext-w game (release, attack, judge) on 1 and on 2 threads.</li>
 * </ul>
 * Also the recovered block's errors and the process's peak resident memory during release and attack.
 */
public final class Bench {
    /** What to run. */
    public record Options(boolean full, int order, DType dtype, int repeats, int threads, int tokens, int trials, long seed,
            Path work, Path json, Path model, String prefix) {
    }

    private final Options o;
    private final PrintWriter out;
    private final Map<String, Object> result = new LinkedHashMap<>();

    public Bench(Options options, PrintWriter out) {
        if (options.repeats() < 1 || options.threads() < 1 || options.tokens() < 1 || options.trials() < 0) {
            throw new WgException("bench: --repeats, --threads and --tokens must be at least 1 and --trials at least 0");
        }
        if (options.order() < 1 || options.order() > 64) {
            throw new WgException("bench: --order must be between 1 and 64, got " + options.order());
        }
        this.o = options;
        this.out = out;
    }

    static long[] shape(boolean full) {
        return full ? new long[] {4096, 14336, 4096} : new long[] {1024, 3584, 1024};
    }

    public Map<String, Object> run() throws IOException {
        Path work = o.work() != null ? o.work() : Files.createTempDirectory("wg-bench");
        Files.createDirectories(work);
        ExecutorService pool = Rows.pool(o.threads());
        try {
            return run(work, pool);
        } finally {
            pool.shutdownNow();
            if (o.work() == null) {
                try (var files = Files.list(work)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(work);
            }
        }
    }

    /**
     * Deletes a checkpoint the bench is done with, unless {@code --work} asked to keep them: the
     * original, the release at the bench's order, its collapse, the official-layout release and the trials' original stay
     * there for inspection (the per-order and per-trial releases are deleted either way: there are many).
     */
    void discard(Path checkpoint) throws IOException {
        if (o.work() == null) {
            Files.deleteIfExists(checkpoint);
        }
    }

    private Map<String, Object> run(Path work, ExecutorService pool) throws IOException {
        Coins coins = Coins.root(o.seed()).derive("bench");
        Path original;
        SwiGluNames names;
        long t0 = System.nanoTime();
        if (o.model() != null) {
            original = o.model();
            try (Safetensors f = Safetensors.open(original)) {
                names = SwiGluNames.find(f, o.prefix());
            }
            result.put("model", ordered("file", original.toString(), "block", names.gate().replace(SwiGluNames.GATE, ""),
                    "sha256", org.weightgames.model.Checkpoint.sha256(original)));
        } else {
            long[] s = shape(o.full());
            original = work.resolve("original.safetensors");
            names = SyntheticBlock.write(original, s[0], s[1], s[2], 0.5, o.dtype(), coins, o.threads());
        }
        long in;
        long hidden;
        long outDim;
        DType stored;
        try (Safetensors f = Safetensors.open(original)) {
            in = f.tensor(names.gate()).columns();
            hidden = f.tensor(names.gate()).rows();
            outDim = f.tensor(names.down()).rows();
            stored = o.model() != null ? f.tensor(names.down()).dtype() : o.dtype();
        }
        result.put("shape", ordered("in", in, "hidden", hidden, "out", outDim));
        result.put("dtype", stored.name());
        result.put("order", o.order());
        result.put("threads", o.threads());
        result.put("repeats", o.repeats());
        result.put("seed", o.seed());
        result.put("versions", new TreeMap<>(Resources.versions()));
        say("bench: SwiGLU block %d x %d (out %d)%s, %s, N = %d, %d threads, %d repeats%n", in, hidden, outDim,
                o.model() != null ? " of " + original : "", stored, o.order(), o.threads(), o.repeats());
        float[] calib = SyntheticBlock.tokens(128, in, coins.derive("calibration"));
        BenchFigures figures = new BenchFigures(this, o);
        say("  original %s in %.1f s%n", o.model() != null ? "checked" : "written", secs(t0));
        try (Safetensors orig = Safetensors.open(original)) {
            ProcessMemory.resetPeak();
            ProcessMemory.MemorySampler sampler = new ProcessMemory.MemorySampler();
            Path artifact = work.resolve("taylor-N" + o.order() + ".safetensors");
            t0 = System.nanoTime();
            StreamingTaylor.release(orig, names, calib, o.order(), coins.derive("release"), artifact, stored, o.threads(), false);
            double releaseSeconds = secs(t0);
            say("  released (N = %d) in %.1f s: %.0f MiB of coefficients%n", o.order(), releaseSeconds,
                    Files.size(artifact) / 1048576.0);
            result.put("release_seconds", releaseSeconds);
            try (Safetensors art = Safetensors.open(artifact)) {
                StreamingInversion.Recovered rec = figures.attackVersusRead(art, orig, names, sampler);
                // the collapsed model that inference() times against the original
                TokenKernels.writeCollapsed(art, rec, work.resolve("collapsed.safetensors"), false);
            }
            discard(artifact);
            new BenchOfficial(this, o).run(orig, names, calib, coins, work, stored, (Double) result.get("attack_seconds"));
            figures.inference(orig, names, calib, coins, work, pool);
        }
        if (o.trials() > 0) {
            new BenchTrials(this, o).run(work);
        }
        if (o.json() != null) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Path tmp = o.json().toAbsolutePath().resolveSibling(o.json().getFileName() + ".tmp");
            Files.write(tmp, json.writeValueAsBytes(result));
            Files.move(tmp, o.json(), java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            say("  wrote %s%n", o.json());
        }
        return result;
    }

    void say(String format, Object... args) {
        out.printf(format, args);
        out.flush();
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Times every task once per repeat, repeat r starting with task r mod k, so that no task always
     * runs first; returns seconds[task][repeat].
     */
    static double[][] rotated(int repeats, Runnable... tasks) {
        double[][] t = new double[tasks.length][repeats];
        for (int r = 0; r < repeats; r++) {
            for (int i = 0; i < tasks.length; i++) {
                int k = (r + i) % tasks.length;
                long t0 = System.nanoTime();
                tasks[k].run();
                t[k][r] = secs(t0);
            }
        }
        return t;
    }

    /** a[r] / b[r] per repeat. */
    static double[] ratio(double[] a, double[] b) {
        double[] q = new double[a.length];
        for (int r = 0; r < a.length; r++) {
            q[r] = a[r] / b[r];
        }
        return q;
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /** Records a figure under {@code key}, in the order figures are recorded. */
    void put(String key, Object value) {
        result.put(key, value);
    }

    /** A map of the given keys and values in that order (bench.json keeps its keys' order from run to run). */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
