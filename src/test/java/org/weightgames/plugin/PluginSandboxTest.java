package org.weightgames.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.weightgames.isolation.Sandbox;
import org.junit.jupiter.api.BeforeEach;
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

    /** Per test, so that a machine without bubblewrap reports each test skipped with the reason, not a class that ran nothing. */
    @BeforeEach
    void bubblewrap() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of(Sandbox.BWRAP)),
                "needs bubblewrap (Debian's package 'bubblewrap', which .ci/run installs); without it plugins run only with --no-sandbox");
    }

    @AfterAll
    static void uninstall() {
        Plugins.install(List.of(), Map.of());
    }

    private static List<TrialRecord> play(List<String> adversaries, Map<String, String> hostile, int timeout, int memory) {
        return play(List.of(HOSTILE), adversaries, hostile, Map.of("timeout", Integer.toString(timeout), "memory",
                Integer.toString(memory)));
    }

    private static List<TrialRecord> play(List<Path> folders, List<String> adversaries, Map<String, String> hostile,
            Map<String, String> limits) {
        Plugins.install(folders, Map.of(Sandbox.COMPONENT, limits));
        Map<String, Map<String, String>> settings = new TreeMap<>();
        settings.put("model", Map.of("hidden", "8", "steps", "20"));
        settings.put("hostile", hostile);
        GameSpec spec = new GameSpec("taylormlp", "ext-w", adversaries, settings, DataSource.load("synthetic"), "");
        return new TrialRunner(1).run(spec, 5, 0, 1, i -> { });
    }

    private static Outcome hostile(Map<String, String> params, int timeout, int memory, Outcome reference) {
        return hostile(List.of(HOSTILE), params, Map.of("timeout", Integer.toString(timeout), "memory", Integer.toString(memory)),
                reference);
    }

    private static Outcome hostile(List<Path> folders, Map<String, String> params, Map<String, String> limits, Outcome reference) {
        List<TrialRecord> r = play(folders, List.of("hostile", "taylor-inversion", "baseline"), params, limits);
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
    void rootOnlyFilesDiskCpuAndStderrAreBoundedAndEachLosesItsTrial(@TempDir Path tmp) throws IOException {
        Outcome reference = play(List.of("taylor-inversion", "baseline"), Map.of(), 60, 1024).get(0).outcomes().get(0);

        // a copy of the plugin with a root-only file in its (bound) folder
        Path folder = Files.createDirectories(tmp.resolve("hostile"));
        for (String f : List.of("plugin.py", Manifest.FILE)) {
            Files.copy(HOSTILE.resolve(f), folder.resolve(f));
        }
        Path rootOnly = Files.writeString(folder.resolve("root-only.txt"), "ROOT-ONLY-CONTENT");
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rw-------"));
        Outcome secrets = hostile(List.of(folder), Map.of("mode", "secrets"), Map.of("timeout", "60"), reference);
        assertThat(secrets.failure()).contains("SECRETS").doesNotContain("READ-OK").doesNotContain("ROOT-ONLY-CONTENT")
                .containsPattern("/etc/shadow: (PermissionError|FileNotFoundError)")
                .containsPattern("/etc/gshadow: (PermissionError|FileNotFoundError)");
        if ("root".equals(System.getProperty("user.name"))) {
            assertThat(secrets.failure()).contains("/plugin/root-only.txt: PermissionError");
        }

        Path tmpDir = Path.of(System.getProperty("java.io.tmpdir"));
        long free = Files.getFileStore(tmpDir).getUsableSpace();
        Outcome fill = hostile(List.of(HOSTILE), Map.of("mode", "fill"), Map.of("timeout", "60", "disk", "8"), reference);
        assertThat(fill.failure()).contains("wrote more than its 8 MB into its work folder (plugins.disk) and was stopped");
        assertThat(Math.abs(Files.getFileStore(tmpDir).getUsableSpace() - free)).as("the host's free space").isLessThan(200L << 20);
        try (Stream<Path> left = Files.list(tmpDir)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("wg-plugin-hostile-"))).isEmpty();
        }

        long t0 = System.nanoTime();
        Outcome spin = hostile(List.of(HOSTILE), Map.of("mode", "spin"), Map.of("timeout", "60", "cpu", "2", "cores", "64"), reference);
        assertThat(spin.failure()).contains("used its 2 s of CPU time (plugins.cpu) and was stopped");
        assertThat(System.nanoTime() - t0).isLessThan(30_000_000_000L);

        Path log = tmp.resolve("plugins.log");
        Plugins.logTo(log);
        try {
            Outcome flood = hostile(List.of(HOSTILE), Map.of("mode", "flood"), Map.of("timeout", "60", "log", "16"), reference);
            assertThat(flood.failure()).contains("FLOODED");
        } finally {
            Plugins.logTo(null);
        }
        String logged = Files.readString(log);
        assertThat(Files.size(log)).isLessThanOrEqualTo(16 << 10);
        assertThat(logged).contains("flood 0").contains("not logged: past 16 KB for this process, plugins.log")
                .doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u202e");
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
