package org.weightgames.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.cli.CliTest;
import org.weightgames.run.ShardFolder;

/**
 * The same report.json with the thread pool and with Spark: embedded ({@code local[2]}), resumed
 * from a journal, and on a standalone cluster (a master and a worker started here as separate
 * processes on the loopback address) that loses one of its two executors mid-run.
 */
class SparkAuditTest {
    static final ObjectMapper JSON = new ObjectMapper();




    /**
     * Spark's jars are on the class path of the pom's spark-tests execution only (the other tests run
     * on the main job's); run alone, this class says where to run it rather than failing.
     */
    @BeforeEach
    void sparkIsHere() {
        boolean here;
        try {
            Class.forName("org.apache.spark.network.TransportContext");
            here = true;
        } catch (ClassNotFoundException e) {
            here = false;
        }
        assumeTrue(here, "Spark's jars are not on this class path: the pom's spark-tests execution runs this test");
    }

    @Test
    void embeddedSparkGivesTheThreadPoolsReportAndResumesFromTheJournal(@TempDir Path tmp) throws IOException {
        String[] audit = {"audit", "--scheme", "plain", "--definition", "ext-w", "--definition", "ind", "--trials", "4", "--seed", "5",
            "--no-timing", "--threads", "2"};
        Path pool = tmp.resolve("pool");
        CliTest.ok(CliTest.with(audit, "--out", pool.toString()));
        Path spark = tmp.resolve("spark");
        CliTest.ok(CliTest.with(audit, "--out", spark.toString(), "--spark", "local[2]"));
        assertThat(CliTest.reportWithoutTimestamp(spark)).isEqualTo(CliTest.reportWithoutTimestamp(pool));

        // an interrupted run's journal (here: the trials one shard played on Spark) is resumed on Spark
        Path half = tmp.resolve("half");
        CliTest.ok(CliTest.with(audit, "--out", half.toString(), "--spark", "local[2]", "--shard", "1/2"));
        Path resumed = tmp.resolve("resumed");
        Files.createDirectories(resumed.resolve(".partial"));
        Files.copy(half.resolve(ShardFolder.TRIALS), resumed.resolve(".partial").resolve("trials.jsonl"));
        CliTest.Run r = CliTest.ok(CliTest.with(audit, "--out", resumed.toString(), "--spark", "local[2]", "--resume"));
        assertThat(CliTest.reportWithoutTimestamp(resumed)).isEqualTo(CliTest.reportWithoutTimestamp(pool));
        assertThat(resumed.resolve(".partial")).doesNotExist();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Process daemon(Path tmp, String name, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        cmd.addAll(List.of(JavaModuleOptions.defaultModuleOptionArray()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
        Path home = tmp.resolve("spark-home");
        Files.createDirectories(home.resolve("jars")); // the worker's executors take their classes from extraClassPath
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    /** Whether a process is a Spark executor (its command line as /proc has it: ProcessHandle.Info may lack it). */
    static boolean isExecutor(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline")).contains("CoarseGrainedExecutorBackend");
        } catch (IOException | UncheckedIOException e) {
            return p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend");
        }
    }

    @Test
    void aStandaloneClusterThatLosesAnExecutorGivesTheSameReport(@TempDir Path tmp) throws Exception {
        String[] audit = {"audit", "--scheme", "taylormlp", "--definition", "ext-w", "--trials", "12", "--seed", "6", "--no-timing",
            "--threads", "2"};
        Path pool = tmp.resolve("pool");
        CliTest.ok(CliTest.with(audit, "--out", pool.toString()));

        int port = freePort();
        String url = "spark://127.0.0.1:" + port;
        Process master = daemon(tmp, "master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--webui-port", String.valueOf(freePort())));
        Process worker = null;
        List<ProcessHandle> executors = new ArrayList<>();
        try {
            worker = daemon(tmp, "worker", List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--webui-port",
                    String.valueOf(freePort()), "--cores", "2", "--memory", "4g", "--work-dir", tmp.resolve("work").toString(), url));
            Path out = tmp.resolve("cluster");
            Path journal = out.resolve(".partial").resolve("trials.jsonl");
            ProcessHandle workerHandle = worker.toHandle();
            AtomicLong killed = new AtomicLong(-1);
            AtomicInteger alive = new AtomicInteger();
            AtomicInteger linesAtKill = new AtomicInteger();
            AtomicReference<Exception> failed = new AtomicReference<>();
            Thread killer = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                try {
                    while (System.nanoTime() < deadline) {
                        int lines = Files.exists(journal) ? (int) Files.readAllLines(journal).stream().filter(l -> !l.isBlank()).count()
                                : 0;
                        List<ProcessHandle> live = workerHandle.descendants().filter(SparkAuditTest::isExecutor).toList();
                        synchronized (executors) {
                            live.stream().filter(p -> !executors.contains(p)).forEach(executors::add);
                        }
                        if (lines >= 2 && !live.isEmpty()) { // the fingerprint and a first trial: the run is under way
                            alive.set(live.size());
                            linesAtKill.set(lines - 1);
                            killed.set(live.get(0).pid());
                            live.get(0).destroyForcibly();
                            return;
                        }
                        Thread.sleep(20);
                    }
                } catch (IOException | InterruptedException | RuntimeException e) {
                    failed.set(e); // the assertions below say so
                }
            });
            killer.setDaemon(true);
            killer.start();
            String cp = System.getProperty("java.class.path");
            CliTest.Run r = CliTest.ok(CliTest.with(audit, "--out", out.toString(), "--spark", url, "--spark-conf", "spark.executor.cores=1",
                    "--spark-conf", "spark.cores.max=2", "--spark-conf", "spark.executor.memory=1g", "--spark-conf",
                    "spark.executor.extraClassPath=" + cp, "--spark-conf", "spark.driver.host=127.0.0.1", "--spark-conf",
                    "spark.driver.bindAddress=127.0.0.1"));
            killer.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(killed.get()).as("an executor was killed mid-run; " + failed.get() + "; " + r.err()).isPositive();
            assertThat(alive.get()).as("executor JVMs when one was killed").isEqualTo(2);
            assertThat(linesAtKill.get()).as("trials finished when the executor was killed").isLessThan(12);
            assertThat(CliTest.reportWithoutTimestamp(out)).isEqualTo(CliTest.reportWithoutTimestamp(pool));
        } finally {
            for (Process p : worker == null ? List.of(master) : List.of(worker, master)) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            synchronized (executors) {
                executors.forEach(ProcessHandle::destroyForcibly);
            }
        }
    }
}
