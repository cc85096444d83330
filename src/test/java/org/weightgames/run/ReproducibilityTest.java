package org.weightgames.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.core.Nd;
import org.weightgames.data.DataSource;
import org.weightgames.game.TrialRecord;
import org.weightgames.stats.Summary;

/**
 * The same game with the same seed gives the same numbers: every trial record (artifact hashes,
 * challenger measures, each adversary's outcome and measures) and every summary (intervals, the
 * reference adversary's measures, the paired differences), played twice in this JVM on one and on
 * two threads, and once more in a fresh JVM, whose hash-based collections iterate in another order.
 */
class ReproducibilityTest {
    static final long SEED = 7;
    static final int TRIALS = 3;

    /** Every number of a TaylorMLP ext-w game against taylor-inversion and the baseline, as exact text. */
    static String play(int threads) {
        Nd.init();
        GameSpec spec = new GameSpec("taylormlp", "ext-w", List.of("taylor-inversion", "baseline"), Map.of(),
                DataSource.load("synthetic"), "");
        List<TrialRecord> records = new TrialRunner(threads).run(spec, SEED, 0, TRIALS, done -> { });
        StringBuilder sb = new StringBuilder();
        records.forEach(r -> sb.append(r).append('\n'));
        Map<String, Summary> summaries = Audit.summarise(spec, spec.newDefinition(), records, Audit.bound("taylormlp", "ext-w"),
                SEED, 0.95);
        summaries.forEach((id, s) -> sb.append(id).append(": wins ").append(s.wins).append(" of ").append(s.trials).append(", ci ")
                .append(s.ci).append(", wilson ").append(s.wilson).append(", baseline ").append(s.baselineWins).append(' ')
                .append(s.baselineCi).append(", over ").append(s.overBaseline).append(", verdict ").append(s.verdict)
                .append("\n measures ").append(s.measures).append("\n challenger ").append(s.challengerMeasures)
                .append("\n reference ").append(s.baselineMeasures).append("\n paired ").append(s.overBaselineMeasures).append('\n'));
        return sb.toString();
    }

    /** The child JVM's side: writes {@link #play(int)} to the file named. */
    public static void main(String[] args) throws Exception {
        Files.writeString(Path.of(args[0]), play(1), StandardCharsets.UTF_8);
        System.exit(0);
    }

    @Test
    void aGameReplaysToTheSameNumbersInThisJvmAndInAnother(@TempDir Path tmp) throws Exception {
        String one = play(1);
        assertThat(one).contains("taylor-inversion: wins", "reference {", "relative_error");
        assertThat(play(2)).as("two threads, same JVM").isEqualTo(one);

        Path out = tmp.resolve("numbers.txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-cp", System.getProperty("java.class.path"), "-Dwg.cache=" + tmp.resolve("cache"),
                ReproducibilityTest.class.getName(), out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("the second JVM finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("log"))).isZero();
        assertThat(Files.readString(out)).as("another JVM").isEqualTo(one);
    }
}
