package org.weightgames.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.cli.Settings;
import org.weightgames.data.FashionMnist;
import org.weightgames.core.Coins;
import org.weightgames.model.Activation;
import org.weightgames.model.ActivationLayer;
import org.weightgames.model.BatchNorm;
import org.weightgames.model.Dense;
import org.weightgames.model.ModelCache;
import org.weightgames.model.Network;
import org.weightgames.run.Claims;

/** The parsers under mutated input: a clean error or a correct result, never a crash. */
class ParserFuzzTest {
    @TempDir
    Path tmp;

    private final AtomicInteger dirs = new AtomicInteger();

    private void idx(byte[] images, byte[] labels) throws Exception {
        Path d = tmp.resolve("idx" + dirs.incrementAndGet());
        Files.createDirectories(d);
        for (String split : new String[] {"train", "t10k"}) {
            Files.write(d.resolve(split + "-images-idx3-ubyte"), images);
            Files.write(d.resolve(split + "-labels-idx1-ubyte"), labels);
        }
        try {
            FashionMnist.load(d);
        } finally {
            try (var files = Files.list(d)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(d);
        }
    }

    @Test
    void idxImages() throws Exception {
        byte[] labels = Fuzzer.corpus("idx-labels").get(0);
        assertThat(Fuzzer.run("idx-images", Fuzzer.corpus("idx-images"), b -> idx(b, labels))).isPositive();
    }

    @Test
    void idxLabels() throws Exception {
        byte[] images = Fuzzer.corpus("idx-images").get(0);
        assertThat(Fuzzer.run("idx-labels", Fuzzer.corpus("idx-labels"), b -> idx(images, b))).isPositive();
    }

    @Test
    void claimsFiles() throws Exception {
        Path f = tmp.resolve("claims.json");
        assertThat(Fuzzer.run("claims", Fuzzer.corpus("claims"), b -> {
            Files.write(f, b);
            Claims.file(f);
        })).isPositive();
    }

    @Test
    void configFiles() throws Exception {
        Path f = tmp.resolve("config.json");
        assertThat(Fuzzer.run("config", Fuzzer.corpus("config"), b -> {
            Files.write(f, b);
            Settings.load(f, List.of());
        })).isPositive();
    }

    /**
     * Behind the checksum: each mutant gets a correct SHA-256 trailer, so the parser itself is
     * exercised. A bad entry must be rebuilt, never used and never crash the run.
     */
    @Test
    void modelCacheEntries() throws Exception {
        Coins c = Coins.root(3);
        Network fresh = Network.of(Dense.he(4, 5, c.derive("0")), BatchNorm.init(5), new ActivationLayer(Activation.RELU, 5),
                Dense.init(5, 3, c.derive("3")));
        Path dir = tmp.resolve("cache");
        assertThat(Fuzzer.run("model-cache", Fuzzer.corpus("model-cache"), b -> {
            ModelCache cache = new ModelCache(dir, null);
            Files.createDirectories(dir);
            SHA256Digest d = new SHA256Digest();
            d.update(b, 0, b.length);
            byte[] h = new byte[32];
            d.doFinal(h, 0);
            byte[] all = java.util.Arrays.copyOf(b, b.length + 32);
            System.arraycopy(h, 0, all, b.length, 32);
            Files.write(cache.file("fuzz-key"), all);
            Network got = cache.get("fuzz-key", fresh::copy);
            assertThat(got.inputSize()).isPositive();
        }, t -> t instanceof org.weightgames.core.WgException)).isPositive();
    }

    /** Checkpoints: the header is validated, then every tensor is read whole. */
    @Test
    void safetensorsFiles() throws Exception {
        Path f = tmp.resolve("fuzz.safetensors");
        assertThat(Fuzzer.run("safetensors", Fuzzer.corpus("safetensors"), b -> {
            Files.write(f, b);
            try (org.weightgames.safetensors.Safetensors s = org.weightgames.safetensors.Safetensors.open(f)) {
                for (String name : s.names()) {
                    double[] d = s.tensor(name).toDoubles();
                    assertThat(d.length).isEqualTo(s.tensor(name).elements());
                }
            }
        })).isPositive();
    }

    /** Streamed TaylorMLP artifacts under the streaming attack: damaged headers, NaN coefficients, wrong orders. */
    @Test
    void taylorArtifactsUnderAttack() throws Exception {
        Path f = tmp.resolve("artifact.safetensors");
        assertThat(Fuzzer.run("taylor-artifact", Fuzzer.corpus("taylor-artifact"), b -> {
            Files.write(f, b);
            try (org.weightgames.safetensors.Safetensors s = org.weightgames.safetensors.Safetensors.open(f)) {
                org.weightgames.scale.StreamingInversion.recover(s, 2);
            }
        })).isPositive();
    }
}
