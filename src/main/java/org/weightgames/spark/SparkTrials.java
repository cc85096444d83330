package org.weightgames.spark;

import java.io.IOException;
import java.io.Serializable;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.launcher.JavaModuleOptions;
import org.weightgames.core.WgException;
import org.weightgames.run.AuditJob;
import org.weightgames.run.GameSpec;
import org.weightgames.run.TrialExecutor;

import scala.Function2;
import scala.collection.Iterator;
import scala.reflect.ClassTag$;
import scala.runtime.BoxedUnit;

/**
 * Plays an audit's trials on Apache Spark: one trial per partition (trials take seconds to a minute,
 * so Spark's scheduling is cheap beside them, and a lost executor costs one trial). A task carries
 * the audit's canonical JSON, its fingerprint, the game and the index; the executor rebuilds the
 * audit from the JSON once per JVM ({@link AuditJob#playRemote}) and returns the record as canonical
 * JSON, which Spark hands back to the driver as each task ends. Executors get one BLAS thread per
 * task, the driver's native-memory limits, and a JavaCPP cache of their own; Spark adds its own
 * Java 17 module options to them.
 */
public final class SparkTrials implements TrialExecutor {
    /** {@code --spark default}: the master spark-submit configured. */
    public static final String DEFAULT = "default";

    private final JavaSparkContext sc;
    private final String job;
    private final String fingerprint;

    public SparkTrials(String master, Map<String, String> settings, String job, String fingerprint) {
        this.job = job;
        this.fingerprint = fingerprint;
        SparkConf conf = new SparkConf(); // with spark-submit's spark.* settings
        if (!master.equals(DEFAULT)) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            throw new WgException("--spark default takes the master from spark-submit, and none was given; run under spark-submit"
                    + " --master ..., or name the master: --spark local[2] or --spark spark://host:7077");
        }
        conf.setIfMissing("spark.app.name", "weightgames");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.log.level", "WARN");
        // one BLAS thread per task: tasks are the parallelism, and sums do not depend on a thread split
        conf.set("spark.executorEnv.OMP_NUM_THREADS", "1");
        conf.set("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
        conf.setIfMissing("spark.executor.memory", "2g");
        String own = String.join(" ", "-XX:+UseParallelGC",
                "-Dorg.bytedeco.javacpp.maxbytes=" + System.getProperty("org.bytedeco.javacpp.maxbytes", "3G"),
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=" + System.getProperty("org.bytedeco.javacpp.maxphysicalbytes", "0"),
                // relative to the executor's working folder: each executor unpacks the native libraries into its own
                "-Dorg.bytedeco.javacpp.cachedir=javacpp-cache");
        String given = settings.getOrDefault("spark.executor.extraJavaOptions", conf.get("spark.executor.extraJavaOptions", ""));
        settings.forEach(conf::set);
        conf.set("spark.executor.extraJavaOptions", (own + " " + given).trim());
        String m = conf.get("spark.master");
        if (!m.startsWith("local") && !conf.contains("spark.jars") && !conf.contains("spark.executor.extraClassPath")) {
            List<String> jars = applicationJars();
            if (!jars.isEmpty()) {
                conf.set("spark.jars", String.join(",", jars));
            }
        }
        this.sc = new JavaSparkContext(conf);
    }

    /** The WeightGames jar and its target/lib beside it, for Spark to ship to the executors; none when run from classes. */
    static List<String> applicationJars() {
        List<String> out = new ArrayList<>();
        try {
            Path jar = Path.of(SparkTrials.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                return out;
            }
            out.add(jar.toString());
            Path lib = jar.resolveSibling("lib");
            if (Files.isDirectory(lib)) {
                try (Stream<Path> s = Files.list(lib)) {
                    s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> out.add(p.toString()));
                }
            }
        } catch (URISyntaxException | IOException | SecurityException e) {
            // no jar to ship: the executors must have WeightGames on their class path (spark.executor.extraClassPath)
        }
        return out;
    }

    @Override
    public String name() {
        return "spark(" + sc.master() + ")";
    }

    @Override
    public void play(GameSpec spec, long seed, List<Integer> pending, Consumer<String> finished) {
        String audit = job;
        String fp = fingerprint;
        String label = spec.label();
        JavaRDD<Integer> keys = sc.parallelize(pending, pending.size());
        Function2<TaskContext, Iterator<Integer>, String> trial = (Function2<TaskContext, Iterator<Integer>, String> & Serializable) (
                ctx, it) -> AuditJob.playRemote(audit, fp, label, it.next());
        Function2<Object, String, BoxedUnit> got = (partition, json) -> {
            finished.accept(json);
            return BoxedUnit.UNIT;
        };
        sc.setJobDescription(label + ": " + pending.size() + " trials");
        try {
            sc.sc().runJob(keys.rdd(), trial, got, ClassTag$.MODULE$.apply(String.class));
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof WgException w) {
                    throw w;
                }
            }
            String text = String.valueOf(e.getMessage());
            int at = text.indexOf(WgException.class.getName() + ": ");
            if (at >= 0) {
                String rest = text.substring(at + WgException.class.getName().length() + 2);
                throw new WgException(rest.lines().findFirst().orElse(rest));
            }
            throw new IllegalStateException("Spark could not play the trials of " + label + " (the trials that finished are in the"
                    + " journal: rerun with --resume): " + text.lines().findFirst().orElse(text), e);
        }
    }

    @Override
    public void close() {
        sc.stop();
    }

    /** Prints Spark's own Java module options (for the driver's JVM, which ./wg starts before Spark can add them). */
    public static void main(String[] args) {
        System.out.println(JavaModuleOptions.defaultModuleOptions());
    }
}
