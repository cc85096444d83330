package org.weightgames.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.core.Coins;
import org.weightgames.model.Activation;
import org.weightgames.model.SwiGluBlock;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Spec;
import org.weightgames.safetensors.Writer;
import org.weightgames.scale.CheckpointTools;
import org.weightgames.scale.OfficialTools;
import org.weightgames.scale.SyntheticBlock;

/**
 * A release in the authors' layout made by an independent PyTorch implementation
 * ({@code src/test/python/torch_official_release.py}: derivatives by autograd, selection by
 * torch.sort, files written by hand) run with Debian's python3-torch, attacked by the Java
 * taylor-inversion: every protected parameter recovered, F32 and BF16, with and without indices,
 * and the activation identified. Skipped where /usr/bin/python3 has no torch (CI installs it).
 */
class TorchOfficialReleaseTest {
    static final String PYTHON = "/usr/bin/python3";
    static final String PREFIX = "model.layers.3.mlp.";
    static final int IN = 32;
    static final int INTER = 96;

    @TempDir
    Path tmp;

    static boolean torch() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy").redirectErrorStream(true).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private Path original() {
        SwiGluBlock b = SwiGluBlock.init(IN, INTER, IN, 0.4, Coins.root(77));
        Map<String, Spec> specs = new LinkedHashMap<>();
        specs.put(PREFIX + "gate_proj.weight", new Spec(DType.F32, new long[] {INTER, IN}));
        specs.put(PREFIX + "up_proj.weight", new Spec(DType.F32, new long[] {INTER, IN}));
        specs.put(PREFIX + "down_proj.weight", new Spec(DType.F32, new long[] {IN, INTER}));
        Path f = tmp.resolve("original.safetensors");
        try (Writer w = Writer.create(f, Map.of("format", "pt"), specs)) {
            double[] g = b.vGate().mul(0.5).data().asDouble();
            double[] u = b.vUp().data().asDouble();
            double[] d = b.wDown().data().asDouble();
            w.write(PREFIX + "gate_proj.weight", 0, g, 0, g.length);
            w.write(PREFIX + "up_proj.weight", 0, u, 0, u.length);
            w.write(PREFIX + "down_proj.weight", 0, d, 0, d.length);
            w.commit();
        }
        return f;
    }

    private Path calibration() {
        float[] x = SyntheticBlock.tokens(64, IN, Coins.root(78));
        Path f = tmp.resolve("calibration.safetensors");
        try (Writer w = Writer.create(f, Map.of(), Map.of("tokens", new Spec(DType.F32, new long[] {64, IN})))) {
            w.write("tokens", 0, x, 0, x.length);
            w.commit();
        }
        return f;
    }

    private Path release(Path orig, Path calib, String act, String dtype, boolean indices, int order) throws Exception {
        Path out = tmp.resolve("torch-" + act + "-" + dtype + "-" + indices + ".safetensors");
        Path script = Path.of("src/test/python/torch_official_release.py").toAbsolutePath();
        Process p = new ProcessBuilder(PYTHON, script.toString(), orig.toString(), calib.toString(), out.toString(), PREFIX,
                Integer.toString(order), "64", act, dtype, indices ? "yes" : "no", "5").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("released 64 of 96 neurons");
        return out;
    }

    @Test
    void aReleaseMadeWithPyTorchIsRecovered() throws Exception {
        assumeTrue(torch(), "Debian's python3-torch is not installed for /usr/bin/python3");
        Path orig = original();
        Path calib = calibration();
        for (String dtype : new String[] {"F32", "BF16"}) {
            for (boolean indices : new boolean[] {true, false}) {
                Path art = release(orig, calib, "silu", dtype, indices, 6);
                StringWriter log = new StringWriter();
                List<OfficialTools.BlockResult> res = CheckpointTools.attack(art, tmp.resolve("rec.safetensors"), orig, null, 2,
                        new PrintWriter(log));
                assertThat(res).hasSize(1);
                OfficialTools.BlockResult b = res.get(0);
                assertThat(b.activation()).as(log.toString()).isEqualTo(Activation.SILU);
                assertThat(b.comparison().signErrors()).as(log.toString()).isZero();
                assertThat(b.comparison().medianColumnError()).as("%s %s: %s", dtype, indices, log)
                        .isLessThan(dtype.equals("F32") ? 1e-5 : 5e-3);
                assertThat(b.recoveredError()).as(log.toString()).isLessThan(dtype.equals("F32") ? 1e-5 : 2e-2);
                assertThat(log.toString()).contains(indices ? "in the original order" : "in the release's own order");
            }
        }
    }

    @Test
    void geluAndTanhGeluReleasesAreIdentified() throws Exception {
        assumeTrue(torch(), "Debian's python3-torch is not installed for /usr/bin/python3");
        Path orig = original();
        Path calib = calibration();
        for (String act : new String[] {"gelu", "gelu-tanh"}) {
            Path art = release(orig, calib, act, "F32", true, 8);
            StringWriter log = new StringWriter();
            List<OfficialTools.BlockResult> res = CheckpointTools.attack(art, tmp.resolve("rec-" + act + ".safetensors"), null, null,
                    2, new PrintWriter(log));
            assertThat(res.get(0).activation().id()).as(log.toString()).isEqualTo(act);
            assertThat(Files.size(tmp.resolve("rec-" + act + ".safetensors"))).isPositive();
        }
    }
}
