package org.weightgames.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.core.Coins;
import org.weightgames.core.WgException;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.model.SwiGluNames;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Writer;
import org.weightgames.safetensors.Spec;
import org.weightgames.schemes.taylormlp.TaylorNames;

/** Streaming release and attack of a SwiGLU block through safetensors files. */
class StreamingTaylorTest {
    @TempDir
    Path tmp;

    private StreamingInversion.Comparison releaseAndAttack(DType dtype, int threads, Coins coins) {
        Path orig = tmp.resolve("orig-" + dtype + ".safetensors");
        SwiGluNames names = SyntheticBlock.write(orig, 48, 160, 40, 0.5, dtype, coins, threads);
        try (Safetensors o = Safetensors.open(orig)) {
            assertThat(SwiGluNames.find(o, null)).isEqualTo(names);
            Path art = tmp.resolve("art-" + dtype + "-" + threads + ".safetensors");
            StreamingTaylor.Released r = StreamingTaylor.release(o, names, SyntheticBlock.tokens(64, 48, coins), 8,
                    coins.derive("release"), art, dtype, threads);
            assertThat(r.sign()).contains(1.0, -1.0);
            try (Safetensors a = Safetensors.open(art)) {
                // nothing secret in the artifact: no W_down, the gate rows only up to sign
                assertThat(a.names()).doesNotContain(names.down()).contains("theta.0", "theta.8", "p");
                StreamingInversion.Recovered rec = StreamingInversion.recover(a, threads);
                assertThat(rec.sign()).containsExactly(r.sign());
                return StreamingInversion.compare(rec, o, names, a, threads);
            }
        }
    }

    @Test
    void attackRecoversW_downToFloatPrecision() {
        StreamingInversion.Comparison f32 = releaseAndAttack(DType.F32, 2, Coins.root(5));
        assertThat(f32.signErrors()).isZero();
        assertThat(f32.medianColumnError()).isLessThan(1e-5);
        assertThat(f32.maxColumnError()).isLessThan(1e-4);
        StreamingInversion.Comparison f64 = releaseAndAttack(DType.F64, 2, Coins.root(5));
        assertThat(f64.signErrors()).isZero();
        assertThat(f64.medianColumnError()).isLessThan(1e-10);
    }

    /**
     * By default the attack reads orders 0 and 1 only (each coefficient is W_down times a number the
     * attacker computes, so any one order fixes a column to the dtype's precision) and recovers W_down
     * as precisely as the least-squares fit over every order, in every float dtype.
     */
    @Test
    void theAttackReadsOrdersZeroAndOneAndLosesNoPrecision() {
        for (DType dtype : new DType[] {DType.F32, DType.BF16, DType.F64}) {
            Coins coins = Coins.root(12);
            Path orig = tmp.resolve("fit-orig-" + dtype + ".safetensors");
            SwiGluNames names = SyntheticBlock.write(orig, 48, 160, 40, 0.5, dtype, coins, 2);
            Path art = tmp.resolve("fit-art-" + dtype + ".safetensors");
            try (Safetensors o = Safetensors.open(orig)) {
                StreamingTaylor.release(o, names, SyntheticBlock.tokens(64, 48, coins), 8, coins.derive("release"), art, dtype, 2);
                try (Safetensors a = Safetensors.open(art)) {
                    StreamingInversion.Recovered needed = StreamingInversion.recover(a, 2);
                    StreamingInversion.Recovered all = StreamingInversion.recover(a, "", StreamingInversion.declared(a), Fit.ALL, 2,
                            null);
                    assertThat(needed.read()).containsExactly(0, 1);
                    assertThat(all.read()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
                    assertThat(needed.sign()).containsExactly(all.sign());
                    StreamingInversion.Comparison cn = StreamingInversion.compare(needed, o, names, a, 2);
                    StreamingInversion.Comparison ca = StreamingInversion.compare(all, o, names, a, 2);
                    double bound = dtype == DType.F64 ? 1e-12 : dtype == DType.F32 ? 1e-6 : 5e-3;
                    assertThat(cn.medianColumnError()).as("%s", dtype).isLessThan(bound);
                    assertThat(ca.medianColumnError()).as("%s", dtype).isLessThan(bound);
                    // within a factor of three of every order's fit: the other orders only average roundings
                    assertThat(cn.medianColumnError()).as("%s", dtype).isLessThan(3 * ca.medianColumnError());
                    assertThat(cn.signErrors()).isZero();
                }
            }
        }
    }

    /**
     * A NaN or an infinity past the sign's 16-row probe is refused, naming the neuron and the
     * tensors, by either fit when it lies in an order the fit reads; an order the fit does not read
     * does not matter to it.
     */
    @Test
    void aDamagedCoefficientPastTheProbeIsRefusedWhereItIsRead() {
        Coins coins = Coins.root(14);
        Path orig = tmp.resolve("damage-orig.safetensors");
        SwiGluNames names = SyntheticBlock.write(orig, 48, 160, 40, 0.5, DType.F32, coins, 2);
        Path art = tmp.resolve("damage-art.safetensors");
        try (Safetensors o = Safetensors.open(orig)) {
            StreamingTaylor.release(o, names, SyntheticBlock.tokens(64, 48, coins), 8, coins.derive("release"), art, DType.F32, 2);
        }
        long element = 30L * 160 + 7; // row 30 (past the probe's 16), neuron 7
        Path order0 = Damage.copyWith(art, tmp.resolve("damage-0.safetensors"), "theta.0", element, Float.NaN);
        Path order5 = Damage.copyWith(art, tmp.resolve("damage-5.safetensors"), "theta.5", element, Float.POSITIVE_INFINITY);
        try (Safetensors a = Safetensors.open(order0)) {
            for (Fit fit : Fit.values()) {
                assertThatThrownBy(() -> StreamingInversion.recover(a, "", null, fit, 2, null)).isInstanceOf(WgException.class)
                        .hasMessageContaining(order0.toString()).hasMessageContaining("neuron 7").hasMessageContaining("theta.0")
                        .hasMessageContaining("NaN or an infinity");
            }
        }
        try (Safetensors a = Safetensors.open(order5)) {
            assertThatThrownBy(() -> StreamingInversion.recover(a, "", null, Fit.ALL, 2, null)).isInstanceOf(WgException.class)
                    .hasMessageContaining("neuron 7").hasMessageContaining("theta.5");
            assertThat(StreamingInversion.recover(a, 2).read()).containsExactly(0, 1); // theta.5 is not read
        }
    }

    /**
     * One naming, one kernel: an artifact released in memory (the games' TaylorMlp) written to a
     * file as it is, its tensors under the layer's prefix {@code 0.}, is read by the streamed attack,
     * which recovers the signs and W_down to the bit as the in-memory adversary does.
     */
    @Test
    void theStreamedAttackReadsAnInMemoryReleaseAndRecoversTheSameBits() {
        org.weightgames.data.DataSource data = org.weightgames.data.DataSource.load("synthetic");
        org.weightgames.model.Network net = new org.weightgames.model.ModelFamily(new org.weightgames.core.Params("model",
                Map.of("block", "swiglu")), data).sample(data, Coins.root(31));
        org.weightgames.schemes.taylormlp.TaylorMlp scheme = new org.weightgames.schemes.taylormlp.TaylorMlp();
        scheme.init(new org.weightgames.core.Params("taylormlp", Map.of("order", "6")));
        org.weightgames.core.Artifact artifact = scheme.release(net, data.train().head(256), Coins.root(8)).artifact();
        TaylorNames names = TaylorNames.layer(0);
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> tensors = new LinkedHashMap<>();
        for (String n : artifact.tensorNames()) {
            tensors.put(n, artifact.tensor(n));
        }
        assertThat(tensors).containsKeys(names.gate(), names.up(), names.p(), names.theta(0), names.theta(6));
        Path f = tmp.resolve("in-memory.safetensors");
        Map<String, String> meta = new LinkedHashMap<>(artifact.metadata());
        meta.put("kind", artifact.meta("0.kind"));
        Writer.write(f, meta, tensors, DType.F64);
        var inMemory = org.weightgames.adversaries.TaylorInversion.recover(artifact,
                org.weightgames.adversaries.SearchRange.from(org.weightgames.core.Params.empty("taylor-inversion"))).get(0);
        try (Safetensors a = Safetensors.open(f)) {
            StreamingInversion.Recovered streamed = StreamingInversion.recover(a, names.prefix(), StreamingInversion.declared(a), Fit.ALL, 2,
                    null);
            assertThat(streamed.sign()).containsExactly(inMemory.sign);
            assertThat(streamed.wDouble()).containsExactly(inMemory.w.dup('c').data().asDouble());
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() throws Exception {
        Coins c = Coins.root(9);
        StreamingInversion.Comparison one = releaseAndAttack(DType.F32, 1, c);
        byte[] a1 = Files.readAllBytes(tmp.resolve("art-F32-1.safetensors"));
        StreamingInversion.Comparison two = releaseAndAttack(DType.F32, 2, c);
        byte[] a2 = Files.readAllBytes(tmp.resolve("art-F32-2.safetensors"));
        assertThat(a2).isEqualTo(a1);
        assertThat(two).isEqualTo(one);
    }

    /** The released block computes the original's function, and the collapsed model the released one's. */
    @Test
    void releasedAndCollapsedBlocksComputeTheOriginalFunction() {
        Coins coins = Coins.root(13);
        Path orig = tmp.resolve("o.safetensors");
        SwiGluNames names = SyntheticBlock.write(orig, 32, 96, 24, 0.5, DType.F32, coins, 2);
        var pool = Rows.pool(2);
        try (Safetensors o = Safetensors.open(orig)) {
            float[] calib = SyntheticBlock.tokens(64, 32, coins);
            Path art = tmp.resolve("a.safetensors");
            StreamingTaylor.release(o, names, calib, 16, coins.derive("r"), art, DType.F32, 2);
            try (Safetensors a = Safetensors.open(art)) {
                TokenKernels.Block original = TokenKernels.original(o, names, pool, 2);
                TokenKernels.Block taylor = TokenKernels.taylor(a, pool, 2);
                Path col = tmp.resolve("c.safetensors");
                TokenKernels.writeCollapsed(a, StreamingInversion.recover(a, 2), col, true);
                try (Safetensors c = Safetensors.open(col)) {
                    TokenKernels.Block collapsed = TokenKernels.collapsed(c, pool, 2);
                    float[] x = java.util.Arrays.copyOf(calib, 32); // a calibration token: inside the calibrated range
                    float[] y = original.forward(x);
                    assertThat(rel(taylor.forward(x), y)).isLessThan(1e-4);
                    assertThat(rel(collapsed.forward(x), taylor.forward(x))).isLessThan(1e-5);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static double rel(float[] a, float[] b) {
        double n = 0;
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            n += (a[i] - b[i]) * (double) (a[i] - b[i]);
            d += b[i] * (double) b[i];
        }
        return Math.sqrt(n / d);
    }

    @Test
    void nanWeightsAreRefusedAndNoArtifactIsLeft() throws Exception {
        Coins coins = Coins.root(3);
        Path orig = tmp.resolve("nan.safetensors");
        Map<String, Spec> specs = new LinkedHashMap<>();
        specs.put("mlp.gate_proj.weight", new Spec(DType.F32, new long[] {8, 4}));
        specs.put("mlp.up_proj.weight", new Spec(DType.F32, new long[] {8, 4}));
        specs.put("mlp.down_proj.weight", new Spec(DType.F32, new long[] {3, 8}));
        try (Writer w = Writer.create(orig, Map.of(), specs)) {
            float[] v = new float[32];
            java.util.Arrays.fill(v, 0.1f);
            w.write("mlp.gate_proj.weight", 0, v, 0, 32);
            w.write("mlp.up_proj.weight", 0, v, 0, 32);
            v[5] = Float.NaN;
            w.write("mlp.down_proj.weight", 0, v, 0, 24);
            w.commit();
        }
        Path out = tmp.resolve("released");
        Files.createDirectories(out);
        try (Safetensors o = Safetensors.open(orig)) {
            SwiGluNames n = SwiGluNames.find(o, "mlp.");
            assertThatThrownBy(() -> StreamingTaylor.release(o, n, SyntheticBlock.tokens(4, 4, coins), 4, coins,
                    out.resolve("a.safetensors"), DType.F32, 2)).isInstanceOf(WgException.class)
                    .hasMessageContaining("mlp.down_proj.weight").hasMessageContaining("NaN").hasMessageContaining("row 0");
            assertThatThrownBy(() -> SwiGluNames.find(o, "model.")).isInstanceOf(WgException.class)
                    .hasMessageContaining("blocks found: [mlp.]");
        }
        try (var files = Files.list(out)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    /** An artifact streamed before the one naming (V_gate, V_up were gate_proj.weight, up_proj.weight) is refused by name. */
    @Test
    void anArtifactWithTheEarlierNamesIsRefusedWithTheRename() {
        Path f = tmp.resolve("earlier.safetensors");
        Map<String, Spec> specs = new LinkedHashMap<>();
        specs.put("gate_proj.weight", new Spec(DType.F32, new long[] {4, 2}));
        specs.put("up_proj.weight", new Spec(DType.F32, new long[] {4, 2}));
        specs.put("p", new Spec(DType.F64, new long[] {4}));
        specs.put("theta.0", new Spec(DType.F32, new long[] {3, 4}));
        specs.put("theta.1", new Spec(DType.F32, new long[] {3, 4}));
        try (Writer w = Writer.create(f, Map.of("kind", "taylor-swiglu", "order", "1"), specs)) {
            w.commit();
        }
        try (Safetensors a = Safetensors.open(f)) {
            assertThatThrownBy(() -> StreamingInversion.recover(a, 1)).isInstanceOf(WgException.class)
                    .hasMessageContaining("earlier tensor names").hasMessageContaining("now V_gate and V_up");
        }
    }

    @Test
    void aFileThatIsNotATaylorArtifactIsRefused() {
        Path orig = tmp.resolve("plain.safetensors");
        SyntheticBlock.write(orig, 8, 16, 4, 0.5, DType.F32, Coins.root(1), 1);
        try (Safetensors o = Safetensors.open(orig)) {
            assertThatThrownBy(() -> StreamingInversion.recover(o, 1)).isInstanceOf(WgException.class)
                    .hasMessageContaining("not a streamed TaylorMLP SwiGLU artifact");
        }
    }
}
