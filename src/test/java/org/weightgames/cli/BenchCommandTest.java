package org.weightgames.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.weightgames.cli.CliTest.wg;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wg bench} at quarter scale: its figures are all there and the attack really recovered the block. */
class BenchCommandTest {
    @Test
    void benchWritesEveryRatioAndARecoveredBlock(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("bench.json");
        Path work = tmp.resolve("work");
        CliTest.Run r = wg("bench", "--repeats", "1", "--tokens", "2", "--trials", "2", "--json", json.toString(), "--work",
                work.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("attack / read", "TaylorMLP N = 16", "taylor-collapse", "trials/s on 2 threads");
        JsonNode b = new ObjectMapper().readTree(json.toFile());
        assertThat(b.path("attack_over_read").asDouble()).isPositive();
        assertThat(b.path("collapse_over_original").asDouble()).isPositive();
        // --work keeps the checkpoints its help names, and only those
        try (var files = java.nio.file.Files.list(work)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("collapsed.safetensors",
                    "official-N8.safetensors", "original.safetensors", "taylor-N8.safetensors", "trials-original.safetensors");
        }
        for (String n : new String[] {"2", "4", "8", "16"}) {
            assertThat(b.path("taylor_over_original").path(n).asDouble()).as("N = " + n).isPositive();
        }
        assertThat(b.path("recovered").path("median_column_relative_error").asDouble()).isLessThan(1e-5);
        // the attack read orders 0 and 1; the fit over every order, timed beside it, recovers as well
        assertThat(b.path("attack_orders_read").toString()).isEqualTo("[0,1]");
        assertThat(b.path("attack_over_read_of_its_orders").asDouble()).isPositive();
        assertThat(b.path("all_orders_over_read").asDouble()).isPositive();
        assertThat(b.path("recovered").path("all_orders_median_column_relative_error").asDouble()).isLessThan(1e-5);
        assertThat(b.path("recovered").path("gate_sign_errors").asLong()).isZero();
        // the authors' layout: 2500 of 3584 neurons expanded, recovered, its protected parameters counted
        JsonNode off = b.path("official");
        assertThat(off.path("expanded").asLong()).isEqualTo(2500);
        assertThat(off.path("attack_over_read").asDouble()).isPositive();
        assertThat(off.path("activation_identified").asText()).isEqualTo("silu");
        assertThat(off.path("median_column_relative_error").asDouble()).isLessThan(1e-5);
        assertThat(off.path("attack_orders_read").toString()).isEqualTo("[0]");
        assertThat(off.path("all_orders_over_read").asDouble()).isPositive();
        assertThat(off.path("all_orders_median_column_relative_error").asDouble()).isLessThan(1e-5);
        assertThat(off.path("gate_sign_errors").asLong()).isZero();
        assertThat(off.path("protected_parameters").asLong()).isEqualTo(2500L * 1024 + 2500);
        assertThat(off.path("protected_recovered_share").asDouble()).isGreaterThan(0.99);
        assertThat(off.path("release_output_error").asDouble()).isPositive();
        assertThat(r.out()).contains("projected for all 32 blocks of Llama-3-8B");
        assertThat(b.path("trials").path("won").asInt()).isEqualTo(2); // by ext-w's rule: relative error of W_down <= 1e-3
        assertThat(r.out()).contains("ext-w's rule");
        // bench.json's keys in the order the figures are recorded, whatever the JVM's hashing
        assertThat(fieldNames(b.path("shape"))).containsExactly("in", "hidden", "out");
        assertThat(fieldNames(b.path("recovered"))).containsExactly("median_column_relative_error", "max_column_relative_error",
                "relative_error", "gate_sign_errors", "all_orders_median_column_relative_error");
        assertThat(fieldNames(b.path("trials"))).containsExactly("played", "won");
        assertThat(fieldNames(b)).startsWith("shape", "dtype", "order", "threads", "repeats", "seed", "versions", "release_seconds",
                "attack_over_read");
        assertThat(b.path("trials_per_second").size()).isEqualTo(2);
        assertThat(b.path("shape").path("hidden").asLong()).isEqualTo(3584);
        // the released block is far from the original at N = 2 and close at N = 16 (the series converges)
        assertThat(b.path("taylor_output_error").path("16").asDouble())
                .isLessThan(b.path("taylor_output_error").path("2").asDouble());
    }

    private static java.util.List<String> fieldNames(JsonNode n) {
        java.util.List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void badOptionsAreRefused(@TempDir Path tmp) {
        CliTest.Run r = wg("bench", "--dtype", "i8");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--dtype must be f32, f64, f16 or bf16");
        r = wg("bench", "--order", "0");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--order must be between 1 and 64");
        r = wg("bench", "--model", tmp.resolve("none.safetensors").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("none.safetensors: no such file");
    }
}
