package org.weightgames.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.weightgames.isolation.Sandbox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.core.WgException;
import org.weightgames.data.DataSource;
import org.weightgames.game.Outcome;
import org.weightgames.game.TrialRecord;
import org.weightgames.run.GameSpec;
import org.weightgames.run.TrialRunner;

/**
 * Hostile adversary plugins under bubblewrap, one per misdeed: each loses its trial with the
 * reason, reads, reaches and writes nothing it should not, and the other adversary's result in the
 * same trial is what it is without the hostile one.
 */
class PluginSandboxTest {
    static final Path HOSTILE = Path.of("src/test/resources/plugins/hostile");

    @BeforeAll
    static void bubblewrap() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of(Sandbox.BWRAP)),
                "bubblewrap is installed by .ci/run; without it plugins run only with --no-sandbox");
    }

    @AfterAll
    static void uninstall() {
        Plugins.install(List.of(), Map.of());
    }

    private static List<TrialRecord> play(List<String> adversaries, Map<String, String> hostile, int timeout, int memory) {
        Plugins.install(List.of(HOSTILE), Map.of(Sandbox.COMPONENT, Map.of("timeout", Integer.toString(timeout), "memory",
                Integer.toString(memory))));
        Map<String, Map<String, String>> settings = new TreeMap<>();
        settings.put("model", Map.of("hidden", "8", "steps", "20"));
        settings.put("hostile", hostile);
        GameSpec spec = new GameSpec("taylormlp", "ext-w", adversaries, settings, DataSource.load("synthetic"), "");
        return new TrialRunner(1).run(spec, 5, 0, 1, i -> { });
    }

    private static Outcome hostile(Map<String, String> params, int timeout, int memory, Outcome reference) {
        List<TrialRecord> r = play(List.of("hostile", "taylor-inversion", "baseline"), params, timeout, memory);
        Outcome h = r.get(0).outcomes().get(0);
        assertThat(h.won()).isFalse();
        assertThat(h.failure()).isNotNull().contains("hostile");
        Outcome other = r.get(0).outcomes().get(1);
        assertThat(other.won()).isEqualTo(reference.won());
        assertThat(other.measures()).isEqualTo(reference.measures());
        assertThat(other.failure()).isNull();
        return h;
    }

    @Test
    void eachHostilePluginLosesItsTrialAloneWithTheReason(@TempDir Path tmp) throws IOException {
        Outcome reference = play(List.of("taylor-inversion", "baseline"), Map.of(), 60, 1024).get(0).outcomes().get(0);
        assertThat(reference.won()).isTrue();

        // another trial's folder and a model cache entry, outside its sandbox
        Path secret = Files.writeString(Files.createDirectories(tmp.resolve("wg-plugin-other-trial")).resolve("model.safetensors"),
                "SECRET-WEIGHTS");
        Outcome read = hostile(Map.of("mode", "read", "path", secret.toString()), 60, 1024, reference);
        assertThat(read.failure()).contains("READ", "FileNotFoundError").doesNotContain("SECRET-WEIGHTS");

        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Outcome net = hostile(Map.of("mode", "network", "port", Integer.toString(server.getLocalPort())), 60, 1024, reference);
            assertThat(net.failure()).contains("no connection").doesNotContain("CONNECTED");
            server.setSoTimeout(200);
            assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
        }

        Path outside = tmp.resolve("outside.txt");
        Outcome write = hostile(Map.of("mode", "write", "path", outside.toString()), 60, 1024, reference);
        assertThat(write.failure()).contains("could not write");
        assertThat(outside).doesNotExist();

        assertThat(hostile(Map.of("mode", "garbage"), 60, 1024, reference).failure()).contains("not a protocol message");
        assertThat(hostile(Map.of("mode", "hang"), 4, 1024, reference).failure()).contains("did not answer 'play' within its 4 s");
        assertThat(hostile(Map.of("mode", "memory"), 60, 400, reference).failure()).contains("MemoryError");
        assertThat(hostile(Map.of("mode", "die"), 60, 1024, reference).failure()).contains("exit status 3");
    }

    @Test
    void aBrokenManifestIsRefusedNamingTheFileAndTheFix(@TempDir Path tmp) throws IOException {
        Path p = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(p.resolve(Manifest.FILE), "{\"protocol\": 1, \"id\": \"bad\", \"kind\": \"scheme\",");
        assertThatThrownBy(() -> Plugins.install(List.of(p), Map.of())).isInstanceOf(WgException.class)
                .hasMessageContaining(p.resolve(Manifest.FILE).toString()).hasMessageContaining("not valid JSON");
        Files.writeString(p.resolve(Manifest.FILE), "{\"protocol\": 1, \"id\": \"bad\", \"kind\": \"scheme\", \"command\": [\"x\"],"
                + " \"description\": \"d\", \"games\": [\"ext-q\"], \"fidelity\": 0.1}");
        assertThatThrownBy(() -> Plugins.install(List.of(p), Map.of())).hasMessageContaining("unknown game 'ext-q'");
        Files.writeString(p.resolve(Manifest.FILE), "{\"protocol\": 1, \"id\": \"taylormlp\", \"kind\": \"scheme\", \"command\":"
                + " [\"x\"], \"description\": \"d\", \"games\": [\"ext-w\"], \"fidelity\": 0.1}");
        assertThatThrownBy(() -> Plugins.install(List.of(p), Map.of())).hasMessageContaining("taken by a built-in");
        assertThatThrownBy(() -> Plugins.install(List.of(tmp.resolve("none")), Map.of())).hasMessageContaining("does not exist");
    }
}
