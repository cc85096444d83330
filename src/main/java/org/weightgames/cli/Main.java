package org.weightgames.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.weightgames.data.DataSource;
import org.weightgames.game.Adversary;
import org.weightgames.game.Definition;
import org.weightgames.run.GameSpec;
import org.weightgames.game.Registry;
import org.weightgames.game.Scheme;
import org.weightgames.core.WgException;
import org.weightgames.core.Nd;
import org.weightgames.run.Audit;
import org.weightgames.report.MarkdownReport;
import org.weightgames.report.ReportWriter;
import org.weightgames.run.TaylorTiming;
import org.weightgames.report.JsonReport;
import org.weightgames.stats.AuditSummary;
import org.weightgames.stats.GameSummary;
import org.weightgames.stats.InferenceCost;
import org.weightgames.run.Claims;
import org.weightgames.run.Verify;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code wg} command line. Exit status: 0 success, 2 bad input (one message), 1 internal error. */
@Command(name = "wg", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "WeightGames: security definitions of model weight release schemes as executable games.",
        subcommands = {Main.ListCommand.class, Main.AuditCommand.class, Main.VerifyCommand.class, Main.SweepCommand.class,
            Main.ReplayCommand.class, Main.KeygenCommand.class, Main.SignCommand.class, Main.CheckReportCommand.class,
            Main.BenchCommand.class, Main.ReleaseCommand.class, Main.AttackCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line with the given streams; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("wg: " + ex.getMessage() + " (see wg " + (ex.getCommandLine().getCommandName().equals("wg") ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof WgException) {
                err.println("wg: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"WeightGames " + org.weightgames.core.Resources.versions().getProperty("weightgames", "dev")};
        }
    }

    @Command(name = "list", description = "List the schemes, definitions and adversaries on the class path.")
    static final class ListCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println("Schemes:");
            for (Scheme s : Registry.schemes()) {
                out.printf("  %-18s %s%n", s.id(), s.description());
            }
            out.println("Definitions:");
            for (Definition d : Registry.definitions()) {
                out.printf("  %-18s %s%n", d.id(), d.description());
            }
            out.println("Adversaries:");
            for (Adversary a : Registry.adversaries()) {
                List<String> plays = new ArrayList<>();
                for (Scheme s : Registry.schemes()) {
                    for (Definition d : Registry.definitions()) {
                        if (a.supports(d.id(), s.id())) {
                            plays.add(s.id() + "/" + d.id());
                        }
                    }
                }
                out.printf("  %-18s %s%n  %-18s plays: %s%n", a.id(), a.description(), "", String.join(", ", plays));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "audit", description = "Play the games against the built-in adversaries and write report.json and report.md.")
    static final class AuditCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--scheme", description = "Scheme id (repeatable; default: all).")
        List<String> schemes = new ArrayList<>();

        @Option(names = "--definition", description = "Definition id (repeatable; default: all).")
        List<String> definitions = new ArrayList<>();

        @Option(names = "--adversary", description = "Adversary id (repeatable; default: every adversary that plays the game). The baseline always plays.")
        List<String> adversaries = new ArrayList<>();

        @Option(names = "--trials", defaultValue = "50", description = "Trials per game (default: ${DEFAULT-VALUE}).")
        int trials;

        @Option(names = "--seed", defaultValue = "1", description = "Run seed: the same seed replays every trial (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--dataset", description = "synthetic (embedded, the default) or fashion-mnist (Debian package dataset-fashion-mnist);"
                + " with --model: tokens (the default).")
        String dataset;

        @Option(names = "--model", description = "Audit your own MLP block from a safetensors checkpoint (SwiGLU gate_proj/up_proj/down_proj"
                + " or plain fc1/fc2) instead of drawing originals; --set model.prefix=... picks a block, model.activation=... a plain"
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

        @Option(names = "--threads", description = "Trials played at once (default: the number of cores).")
        Integer threads;

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
                + " pipes to the oracles (isolation.timeout, isolation.memory, isolation.native set its limits).")
        boolean isolate;

        @Override
        public Integer call() {
            PrintStream err = System.err;
            if (isolate) {
                sets.add(org.weightgames.isolation.Isolation.COMPONENT + ".enabled=true");
            }
            Map<String, Map<String, String>> settings = Settings.load(config, sets);
            if (model != null) {
                if (!Files.isRegularFile(model)) {
                    throw new WgException("--model " + model + ": no such file; give the path of a .safetensors checkpoint");
                }
                Map<String, String> m = new java.util.TreeMap<>(settings.getOrDefault("model", Map.of()));
                m.put("arch", "file");
                m.put("file", model.toAbsolutePath().normalize().toString());
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
            List<String> replay = new ArrayList<>();
            for (String s : sets) {
                replay.add("--set " + s);
            }
            if (config != null) {
                replay.add("--config " + config);
            }
            replay.add("--level " + level);
            int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            Audit audit = new Audit(new Audit.Config(schemes, definitions, adversaries, trials, seed, dataset, settings, level,
                    nThreads, targetWidth, maxTrials, replay), err);
            Nd.init();
            if (signKey != null && !Files.isReadable(signKey)) {
                throw new WgException("--sign-key " + signKey + " cannot be read; make a key pair with ./wg keygen");
            }
            DataSource data = org.weightgames.model.Datasets.load(dataset, settings.getOrDefault("model", Map.of()));
            List<Audit.PlannedGame> plan = audit.plan(data);
            Instant now = Instant.now();
            if (resume && out == null) {
                throw new WgException("--resume needs the --out folder of the interrupted run");
            }
            Path dir = out != null ? out : defaultOut(now);
            List<GameSummary> results;
            org.weightgames.run.FileJournal journal = new org.weightgames.run.FileJournal(dir, audit.fingerprint(plan), resume);
            try {
                if (journal.resumed() > 0) {
                    err.println("[resume] " + journal.resumed() + " finished trials read from " + dir.resolve(".partial"));
                }
                results = audit.run(plan, journal);
            } catch (WgException e) {
                journal.discard();
                throw e;
            }
            List<InferenceCost> timing = null;
            String shape = null;
            if (!noTiming && plan.stream().anyMatch(p -> p.scheme().equals("taylormlp"))) {
                err.println("[timing] measuring TaylorMLP inference cost against the original");
                int[] orders = {2, 4, 8, 16};
                timing = TaylorTiming.measure(512, 2048, 512, 64, orders, 9);
                shape = "512->2048->512 (SiLU), batch 64";
            }
            String generated = DateTimeFormatter.ISO_INSTANT.format(now);
            Map<String, String> files = new LinkedHashMap<>();
            AuditSummary summary = audit.summary(results, data);
            files.put("report.json", ReportWriter.json(JsonReport.render(summary, generated)));
            files.put("report.md", MarkdownReport.render(summary, generated, timing, shape));
            if (timing != null) {
                files.put("timing.json", ReportWriter.json(JsonReport.timing(timing, shape, 9)));
            }
            files.put("report.html", org.weightgames.report.HtmlReport.render("WeightGames security report",
                    "Generated " + generated + " with seed " + seed + " on data set " + data.name() + ".", results,
                    org.weightgames.report.HtmlReport.auditPlots(results, timing, shape)));
            ReportWriter.write(dir, files);
            journal.finish();
            if (signKey != null) {
                org.weightgames.report.Signing.sign(dir, signKey);
            }
            PrintWriter o = spec.commandLine().getOut();
            results.forEach(g -> g.summaries().forEach((adv, s) -> o.printf("%-10s %-6s %-18s %3d/%-3d advantage %.3f CI [%.3f, %.3f] -> %s%s%n",
                    g.scheme(), g.definition(), adv, s.wins, s.trials, s.advantage, s.ci.low(), s.ci.high(),
                    s.verdict.label(), g.variant().isEmpty() ? "" : "   [" + g.variant() + "]")));
            o.println("report: " + dir.resolve("report.md"));
            o.flush();
            return 0;
        }

        static Path defaultOut(Instant now) {
            String home = System.getenv("WG_HOME");
            Path base = home != null && !home.isBlank() ? Paths.get(home, "reports") : Paths.get("reports");
            return base.resolve(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now));
        }
    }

    @Command(name = "verify", description = "Play every claimed guarantee and check each verdict against the one its claims file expects. "
            + "Exit 0 when all match, 1 when any verdict changed.")
    static final class VerifyCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--claims", description = "A claims file to check (repeatable; default: the claims of every built-in scheme).")
        List<Path> files = new ArrayList<>();

        @Option(names = "--claim", description = "Check only the claim with this id (repeatable).")
        List<String> only = new ArrayList<>();

        @Option(names = "--seed", defaultValue = "1", description = "Run seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--dataset", defaultValue = "synthetic", description = "synthetic or fashion-mnist.")
        String dataset;

        @Option(names = "--trials", description = "Override every claim's trial count.")
        Integer trials;

        @Option(names = "--threads", description = "Trials played at once (default: the number of cores).")
        Integer threads;

        @Override
        public Integer call() {
            if (trials != null && trials < 1) {
                throw new WgException("--trials must be at least 1, got " + trials);
            }
            List<Claims.Claim> claims = new ArrayList<>();
            if (files.isEmpty()) {
                Registry.schemes().forEach(s -> claims.addAll(Claims.builtIn(s.id())));
            } else {
                files.forEach(f -> claims.addAll(Claims.file(f)));
            }
            if (!only.isEmpty()) {
                for (String id : only) {
                    if (claims.stream().noneMatch(c -> c.id().equals(id))) {
                        throw new WgException("no claim '" + id + "'; claims are " + claims.stream().map(Claims.Claim::id).toList());
                    }
                }
                claims.removeIf(c -> !only.contains(c.id()));
            }
            if (claims.isEmpty()) {
                throw new WgException("no claims to verify");
            }
            Nd.init();
            DataSource data = DataSource.load(dataset);
            PrintWriter out = spec.commandLine().getOut();
            List<Verify.Check> checks = Verify.run(claims, seed, data, threads != null ? threads : Runtime.getRuntime().availableProcessors(),
                    trials, 0.95, line -> {
                        out.println(line);
                        out.flush();
                    });
            long changed = checks.stream().filter(c -> !c.matches()).count();
            out.printf("%d claims: %d as expected, %d changed%n", checks.size(), checks.size() - changed, changed);
            for (Verify.Check c : checks) {
                if (!c.matches()) {
                    out.println("changed verdict: " + c.describe() + " [" + c.claim().where() + "]");
                }
            }
            out.flush();
            return changed == 0 ? 0 : 1;
        }
    }

    @Command(name = "sweep", description = "Play one game over a list of values of one parameter and plot the advantage with its interval "
            + "(sweep.json, report.html).")
    static final class SweepCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--scheme", required = true, description = "Scheme id.")
        String scheme;

        @Option(names = "--definition", required = true, description = "Definition id.")
        String definition;

        @Option(names = "--adversary", description = "Adversary id (repeatable; default: every adversary that plays the game).")
        List<String> adversaries = new ArrayList<>();

        @Option(names = "--param", required = true, description = "component.key=v1,v2,... e.g. taylormlp.order=2,4,8,16 or ext-f.queries=30,300,3000.")
        String param;

        @Option(names = "--set", description = "Fixed settings, as for audit (repeatable).")
        List<String> sets = new ArrayList<>();

        @Option(names = "--trials", defaultValue = "20", description = "Trials per value (default: ${DEFAULT-VALUE}).")
        int trials;

        @Option(names = "--seed", defaultValue = "1", description = "Run seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--dataset", defaultValue = "synthetic", description = "synthetic or fashion-mnist.")
        String dataset;

        @Option(names = "--out", description = "Output folder (default: reports/sweep-<UTC timestamp>).")
        Path out;

        @Option(names = "--threads", description = "Trials played at once (default: the number of cores).")
        Integer threads;

        @Override
        public Integer call() {
            String[] ckv = Settings.split(param, "--param", "v1,v2,... (e.g. --param taylormlp.order=2,4,8)");
            String component = ckv[0];
            String key = ckv[1];
            List<String> values = List.of(ckv[2].split(","));
            double[] x = new double[values.size()];
            for (int i = 0; i < x.length; i++) {
                try {
                    x[i] = Double.parseDouble(values.get(i).trim());
                } catch (NumberFormatException e) {
                    throw new WgException("--param values must be numbers to be plotted; '" + values.get(i) + "' is not");
                }
            }
            Nd.init();
            DataSource data = DataSource.load(dataset);
            int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            List<Audit> audits = new ArrayList<>();
            List<List<Audit.PlannedGame>> plans = new ArrayList<>();
            for (String v : values) {
                List<String> all = new ArrayList<>(sets);
                all.add(component + "." + key + "=" + v.trim());
                List<String> replay = new ArrayList<>();
                all.forEach(s -> replay.add("--set " + s));
                Audit a = new Audit(new Audit.Config(List.of(scheme), List.of(definition), adversaries, trials, seed, dataset,
                        Settings.load(null, all), 0.95, nThreads, 0, trials, replay), System.err);
                plans.add(a.plan(data));
                audits.add(a);
            }
            List<GameSummary> results = new ArrayList<>();
            for (int i = 0; i < audits.size(); i++) {
                results.add(audits.get(i).run(plans.get(i)).get(0));
            }
            Instant now = Instant.now();
            String generated = DateTimeFormatter.ISO_INSTANT.format(now);
            Path dir = out != null ? out : AuditCommand.defaultOut(now).resolveSibling("sweep-" + AuditCommand.defaultOut(now).getFileName());
            org.weightgames.report.SweepReport sweep = new org.weightgames.report.SweepReport(component + "." + key, values, x, results);
            Map<String, String> files = new LinkedHashMap<>();
            files.put("sweep.json", ReportWriter.json(sweep.json(seed, data, generated)));
            files.put("report.html", org.weightgames.report.HtmlReport.render("WeightGames sweep: " + scheme + " / " + definition
                    + " against " + component + "." + key, "Generated " + generated + " with seed " + seed + " on data set " + data.name()
                    + ", " + trials + " trials per value.", List.of(), List.of(sweep.plot())));
            ReportWriter.write(dir, files);
            PrintWriter o = spec.commandLine().getOut();
            o.print(sweep.table());
            o.println("report: " + dir.resolve("report.html"));
            o.flush();
            return 0;
        }
    }

    @Command(name = "replay", description = "Replay one trial of a report.json alone and check that it releases the same artifact. "
            + "Exit 0 when the artifact's hash matches the recorded one, 1 when it does not.")
    static final class ReplayCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(index = "0", description = "The report.json.")
        Path report;

        @Option(names = "--result", defaultValue = "0", description = "Which result of the report (0-based, in file order; default: ${DEFAULT-VALUE}).")
        int result;

        @Option(names = "--trial", required = true, description = "The trial index (0-based).")
        int trial;

        @Override
        public Integer call() {
            Nd.init();
            org.weightgames.run.Replay.Result r = org.weightgames.run.Replay.run(report, result, trial);
            PrintWriter o = spec.commandLine().getOut();
            o.printf("%s, trial %d: %s%n", r.game(), r.trial(), r.outcome().won() ? "won" : "lost"
                    + (r.outcome().failure() != null ? " (" + r.outcome().failure() + ")" : ""));
            r.outcome().measures().forEach((k, v) -> o.printf("  %s = %s%n", k, v));
            r.record().challengerMeasures().forEach((k, v) -> o.printf("  challenger %s = %s%n", k, v));
            o.printf("artifact sha256 %s: %s%n", r.record().artifactHashes().get(0),
                    r.matches() ? "matches the report" : "DIFFERS from the report's " + r.expectedHash());
            o.flush();
            return r.matches() ? 0 : 1;
        }
    }

    @Command(name = "keygen", description = "Make an Ed25519 key pair for signing reports: <name>.key (private) and <name>.pub.")
    static final class KeygenCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--out", defaultValue = ".", description = "Folder for the two files (default: the current folder).")
        Path out;

        @Option(names = "--name", defaultValue = "wg-signing", description = "File name stem (default: ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() {
            Path[] k = org.weightgames.report.Signing.keygen(out, name);
            spec.commandLine().getOut().println("private key " + k[0] + " (keep it), public key " + k[1] + " (publish it)");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "sign", description = "Sign a report folder with an Ed25519 private key: writes signature.json beside it.")
    static final class SignCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(index = "0", description = "The report folder.")
        Path dir;

        @Option(names = "--key", required = true, description = "The private key file (./wg keygen).")
        Path key;

        @Override
        public Integer call() {
            if (!Files.isDirectory(dir)) {
                throw new WgException(dir + " is not a folder; give the folder an audit wrote (it holds report.json)");
            }
            Path sig = org.weightgames.report.Signing.sign(dir, key);
            spec.commandLine().getOut().println("signed: " + sig);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "check-report", description = "Check a signed report: every file's hash and the Ed25519 signature. "
            + "Exit 0 when intact, 1 when anything was edited.")
    static final class CheckReportCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(index = "0", description = "The report folder or its report.json.")
        Path report;

        @Option(names = "--public-key", description = "The signer's public key you trust; without it any valid signature passes and its key is printed.")
        Path publicKey;

        @Override
        public Integer call() {
            if (!Files.exists(report)) {
                throw new WgException(report + " does not exist; give a report folder or its report.json");
            }
            org.weightgames.report.Signing.Check c = org.weightgames.report.Signing.check(report, publicKey);
            PrintWriter o = spec.commandLine().getOut();
            if (c.valid()) {
                o.println("intact: signed by Ed25519 key " + c.publicKey() + (publicKey == null ? " (no trusted key given)" : " (trusted)"));
            } else {
                c.problems().forEach(p -> o.println("TAMPERED: " + p));
            }
            o.flush();
            return c.valid() ? 0 : 1;
        }
    }

    @Command(name = "bench", description = "TaylorMLP at LLM scale: the taylor-inversion attack against a summing pass over the same "
            + "coefficients, TaylorMLP and taylor-collapse inference against the original block, and ext-w trials per second, "
            + "each a ratio measured in this run. Quarter-scale block (1024 x 3584) by default, Llama-3-8B's (4096 x 14336) with --full.")
    static final class BenchCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--full", description = "Use the full Llama-3-8B block, 4096 x 14336 (about 10 GB of scratch files).")
        boolean full;

        @Option(names = "--order", defaultValue = "8", description = "TaylorMLP order N of the attacked artifact (default: ${DEFAULT-VALUE}).")
        int order;

        @Option(names = "--dtype", defaultValue = "f32", description = "Storage type of the checkpoints: f32, f64, f16 or bf16 (default: ${DEFAULT-VALUE}).")
        String dtype;

        @Option(names = "--repeats", defaultValue = "5", description = "Repeats of each timing (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--threads", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--tokens", defaultValue = "8", description = "Tokens per inference timing (default: ${DEFAULT-VALUE}).")
        int tokens;

        @Option(names = "--trials", defaultValue = "8", description = "ext-w trials per thread count for the throughput figure; 0 skips it (default: ${DEFAULT-VALUE}).")
        int trials;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--work", description = "Folder for the scratch checkpoints, kept afterwards (default: a temporary folder, deleted).")
        Path work;

        @Option(names = "--json", description = "Also write the figures as JSON to this file.")
        Path json;

        @Option(names = "--model", description = "Bench on your own SwiGLU block from a safetensors checkpoint instead of a random one.")
        Path model;

        @Option(names = "--prefix", description = "With --model: the block's tensor-name prefix, e.g. model.layers.0.mlp. (default: the first block).")
        String prefix;

        @Override
        public Integer call() throws Exception {
            org.weightgames.safetensors.DType dt;
            try {
                dt = org.weightgames.safetensors.DType.valueOf(dtype.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new WgException("bench: --dtype must be f32, f64, f16 or bf16, got '" + dtype + "'");
            }
            PrintWriter pw = spec.commandLine().getOut();
            new org.weightgames.scale.Bench(new org.weightgames.scale.Bench.Options(full, order, dt, repeats, threads, tokens,
                    trials, seed, work, json, model, prefix), pw).run();
            pw.flush();
            return 0;
        }
    }

    @Command(name = "release", description = "Release a checkpoint with TaylorMLP, streamed: every SwiGLU block (or those named) replaced by its "
            + "Taylor coefficients, the other tensors copied; writes a safetensors artifact.")
    static final class ReleaseCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", required = true, description = "The safetensors checkpoint to release.")
        Path model;

        @Option(names = "--out", required = true, description = "The artifact to write (.safetensors).")
        Path out;

        @Option(names = "--prefix", description = "A block to release, e.g. model.layers.0.mlp. (repeatable; default: every SwiGLU block).")
        List<String> prefixes = new ArrayList<>();

        @Option(names = "--order", defaultValue = "8", description = "Taylor order N (default: ${DEFAULT-VALUE}).")
        int order;

        @Option(names = "--tokens", defaultValue = "128", description = "Gaussian calibration tokens (default: ${DEFAULT-VALUE}).")
        int tokens;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of the calibration tokens and the signs (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--threads", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Override
        public Integer call() {
            if (threads < 1) {
                throw new WgException("release: --threads must be at least 1, got " + threads);
            }
            org.weightgames.scale.CheckpointTools.release(model, out, prefixes, order, seed, tokens, threads, spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "attack", description = "The taylor-inversion attack on a TaylorMLP artifact (from wg release), streamed: writes a checkpoint "
            + "with the recovered gate_proj, up_proj and down_proj of every block; --original compares each block with the original.")
    static final class AttackCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(index = "0", description = "The TaylorMLP artifact (.safetensors).")
        Path artifact;

        @Option(names = "--out", required = true, description = "The recovered checkpoint to write (.safetensors).")
        Path out;

        @Option(names = "--original", description = "The original checkpoint, to measure the recovery's error block by block.")
        Path original;

        @Option(names = "--threads", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Override
        public Integer call() {
            if (threads < 1) {
                throw new WgException("attack: --threads must be at least 1, got " + threads);
            }
            org.weightgames.scale.CheckpointTools.attack(artifact, out, original, threads, spec.commandLine().getOut());
            return 0;
        }
    }
}
