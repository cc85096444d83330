package org.weightgames.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.weightgames.core.Nd;
import org.weightgames.core.WgException;
import org.weightgames.data.DataSource;
import org.weightgames.run.Audit;
import org.weightgames.run.AuditJob;
import org.weightgames.run.Shard;
import org.weightgames.run.ShardFolder;
import org.weightgames.run.TrialExecutor;
import org.weightgames.stats.GameSummary;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wg audit}: plays the selected games and writes report.json, report.md and report.html (and timing.json). */
@Command(name = "audit", description = "Play the games against the built-in adversaries and write report.json and report.md.")
final class AuditCommand extends WgCommand {
    @Option(names = "--scheme", description = "Scheme id (repeatable; default: all).")
    List<String> schemes = new ArrayList<>();

    @Option(names = "--definition", description = "Definition id (repeatable; default: all).")
    List<String> definitions = new ArrayList<>();

    @Option(names = "--adversary", description = "Adversary id (repeatable; default: every adversary that plays the game). The baseline always plays.")
    List<String> adversaries = new ArrayList<>();

    @Option(names = "--trials", defaultValue = "auto", description = "Trials per game, or auto: per game the trials that decide"
            + " its claim when no adversary wins (at least 50; 72 at bound 0.05), stopped early only when the verdict at that"
            + " count can no longer change, and 3 when every outcome is one exact value (default: ${DEFAULT-VALUE}).")
    String trials;

    @Option(names = "--seed", defaultValue = "1", description = "Run seed: the same seed replays every trial (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dataset", description = "synthetic (embedded, the default) or fashion-mnist (Debian package dataset-fashion-mnist);"
            + " with --model: tokens (the default).")
    String dataset;

    @Option(names = "--model", description = "Audit your own MLP block from a safetensors checkpoint (SwiGLU gate_proj/up_proj/down_proj"
            + " or plain fc1/fc2), an .onnx model (its GELU MLP blocks, on real hidden states; --set model.tokenizer=FILE) or minilm"
            + " (the built-in all-MiniLM-L6-v2) instead of drawing originals; --set model.prefix=... picks a block, model.activation=... a plain"
            + " block's activation (gelu). Default schemes taylormlp, plain, oracle; definitions ext-w, ext-f.")
    Path model;

    @Option(names = "--out", description = "Output folder (default: reports/<UTC timestamp>).")
    Path out;

    @Option(names = "--set", description = "component.key=value, e.g. taylormlp.order=4 or model.hidden=128 (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--config", description = "JSON file of settings: {\"component\": {\"key\": value}}; --set wins over it.")
    Path config;

    @Option(names = "--level", defaultValue = "0.95", description = "Confidence level of the intervals (default: ${DEFAULT-VALUE}).")
    double level;

    @Mixin
    TrialThreads trialThreads = new TrialThreads();

    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Option(names = "--target-width", defaultValue = "0", description = "Sequential mode: keep playing until every advantage interval is at most this wide.")
    double targetWidth;

    @Option(names = "--max-trials", defaultValue = "1000", description = "Sequential mode: the trial cap (default: ${DEFAULT-VALUE}).")
    int maxTrials;

    @Option(names = "--no-timing", description = "Skip the measured inference-cost table.")
    boolean noTiming;

    @Option(names = "--resume", description = "Resume the interrupted run in --out: replay nothing it finished, play the rest.")
    boolean resume;

    @Option(names = "--sign-key", description = "Sign the report with this Ed25519 private key (./wg keygen); writes signature.json.")
    Path signKey;

    @Option(names = "--isolate", description = "Play every adversary of the extraction games in its own JVM, handed only the artifact file and"
            + " pipes to the oracles, under bubblewrap unless --no-sandbox (isolation.timeout, isolation.memory, isolation.native set"
            + " its limits).")
    boolean isolate;

    @Option(names = "--shard", paramLabel = "i/n", description = "Play only shard i of n of the trials (1 <= i <= n; needs --trials N"
            + " and --out) and leave them in --out for ./wg merge, e.g. one shard per Slurm array task or Kubernetes Job index.")
    String shard;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Play the trials on Apache Spark: local[2] (embedded, no set-up),"
            + " spark://host:7077 (a standalone cluster), or default (the master spark-submit gives).")
    String spark;

    @Option(names = "--spark-conf", paramLabel = "key=value", description = "A Spark setting for --spark, e.g."
            + " spark.executor.memory=4g (repeatable).")
    List<String> sparkConf = new ArrayList<>();

    @Override
    public Integer call() {
        PrintStream err = System.err;
        if (isolate) {
            sets.add(org.weightgames.isolation.Isolation.COMPONENT + ".enabled=true");
        }
        plugins.addSettings(sets);
        Map<String, Map<String, String>> settings = Settings.load(config, sets);
        plugins.install(settings);
        if (model != null) {
            boolean builtin = model.toString().equals(org.weightgames.onnx.OnnxModel.MINILM) && !Files.exists(model);
            if (!builtin && !Files.isRegularFile(model)) {
                throw new WgException("--model " + model + ": no such file; give the path of a .safetensors checkpoint, an .onnx"
                        + " model, or minilm (the built-in all-MiniLM-L6-v2)");
            }
            Map<String, String> m = new java.util.TreeMap<>(settings.getOrDefault("model", Map.of()));
            m.put("arch", "file");
            m.put("file", builtin ? org.weightgames.onnx.OnnxModel.MINILM : model.toAbsolutePath().normalize().toString());
            settings = new java.util.TreeMap<>(settings);
            settings.put("model", m);
            sets.add("model.arch=file");
            sets.add("model.file=" + m.get("file"));
            if (schemes.isEmpty()) {
                schemes.addAll(List.of("taylormlp", "plain", "oracle"));
            }
            if (definitions.isEmpty()) {
                definitions.addAll(List.of("ext-w", "ext-f"));
            }
            if (dataset == null) {
                dataset = "tokens";
            }
        }
        if (dataset == null) {
            dataset = "synthetic";
        }
        if (targetWidth < 0 || targetWidth >= 2) {
            throw new WgException("--target-width must be in [0, 2), got " + targetWidth);
        }
        if (maxTrials < 1) {
            throw new WgException("--max-trials must be at least 1, got " + maxTrials);
        }
        List<String> replay = Settings.replayFlags(sets, config);
        replay.addAll(plugins.replayFlags());
        replay.add("--level " + level);
        int nThreads = trialThreads.threadCount();
        Audit audit = new Audit(new Audit.Config(schemes, definitions, adversaries, Audit.trials(trials), seed, dataset, settings, level,
                nThreads, targetWidth, maxTrials, replay), err);
        Nd.init();
        if (signKey != null && !Files.isReadable(signKey)) {
            throw new WgException("--sign-key " + signKey + " cannot be read; make a key pair with ./wg keygen");
        }
        DataSource data = org.weightgames.model.Datasets.load(dataset, settings.getOrDefault("model", Map.of()));
        List<Audit.PlannedGame> plan = audit.plan(data);
        Instant now = Instant.now();
        Shard part = shard == null ? null : Shard.parse(shard);
        if (part != null) {
            audit.checkFixed("--shard");
            if (out == null) {
                throw new WgException("--shard needs --out: the folder where this shard leaves its trials for ./wg merge");
            }
            if (Files.exists(out.resolve(ShardFolder.AUDIT))) {
                if (!resume || !ShardFolder.finished(out, audit.fingerprint(plan), part)) {
                    throw new WgException(out + " already holds a finished shard" + (resume ? " of another audit or shard" : "")
                            + "; choose another --out");
                }
                // a batch system's retry of a shard that had finished: nothing to play
                out().println("shard " + part + ": already finished in " + out);
                out().flush();
                return 0;
            }
        }
        if (resume && out == null) {
            throw new WgException("--resume needs the --out folder of the interrupted run");
        }
        Path dir = out != null ? out : defaultOut(now);
        List<GameSummary> results;
        org.weightgames.run.FileJournal journal = new org.weightgames.run.FileJournal(dir, audit.fingerprint(plan), resume);
        Path pluginLog = dir.resolve("plugins.log");
        if (!org.weightgames.plugin.Plugins.installed().isEmpty()) {
            org.weightgames.plugin.Plugins.logTo(pluginLog);
        }
        try {
            if (journal.resumed() > 0) {
                err.println("[resume] " + journal.resumed() + " finished trials read from " + dir.resolve(".partial"));
            }
            AuditJob job = new AuditJob(audit.config(), plugins.folderNames());
            try (TrialExecutor executor = Engines.executor(spark, sparkConf, nThreads, job, audit.fingerprint(plan))) {
                err.println("[engine] trials on " + executor.name());
                if (part != null) {
                    audit.playShard(plan, part, journal, executor);
                    ShardFolder.seal(dir, journal, job, audit.fingerprint(plan), part);
                    out().println("shard " + part + ": its trials are in " + dir + "; join every shard with ./wg merge --out DIR "
                            + "SHARD_DIR...");
                    out().flush();
                    return 0;
                }
                results = audit.run(plan, journal, executor);
            }
        } catch (WgException e) {
            journal.discard();
            org.weightgames.plugin.Plugins.logTo(null);
            try {
                Files.deleteIfExists(pluginLog);
            } catch (java.io.IOException ignored) {
                // nothing to remove
            }
            throw e;
        } finally {
            org.weightgames.plugin.Plugins.logTo(null);
        }
        AuditOutput.write(out(), err, dir, audit, plan, results, data, noTiming, signKey, now, journal::finish);
        return 0;
    }

    static Path defaultOut(Instant now) {
        String home = System.getenv("WG_HOME");
        Path base = home != null && !home.isBlank() ? Paths.get(home, "reports") : Paths.get("reports");
        return base.resolve(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now));
    }
}
