package org.weightgames.cli;

import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.weightgames.core.WgException;
import org.weightgames.run.AuditJob;
import org.weightgames.run.TrialExecutor;
import org.weightgames.run.TrialRunner;

/**
 * The trial executor a command asked for: the thread pool, or Spark with {@code --spark}. Spark's
 * executor ({@code org.weightgames.spark.SparkTrials}) is loaded by name, so that neither this
 * class nor the main job needs Spark's classes: they are on the class path only when
 * {@code ./wg} is given {@code --spark} (target/spark-lib) or under {@code spark-submit}.
 */
final class Engines {
    static final String SPARK = "org.weightgames.spark.SparkTrials";

    private Engines() {
    }

    static TrialExecutor executor(String master, List<String> conf, int threads, AuditJob job, String fingerprint) {
        if (master == null) {
            if (!conf.isEmpty()) {
                throw new WgException("--spark-conf is for --spark; give --spark MASTER too (e.g. --spark local[2])");
            }
            return new TrialRunner(threads);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            if (eq < 1 || !kv.startsWith("spark.")) {
                throw new WgException("--spark-conf takes spark.key=value (e.g. spark.executor.memory=4g), got '" + kv + "'");
            }
            settings.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Class<?> type;
        try {
            type = Class.forName(SPARK);
            // Spark's runtime, not only its API (which the build compiles against): its network layer
            Class.forName("org.apache.spark.network.TransportContext");
        } catch (ClassNotFoundException | LinkageError e) {
            throw new WgException("--spark needs Apache Spark's jars on the class path: run ./wg (it adds them when --spark is"
                    + " given) or spark-submit, not java -cp target/lib/*");
        }
        try {
            return (TrialExecutor) type.getConstructor(String.class, Map.class, String.class, String.class)
                    .newInstance(master, settings, job.json(), fingerprint);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
