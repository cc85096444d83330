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
 * two threads, and again in fresh JVMs. Each JVM salts the iteration order of {@code Map.of} and
 * {@code Map.copyOf} at random, so an order that leaks into coin use differs between JVMs about half
 * the time: three fresh JVMs find such a leak with probability about 7/8 per run. The release
 * protects a subset of neurons ({@code select=smallest-range}), so the baseline's answer draws two
 * tensors from its coins, the case where the order of the protected tensors once leaked.
 */
class ReproducibilityTest {
    static final long SEED = 7;
    static final int TRIALS = 3;

    /** Every number of a TaylorMLP ext-w game against taylor-inversion and the baseline, as exact text. */
    static String play(int threads) {
        Nd.init();
        GameSpec spec = new GameSpec("taylormlp", "ext-w", List.of("taylor-inversion", "baseline"),
                Map.of("taylormlp", Map.of("select", "smallest-range")), DataSource.load("synthetic"), "");
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

        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                    "-cp", System.getProperty("java.class.path"), "-Dwg.cache=" + tmp.resolve("cache"),
                    ReproducibilityTest.class.getName(), tmp.resolve("numbers" + i + ".txt").toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log" + i).toFile());
            pb.environment().put("OMP_NUM_THREADS", "1");
            children.add(pb.start());
        }
        for (int i = 0; i < children.size(); i++) {
            Process p = children.get(i);
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("JVM " + i + " finished").isTrue();
            assertThat(p.exitValue()).as(Files.readString(tmp.resolve("log" + i))).isZero();
            assertThat(Files.readString(tmp.resolve("numbers" + i + ".txt"))).as("JVM " + i).isEqualTo(one);
        }
    }
}
