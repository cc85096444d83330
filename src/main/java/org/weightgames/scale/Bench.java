package org.weightgames.scale;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.weightgames.core.Coins;
import org.weightgames.core.WgException;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.model.SwiGluNames;
import org.weightgames.safetensors.DType;
import org.weightgames.core.Resources;
import org.weightgames.schemes.taylormlp.TaylorNames;

/**
 * {@code wg bench}: TaylorMLP at LLM scale, every figure a ratio of two times measured in the same
 * run on the same files, with its spread over repeats:
 * <ul>
 * <li>{@code attack_over_read}: the taylor-inversion attack over a released block against one
 * summing pass over the same coefficients (the practical limit of any attack that reads them);</li>
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
            result.put("model", Map.of("file", original.toString(), "block", names.gate().replace(SwiGluNames.GATE, ""),
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
        result.put("shape", Map.of("in", in, "hidden", hidden, "out", outDim));
        result.put("dtype", stored.name());
        result.put("order", o.order());
        result.put("threads", o.threads());
        result.put("repeats", o.repeats());
        result.put("seed", o.seed());
        result.put("versions", new TreeMap<>(Resources.versions()));
        say("bench: SwiGLU block %d x %d (out %d)%s, %s, N = %d, %d threads, %d repeats%n", in, hidden, outDim,
                o.model() != null ? " of " + original : "", stored, o.order(), o.threads(), o.repeats());
        float[] calib = SyntheticBlock.tokens(128, in, coins.derive("calibration"));
        say("  original %s in %.1f s%n", o.model() != null ? "checked" : "written", secs(t0));
        try (Safetensors orig = Safetensors.open(original)) {
            resetPeak();
            MemorySampler sampler = new MemorySampler();
            Path artifact = work.resolve("taylor-N" + o.order() + ".safetensors");
            t0 = System.nanoTime();
            StreamingTaylor.release(orig, names, calib, o.order(), coins.derive("release"), artifact, stored, o.threads(), false);
            double releaseSeconds = secs(t0);
            say("  released (N = %d) in %.1f s: %.0f MiB of coefficients%n", o.order(), releaseSeconds,
                    Files.size(artifact) / 1048576.0);
            result.put("release_seconds", releaseSeconds);
            try (Safetensors art = Safetensors.open(artifact)) {
                StreamingInversion.Recovered rec = attackVersusRead(art, orig, names, sampler);
                // the collapsed model that inference() times against the original
                TokenKernels.writeCollapsed(art, rec, work.resolve("collapsed.safetensors"), false);
            }
            Files.deleteIfExists(artifact);
            inference(orig, names, calib, coins, work, pool);
        }
        if (o.trials() > 0) {
            trials(work);
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

    /** Times the attack against the summing pass, measures the recovery and memory; returns the recovery. */
    private StreamingInversion.Recovered attackVersusRead(Safetensors art, Safetensors orig, SwiGluNames names,
            MemorySampler sampler) {
        StreamingInversion.readPass(art, o.threads()); // warm the page cache: both passes then read from memory
        double[] read = new double[o.repeats()];
        double[] attack = new double[o.repeats()];
        double[] ratio = new double[o.repeats()];
        StreamingInversion.Recovered rec = null;
        for (int r = 0; r < o.repeats(); r++) {
            boolean readFirst = r % 2 == 0;
            if (readFirst) {
                read[r] = timeRead(art);
            }
            long t = System.nanoTime();
            rec = StreamingInversion.recover(art, o.threads(), rec);
            attack[r] = secs(t);
            if (!readFirst) {
                read[r] = timeRead(art);
            }
            ratio[r] = attack[r] / read[r];
        }
        long peak = peakRssBytes();
        long[] parts = sampler.stop();
        StreamingInversion.Comparison c = StreamingInversion.compare(rec, orig, names, art, o.threads());
        long coefficients = (long) (o.order() + 1) * art.tensor(new TaylorNames("").p()).elements()
                * art.tensor(new TaylorNames("").theta(0)).rows();
        double gb = coefficients * (double) art.tensor(new TaylorNames("").theta(0)).dtype().size / 1e9;
        say("  summing pass over %d coefficients (%.2f GB): median %.3f s (%.1f GB/s)%n", coefficients, gb,
                median(read), gb / median(read));
        say("  taylor-inversion attack: median %.3f s%n", median(attack));
        say("  attack / read = %.2f  (spread %.2f .. %.2f over %d repeats)%n", median(ratio), min(ratio), max(ratio),
                ratio.length);
        say("  recovered W_down: median column relative error %.2e, max %.2e, Frobenius %.2e; V_gate rows with a"
                + " wrong sign: %d%n", c.medianColumnError(), c.maxColumnError(), c.relativeError(), c.signErrors());
        say("  peak resident memory during release and attack: %.0f MiB (sampled peaks: %.0f MiB heap and native,"
                + " %.0f MiB of mapped checkpoint pages)%n", peak / 1048576.0, parts[0] / 1048576.0, parts[1] / 1048576.0);
        result.put("attack_over_read", median(ratio));
        result.put("attack_over_read_spread", List.of(min(ratio), max(ratio)));
        result.put("read_seconds", median(read));
        result.put("attack_seconds", median(attack));
        result.put("coefficients", coefficients);
        result.put("recovered", Map.of("median_column_relative_error", c.medianColumnError(), "max_column_relative_error",
                c.maxColumnError(), "relative_error", c.relativeError(), "gate_sign_errors", c.signErrors()));
        result.put("peak_rss_mib_release_attack", peak < 0 ? null : peak / 1048576.0);
        result.put("peak_anonymous_mib_release_attack", parts[0] / 1048576.0);
        result.put("peak_mapped_file_mib_release_attack", parts[1] / 1048576.0);
        return rec;
    }

    private double timeRead(Safetensors art) {
        long t = System.nanoTime();
        StreamingInversion.readPass(art, o.threads());
        return secs(t);
    }

    private void inference(Safetensors orig, SwiGluNames names, float[] calib, Coins coins, Path work, ExecutorService pool)
            throws IOException {
        long in = orig.tensor(names.gate()).columns();
        float[] tokens = SyntheticBlock.tokens(o.tokens(), in, coins.derive("tokens"));
        TokenKernels.Block original = TokenKernels.original(orig, names, pool, o.threads());
        Map<String, Object> taylor = new LinkedHashMap<>();
        Map<String, Object> spread = new LinkedHashMap<>();
        Map<String, Object> errors = new LinkedHashMap<>();
        Map<String, Object> macs = new LinkedHashMap<>();
        say("  one token at a time (" + o.tokens() + " tokens per timing), against the original block:%n");
        for (int n : new int[] {2, 4, 8, 16}) {
            Path a = work.resolve("taylor-infer-N" + n + ".safetensors");
            StreamingTaylor.release(orig, names, calib, n, coins.derive("release/N" + n), a,
                    orig.tensor(names.down()).dtype(), o.threads(), false);
            try (Safetensors art = Safetensors.open(a)) {
                TokenKernels.Block t = TokenKernels.taylor(art, pool, o.threads());
                double[] r = ratios(t, original, tokens, in);
                taylor.put(Integer.toString(n), median(r));
                spread.put(Integer.toString(n), List.of(min(r), max(r)));
                errors.put(Integer.toString(n), outputError(t, original, tokens, in));
                macs.put(Integer.toString(n), (2.0 + (n + 1)) / 3.0);
                say("    TaylorMLP N = %2d: %.2fx (spread %.2f .. %.2f; matrix reads %.2fx), output error %.1e%n", n,
                        median(r), min(r), max(r), (2.0 + (n + 1)) / 3.0, (double) errors.get(Integer.toString(n)));
            }
            Files.deleteIfExists(a);
        }
        try (Safetensors col = Safetensors.open(work.resolve("collapsed.safetensors"))) {
            TokenKernels.Block c = TokenKernels.collapsed(col, pool, o.threads());
            double[] r = ratios(c, original, tokens, in);
            double err = outputError(c, original, tokens, in);
            say("    taylor-collapse (N = %d): %.2fx (spread %.2f .. %.2f), output error %.1e%n", o.order(), median(r),
                    min(r), max(r), err);
            result.put("collapse_over_original", median(r));
            result.put("collapse_over_original_spread", List.of(min(r), max(r)));
            result.put("collapse_output_error", err);
        }
        Files.deleteIfExists(work.resolve("collapsed.safetensors"));
        result.put("taylor_over_original", taylor);
        result.put("taylor_over_original_spread", spread);
        result.put("taylor_output_error", errors);
        result.put("taylor_matrix_reads_over_original", macs);
    }

    /** Per repeat: time of {@code a} over time of {@code b} on the same tokens, alternating which goes first. */
    private double[] ratios(TokenKernels.Block a, TokenKernels.Block b, float[] tokens, long in) {
        run(a, tokens, in);
        run(b, tokens, in);
        double[] r = new double[o.repeats()];
        for (int i = 0; i < r.length; i++) {
            double ta;
            double tb;
            if (i % 2 == 0) {
                ta = run(a, tokens, in);
                tb = run(b, tokens, in);
            } else {
                tb = run(b, tokens, in);
                ta = run(a, tokens, in);
            }
            r[i] = ta / tb;
        }
        return r;
    }

    private static double run(TokenKernels.Block blk, float[] tokens, long in) {
        long t = System.nanoTime();
        for (int k = 0; k < tokens.length / in; k++) {
            blk.forward(Arrays.copyOfRange(tokens, (int) (k * in), (int) ((k + 1) * in)));
        }
        return secs(t);
    }

    private static double outputError(TokenKernels.Block a, TokenKernels.Block b, float[] tokens, long in) {
        double num = 0;
        double den = 0;
        for (int k = 0; k < tokens.length / in; k++) {
            float[] x = Arrays.copyOfRange(tokens, (int) (k * in), (int) ((k + 1) * in));
            float[] ya = a.forward(x);
            float[] yb = b.forward(x);
            for (int i = 0; i < ya.length; i++) {
                num += (ya[i] - yb[i]) * (double) (ya[i] - yb[i]);
                den += yb[i] * (double) yb[i];
            }
        }
        return Math.sqrt(num / den);
    }

    /**
     * Trials per second of the ext-w game at the quarter-scale block: each trial draws its
     * calibration tokens and signs from its own coins, releases, attacks and judges. Played with
     * one trial at a time, then with {@code threads} at once; the outcomes must be identical.
     */
    private void trials(Path work) throws IOException {
        long[] s = shape(false);
        Coins coins = Coins.root(o.seed()).derive("bench-trials");
        Path original = work.resolve("trials-original.safetensors");
        SwiGluNames names = SyntheticBlock.write(original, s[0], s[1], s[2], 0.5, o.dtype(), coins, o.threads());
        Map<String, Object> tps = new LinkedHashMap<>();
        List<Double> reference = null;
        try (Safetensors orig = Safetensors.open(original)) {
            playTrials(orig, names, coins.derive("warm-up"), work, 1, 1); // compile the hot loops before timing
            for (int threads : o.threads() == 1 ? new int[] {1} : new int[] {1, o.threads()}) {
                long t = System.nanoTime();
                List<Double> errs = playTrials(orig, names, coins, work, threads, o.trials());
                double sec = secs(t);
                tps.put(Integer.toString(threads), o.trials() / sec);
                say("  ext-w trials (quarter block, N = %d): %.2f trials/s on %d thread%s%n", o.order(), o.trials() / sec,
                        threads, threads == 1 ? "" : "s");
                if (reference == null) {
                    reference = errs;
                } else if (!reference.equals(errs)) {
                    throw new WgException("bench: trial outcomes differ between 1 and " + threads + " threads: " + reference
                            + " vs " + errs + "; trials are not independent of the thread count");
                }
            }
        }
        long wins = reference.stream().filter(e -> e <= 1e-3).count();
        say("  ext-w outcomes: %d of %d trials won (median column error <= 1e-3), identical on every thread count%n",
                wins, o.trials());
        result.put("trials_per_second", tps);
        result.put("trials", Map.of("played", o.trials(), "won", wins));
        if (tps.size() == 2) {
            double scale = (double) tps.get(Integer.toString(o.threads())) / (double) tps.get("1");
            result.put("trials_speedup", scale);
            say("  trial throughput %d threads over 1: %.2fx%n", o.threads(), scale);
        }
        Files.deleteIfExists(original);
    }

    private List<Double> playTrials(Safetensors orig, SwiGluNames names, Coins coins, Path work, int threads, int count) {
        ExecutorService pool = Rows.pool(threads);
        try {
            List<Future<Double>> fs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                fs.add(pool.submit(() -> {
                    Coins c = coins.derive("trial/" + index);
                    long in = orig.tensor(names.gate()).columns();
                    float[] calib = SyntheticBlock.tokens(128, in, c.derive("calibration"));
                    Path a = work.resolve("trial-" + threads + "-" + index + ".safetensors");
                    try {
                        StreamingTaylor.release(orig, names, calib, o.order(), c.derive("release"), a, o.dtype(), 1, false);
                        try (Safetensors art = Safetensors.open(a)) {
                            StreamingInversion.Recovered rec = StreamingInversion.recover(art, 1);
                            StreamingInversion.Comparison cmp = StreamingInversion.compare(rec, orig, names, art, 1);
                            return cmp.signErrors() == 0 ? cmp.medianColumnError() : Double.POSITIVE_INFINITY;
                        }
                    } finally {
                        Files.deleteIfExists(a);
                    }
                }));
            }
            List<Double> errs = new ArrayList<>();
            for (Future<Double> f : fs) {
                try {
                    errs.add(f.get());
                } catch (Exception e) {
                    throw new WgException("bench: a trial failed: " + e.getCause(), e);
                }
            }
            return errs;
        } finally {
            pool.shutdownNow();
        }
    }

    private void say(String format, Object... args) {
        out.printf(format, args);
        out.flush();
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /** Resets the kernel's high-water mark of resident memory (Linux), so the next peak is this phase's. */
    private static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux or not allowed: the peak then covers the whole process
        }
    }

    /** VmHWM of this process in bytes, or -1 where /proc is absent. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Polls /proc/self/status every 10 ms for the resident memory that is the process's own (RssAnon:
     * heap and native allocations) and that of mapped checkpoint pages (RssFile: page cache the
     * kernel can drop), keeping each one's peak.
     */
    static final class MemorySampler {
        private final long[] peak = new long[2];
        private volatile boolean running = true;
        private final Thread thread;

        MemorySampler() {
            thread = new Thread(() -> {
                while (running) {
                    sample();
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "wg-memory");
            thread.setDaemon(true);
            thread.start();
        }

        private synchronized void sample() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("RssAnon:")) {
                        peak[0] = Math.max(peak[0], Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                    } else if (line.startsWith("RssFile:")) {
                        peak[1] = Math.max(peak[1], Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                    }
                }
            } catch (IOException | RuntimeException e) {
                running = false;
            }
        }

        /** Stops and returns {anonymous, file} peaks in bytes (0 where /proc is absent). */
        long[] stop() {
            running = false;
            thread.interrupt();
            sample();
            synchronized (this) {
                return peak.clone();
            }
        }
    }
}
