package org.weightgames.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.cli.CliTest;

/** kill -9 in the middle of an audit, then --resume, gives the report of an uninterrupted run. */
class ResumeTest {
    static final String[] AUDIT = {"audit", "--scheme", "taylormlp", "--definition", "ext-w", "--trials", "40", "--seed", "4",
        "--no-timing", "--threads", "2"};

    static String[] with(String... extra) {
        String[] all = new String[AUDIT.length + extra.length];
        System.arraycopy(AUDIT, 0, all, 0, AUDIT.length);
        System.arraycopy(extra, 0, all, AUDIT.length, extra.length);
        return all;
    }

    static ObjectNode report(Path dir) throws IOException {
        ObjectNode n = (ObjectNode) AuditEndToEndTest.JSON.readTree(dir.resolve("report.json").toFile());
        n.remove("generated");
        return n;
    }

    @Test
    void aKilledAuditResumesToTheSameReport(@TempDir Path tmp) throws Exception {
        Path whole = tmp.resolve("whole");
        CliTest.Run w = CliTest.wg(with("--out", whole.toString()));
        assertThat(w.status()).as(w.err()).isZero();

        Path killed = tmp.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-cp", System.getProperty("java.class.path"), "-Dwg.cache=" + tmp.resolve("cache"), "org.weightgames.cli.Main"));
        cmd.addAll(List.of(with("--out", killed.toString())));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        Path journal = killed.resolve(".partial").resolve("trials.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int lines = 0;
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(journal)) {
                lines = (int) Files.readAllLines(journal).stream().filter(l -> !l.isBlank()).count();
                if (lines >= 6) {
                    break;
                }
            }
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("the audit was still running when killed; log: " + Files.readString(tmp.resolve("log"))).isTrue();
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
        p.waitFor(30, TimeUnit.SECONDS);
        assertThat(lines).isGreaterThanOrEqualTo(6);
        assertThat(killed.resolve("report.json")).as("no half-written report").doesNotExist();

        // without --resume the folder is refused; with it, only the missing trials are played
        assertThat(CliTest.wg(with("--out", killed.toString())).err()).contains("holds an interrupted run");
        assertThat(CliTest.wg(with("--out", killed.toString(), "--level", "0.9", "--resume")).err())
                .contains("started with other options");
        CliTest.Run r = CliTest.wg(with("--out", killed.toString(), "--resume"));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(killed.resolve(".partial")).doesNotExist();
        assertThat(report(killed)).isEqualTo(report(whole));
        assertThat(new File(killed.toFile(), "report.md")).exists();
    }
}
