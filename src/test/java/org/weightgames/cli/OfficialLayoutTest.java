package org.weightgames.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.weightgames.cli.CliTest.wg;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.core.Coins;
import org.weightgames.model.Activation;
import org.weightgames.model.SwiGluBlock;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.safetensors.Spec;
import org.weightgames.safetensors.Writer;
import org.weightgames.scale.CheckpointTools;
import org.weightgames.scale.Fit;
import org.weightgames.scale.OfficialTools;
import org.weightgames.scale.SyntheticBlock;
import org.weightgames.schemes.taylormlp.OfficialNames;

/**
 * {@code wg release --layout official} and {@code wg attack} on the authors' layout: the released
 * tensors follow the module's rules (checked here from the original with independent arithmetic),
 * and the attack recovers every protected parameter, with or without indices, in F32 and BF16, for
 * SiLU, GELU and tanh-GELU blocks, identifying the activation itself.
 */
class OfficialLayoutTest {
    @TempDir
    Path tmp;

    static final int IN = 24;
    static final int INTER = 64;

    /** Two gated blocks, an I64 buffer and a BOOL mask beside them (copied through by both commands). */
    private Path model(DType dtype, int seed) {
        Map<String, Spec> specs = new LinkedHashMap<>();
        Map<String, double[]> values = new HashMap<>();
        for (int layer = 0; layer < 2; layer++) {
            SwiGluBlock b = SwiGluBlock.init(IN, INTER, IN, 0.4, Coins.root(seed + layer));
            String p = "model.layers." + layer + ".mlp.";
            values.put(p + "gate_proj.weight", b.vGate().mul(0.5).data().asDouble());
            values.put(p + "up_proj.weight", b.vUp().data().asDouble());
            values.put(p + "down_proj.weight", b.wDown().data().asDouble());
            specs.put(p + "gate_proj.weight", new Spec(dtype, new long[] {INTER, IN}));
            specs.put(p + "up_proj.weight", new Spec(dtype, new long[] {INTER, IN}));
            specs.put(p + "down_proj.weight", new Spec(dtype, new long[] {IN, INTER}));
        }
        specs.put("model.position_ids", new Spec(DType.I64, new long[] {3}));
        specs.put("model.mask", new Spec(DType.BOOL, new long[] {2}));
        Path f = tmp.resolve("m-" + dtype + "-" + seed + ".safetensors");
        try (Writer w = Writer.create(f, Map.of("format", "pt"), specs)) {
            values.forEach((k, v) -> w.write(k, 0, v, 0, v.length));
            w.write("model.position_ids", 0, new long[] {0, 1L << 60, 7}, 0, 3);
            w.write("model.mask", 0, new long[] {1, 0}, 0, 2);
            w.commit();
        }
        return f;
    }

    private List<OfficialTools.BlockResult> attack(Path art, Path out, Path orig, Activation act) {
        StringWriter s = new StringWriter();
        return CheckpointTools.attack(art, out, orig, act, 2, new PrintWriter(s));
    }

    @Test
    void aReleaseInTheAuthorsLayoutIsRecoveredWithAndWithoutIndices() {
        for (DType dtype : new DType[] {DType.F32, DType.BF16}) {
            Path model = model(dtype, 11);
            for (boolean indices : new boolean[] {true, false}) {
                Path art = tmp.resolve("art-" + dtype + indices + ".safetensors");
                CliTest.Run r = indices
                        ? wg("release", "--model", model.toString(), "--out", art.toString(), "--layout", "official", "--order", "6",
                                "--select", "40", "--indices")
                        : wg("release", "--model", model.toString(), "--out", art.toString(), "--layout", "official", "--order", "6",
                                "--select", "40");
                assertThat(r.status()).as(r.err()).isZero();
                assertThat(r.out()).contains("80 of 128 neurons expanded", "authors' layout");
                try (Safetensors a = Safetensors.open(art)) {
                    OfficialNames n = new OfficialNames("model.layers.1.mlp.");
                    OfficialNames.Shape sh = n.check(a);
                    assertThat(sh).isEqualTo(new OfficialNames.Shape(IN, IN, 40, 24, 6, indices));
                    assertThat(a.tensor(n.orders()).toLongs()).containsExactly(1, 2, 3, 4, 5, 6);
                    assertThat(a.tensor(n.discount()).toDoubles()[5]).isCloseTo(Math.log(720), within(dtype == DType.F32 ? 1e-5 : 0.05));
                    assertThat(a.names()).noneMatch(x -> x.endsWith("down_proj.weight"));
                    assertThat(a.tensor("model.position_ids").toLongs()).containsExactly(0, 1L << 60, 7);
                }
                Path out = tmp.resolve("rec-" + dtype + indices + ".safetensors");
                r = wg("attack", art.toString(), "--out", out.toString(), "--original", model.toString());
                assertThat(r.status()).as(r.err()).isZero();
                assertThat(r.out()).contains("activation silu (identified", "0 gate signs wrong",
                        indices ? "in the original order" : "in the release's own order");
                List<OfficialTools.BlockResult> res = attack(art, tmp.resolve("again.safetensors"), model, null);
                assertThat(res).hasSize(2);
                for (OfficialTools.BlockResult b : res) {
                    assertThat(b.activation()).isEqualTo(Activation.SILU);
                    assertThat(b.comparison().signErrors()).isZero();
                    assertThat(b.comparison().medianColumnError()).as("%s %s", dtype, indices)
                            .isLessThan(dtype == DType.F32 ? 1e-5 : 5e-3);
                    assertThat(b.comparison().protectedParams()).isEqualTo(40L * IN + 40);
                    assertThat(b.comparison().clearParams()).isEqualTo(2L * 40 * IN + 24L * (3 * IN));
                    if (dtype == DType.F32) {
                        assertThat(b.comparison().recoveredShare()).isGreaterThan(0.99);
                        assertThat(b.recoveredError()).isLessThan(1e-5);
                    } else {
                        assertThat(b.recoveredError()).isLessThan(2e-2);
                    }
                    assertThat(b.releaseError()).isLessThan(0.05); // the release itself serves its users (small ranges here)
                }
                try (Safetensors orig = Safetensors.open(model); Safetensors rec = Safetensors.open(out)) {
                    assertThat(rec.names()).containsExactlyInAnyOrderElementsOf(orig.names());
                    assertThat(rec.tensor("model.position_ids").toLongs()).containsExactly(0, 1L << 60, 7);
                    assertThat(rec.tensor("model.mask").toLongs()).containsExactly(1, 0);
                    if (indices) { // the original order: gate (sign undone) and up exactly the original's
                        assertThat(rec.tensor("model.layers.0.mlp.gate_proj.weight").toDoubles())
                                .containsExactly(orig.tensor("model.layers.0.mlp.gate_proj.weight").toDoubles());
                        assertThat(rec.tensor("model.layers.0.mlp.up_proj.weight").toDoubles())
                                .containsExactly(orig.tensor("model.layers.0.mlp.up_proj.weight").toDoubles());
                    }
                }
            }
        }
    }

    /**
     * The attack reads local_approx_output alone (order 0), which fixes every column to the dtype's
     * precision, unless told to fit every order or the dtype is F16 (whose narrow range can leave a
     * small order-0 coefficient subnormal): then it reads every order.
     */
    @Test
    void theAttackReadsOrderZeroUnlessItCannot() {
        Path model = model(DType.F32, 13);
        Path art = releaseOfficial(model, "fit-f32.safetensors");
        CliTest.Run needed = wg("attack", art.toString(), "--out", tmp.resolve("fit-needed.safetensors").toString(), "--original",
                model.toString());
        CliTest.Run all = wg("attack", art.toString(), "--out", tmp.resolve("fit-all.safetensors").toString(), "--original",
                model.toString(), "--fit", "all");
        assertThat(needed.status()).as(needed.err()).isZero();
        assertThat(all.status()).as(all.err()).isZero();
        assertThat(needed.out()).contains("order 0 of 0..6 read", "0 gate signs wrong").doesNotContain("(all) read");
        assertThat(all.out()).contains("orders 0..6 (all) read", "0 gate signs wrong");
        assertThat(wg("attack", art.toString(), "--out", tmp.resolve("x.safetensors").toString(), "--fit", "some").err())
                .contains("--fit 'some'", "needed", "all");
        Path model16 = model(DType.F16, 13);
        Path art16 = releaseOfficial(model16, "fit-f16.safetensors");
        CliTest.Run f16 = wg("attack", art16.toString(), "--out", tmp.resolve("fit-f16-rec.safetensors").toString(), "--original",
                model16.toString());
        assertThat(f16.status()).as(f16.err()).isZero();
        assertThat(f16.out()).contains("orders 0..6 (all) read", "0 gate signs wrong");
        // a NaN past the 16-row probe: refused by name where the fit reads it
        Path nan = org.weightgames.scale.Damage.copyWith(art, tmp.resolve("fit-nan.safetensors"),
                "model.layers.1.mlp.local_approx_output", 20L * 40 + 3, Float.NaN);
        for (String fit : new String[] {"needed", "all"}) {
            CliTest.Run r = wg("attack", nan.toString(), "--out", tmp.resolve("nan-" + fit + ".safetensors").toString(), "--fit", fit);
            assertThat(r.status()).isNotZero();
            assertThat(r.err()).contains(nan.toString(), "expanded neuron 3", "model.layers.1.mlp.local_approx_output",
                    "NaN or an infinity");
            assertThat(tmp.resolve("nan-" + fit + ".safetensors")).doesNotExist();
        }
        for (DType dtype : new DType[] {DType.F32, DType.BF16}) {
            Path m = model(dtype, 17);
            Path a = releaseOfficial(m, "fit-cmp-" + dtype + ".safetensors");
            List<OfficialTools.BlockResult> n = CheckpointTools.attack(a, tmp.resolve("n.safetensors"), m, null, Fit.NEEDED, 2,
                    new PrintWriter(new StringWriter()));
            List<OfficialTools.BlockResult> f = CheckpointTools.attack(a, tmp.resolve("f.safetensors"), m, null, Fit.ALL, 2,
                    new PrintWriter(new StringWriter()));
            for (int b = 0; b < 2; b++) {
                double en = n.get(b).comparison().medianColumnError();
                double ea = f.get(b).comparison().medianColumnError();
                assertThat(en).as("%s", dtype).isLessThan(dtype == DType.F32 ? 1e-6 : 5e-3);
                // order 0 alone: at most a few times the rounding of the fit over seven orders
                assertThat(en).as("%s", dtype).isLessThan(4 * ea);
                assertThat(n.get(b).recoveredError()).as("%s", dtype).isLessThan(dtype == DType.F32 ? 1e-5 : 2e-2);
            }
        }
    }

    /** {@code wg release --layout official} of a test model at N = 6 with 40 of 64 neurons expanded per block. */
    private Path releaseOfficial(Path model, String name) {
        Path art = tmp.resolve(name);
        CliTest.Run r = wg("release", "--model", model.toString(), "--out", art.toString(), "--layout", "official", "--order", "6",
                "--select", "40");
        assertThat(r.status()).as(r.err()).isZero();
        return art;
    }

    /** The released coefficients, checked from the original with arithmetic that shares nothing with the release. */
    @Test
    void theReleaseFollowsTheModulesRules() {
        Path model = model(DType.F64, 21);
        Path art = tmp.resolve("rules.safetensors");
        CliTest.Run r = wg("release", "--model", model.toString(), "--out", art.toString(), "--layout", "official", "--order", "4",
                "--select", "20", "--indices", "--tokens", "64", "--seed", "3");
        assertThat(r.status()).as(r.err()).isZero();
        float[] x = SyntheticBlock.tokens(64, IN, Coins.root(3).derive("release").derive("calibration"));
        try (Safetensors o = Safetensors.open(model); Safetensors a = Safetensors.open(art)) {
            String p = "model.layers.0.mlp.";
            OfficialNames n = new OfficialNames(p);
            double[] g = o.tensor(p + "gate_proj.weight").toDoubles();
            double[] d = o.tensor(p + "down_proj.weight").toDoubles();
            double[] range = new double[INTER];
            double[] mid = new double[INTER];
            for (int j = 0; j < INTER; j++) {
                double lo = Double.MAX_VALUE;
                double hi = -Double.MAX_VALUE;
                for (int t = 0; t < 64; t++) {
                    double v = 0;
                    for (int i = 0; i < IN; i++) {
                        v += g[j * IN + i] * x[t * IN + i];
                    }
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                range[j] = hi - lo;
                mid[j] = (lo + hi) / 2;
            }
            long[] sampled = a.tensor(n.sampled()).toLongs();
            long[] plain = a.tensor(n.ffnDim()).toLongs();
            double maxSampled = 0;
            for (int q = 0; q < sampled.length; q++) {
                maxSampled = Math.max(maxSampled, range[(int) sampled[q]]);
                if (q > 0) {
                    assertThat(range[(int) sampled[q]]).isGreaterThanOrEqualTo(range[(int) sampled[q - 1]]); // ascending
                }
            }
            for (long j : plain) {
                assertThat(range[(int) j]).isGreaterThanOrEqualTo(maxSampled); // the smallest ranges were expanded
            }
            double[] pt = a.tensor(n.point()).toDoubles();
            double[] la = a.tensor(n.approx()).toDoubles();
            double[] fu = a.tensor(n.fuse()).toDoubles();
            double h = 1e-3;
            for (int q = 0; q < 20; q++) {
                int j = (int) sampled[q];
                double s = Math.signum(pt[q] / mid[j]);
                assertThat(pt[q]).isCloseTo(s * mid[j], within(1e-6 * (1 + Math.abs(mid[j])))); // calibrated in float
                double pj = s * pt[q]; // the point as released (from a calibration in float)
                double act = Activation.SILU.value(pj);
                double d1 = (Activation.SILU.value(pj + h) - Activation.SILU.value(pj - h)) / (2 * h);
                double d2 = (Activation.SILU.value(pj + h) - 2 * act + Activation.SILU.value(pj - h)) / (h * h);
                for (int row = 0; row < IN; row++) {
                    double w = d[row * INTER + j];
                    assertThat(la[row * 20 + q]).isCloseTo(w * act, within(1e-12));
                    // fuse[r, q, 0] = w silu'(p) s, fuse[r, q, 1] = w silu''(p) (no 1/2!)
                    assertThat(fu[(row * 20 + q) * 4]).isCloseTo(w * d1 * s, within(1e-6));
                    assertThat(fu[(row * 20 + q) * 4 + 1]).isCloseTo(w * d2, within(1e-4));
                }
            }
        }
    }

    @Test
    void theActivationIsIdentifiedFromTheCoefficients() {
        Path model = model(DType.F32, 31);
        for (String act : new String[] {"silu", "gelu", "gelu-tanh"}) {
            Path art = tmp.resolve("act-" + act + ".safetensors");
            CliTest.Run r = wg("release", "--model", model.toString(), "--out", art.toString(), "--layout", "official", "--order", "8",
                    "--select", "48", "--activation", act);
            assertThat(r.status()).as(r.err()).isZero();
            List<OfficialTools.BlockResult> res = attack(art, tmp.resolve("rec-" + act + ".safetensors"), null, null);
            for (OfficialTools.BlockResult b : res) {
                assertThat(b.activation().id()).as(act).isEqualTo(act);
                assertThat(b.identified()).isTrue();
                double own = b.residuals().get(act);
                b.residuals().forEach((k, v) -> {
                    if (!k.equals(act)) {
                        assertThat(v).as("%s vs %s", k, act).isGreaterThan(100 * own);
                    }
                });
            }
            // WeightGames' own layout too
            Path own = tmp.resolve("own-" + act + ".safetensors");
            r = wg("release", "--model", model.toString(), "--out", own.toString(), "--order", "8", "--activation", act);
            assertThat(r.status()).as(r.err()).isZero();
            r = wg("attack", own.toString(), "--out", tmp.resolve("own-rec-" + act + ".safetensors").toString(), "--original",
                    model.toString(), "--activation", "auto");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).contains("activation " + act + " (identified)", "0 gate signs wrong");
        }
    }

    @Test
    void malformedOfficialReleasesAreRefusedNamingTheTensor() throws Exception {
        Path model = model(DType.F32, 41);
        Path art = tmp.resolve("ok.safetensors");
        assertThat(wg("release", "--model", model.toString(), "--out", art.toString(), "--layout", "official", "--select", "30",
                "--indices").status()).isZero();
        // a copy whose sampled_dim repeats an index
        Path bad = tmp.resolve("bad.safetensors");
        try (Safetensors a = Safetensors.open(art)) {
            Map<String, Spec> specs = new LinkedHashMap<>();
            for (String t : a.names()) {
                specs.put(t, new Spec(a.tensor(t).dtype(), a.tensor(t).shape()));
            }
            try (Writer w = Writer.create(bad, a.metadata(), specs)) {
                for (String t : a.names()) {
                    if (t.equals("model.layers.0.mlp.sampled_dim")) {
                        long[] v = a.tensor(t).toLongs();
                        v[1] = v[0];
                        w.write(t, 0, v, 0, v.length);
                    } else {
                        w.copy(a.tensor(t), t);
                    }
                }
                w.commit();
            }
        }
        CliTest.Run r = wg("attack", bad.toString(), "--out", tmp.resolve("x.safetensors").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("model.layers.0.mlp.sampled_dim", "repeated index");
        assertThat(tmp.resolve("x.safetensors")).doesNotExist();
        r = wg("release", "--model", model.toString(), "--out", tmp.resolve("y.safetensors").toString(), "--select", "3");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--layout official");
        r = wg("attack", art.toString(), "--out", tmp.resolve("z.safetensors").toString(), "--activation", "relu");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--activation 'relu'");
    }
}
