package org.weightgames.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.weightgames.adversaries.Baseline;
import org.weightgames.data.DataSource;
import org.weightgames.game.Adversary;
import org.weightgames.core.Coins;
import org.weightgames.game.Definition;
import org.weightgames.isolation.Isolation;
import org.weightgames.game.Registry;
import org.weightgames.game.Scheme;
import org.weightgames.game.TrialRecord;
import org.weightgames.core.WgException;
import org.weightgames.core.Resources;
import org.weightgames.report.Summary;

/**
 * An audit: every selected scheme against every selected definition, each with the adversaries
 * that play it (all that support the pair unless named) and the baseline, on shared challenges.
 * Produces the JSON report (deterministic for a seed) and the pieces the Markdown is made of.
 */
public final class Audit {

    /** What to audit and how. */
    public record Config(List<String> schemes, List<String> definitions, List<String> adversaries, int trials, long seed,
            String dataset, Map<String, Map<String, String>> settings, double level, int threads, double targetWidth,
            int maxTrials, List<String> replayFlags) {
    }

    /** One game's result: the spec, its trials and one summary per adversary (baseline excluded). */
    public record GameResult(GameSpec spec, Definition definition, List<TrialRecord> records,
            Map<String, Summary> summaries, Claims.Claim claim) {
    }

    private final Config config;
    private final PrintStream progress;
    private org.weightgames.run.TrialJournal journal = org.weightgames.run.TrialJournal.NONE;

    public Audit(Config config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Checks every id, parameter and setting before any trial runs, so bad input fails fast. */
    public List<GameSpec> plan(DataSource data) {
        if (config.trials() < 1) {
            throw new WgException("--trials must be at least 1, got " + config.trials());
        }
        if (!(config.level() > 0 && config.level() < 1)) {
            throw new WgException("--level must be between 0 and 1 (e.g. 0.95), got " + config.level());
        }
        List<String> schemes = config.schemes().isEmpty() ? ids(Registry.schemes()) : config.schemes();
        List<String> definitions = config.definitions().isEmpty() ? defIds(Registry.definitions()) : config.definitions();
        schemes.forEach(id -> Registry.require("scheme", id));
        definitions.forEach(id -> Registry.require("definition", id));
        config.adversaries().forEach(id -> Registry.require("adversary", id));
        checkSettings(schemes, definitions);
        List<GameSpec> specs = new ArrayList<>();
        for (String s : schemes) {
            for (String d : definitions) {
                String reference = Registry.definition(d, Registry.params(d, config.settings())).baseline();
                List<String> advs = new ArrayList<>();
                for (Adversary a : Registry.adversaries()) {
                    boolean named = config.adversaries().isEmpty() || config.adversaries().contains(a.id());
                    if (named && !a.id().equals(Baseline.ID) && !a.id().equals(reference) && a.supports(d, s)) {
                        advs.add(a.id());
                    }
                }
                if (advs.isEmpty() || !Registry.adversary(reference, Registry.params(reference, config.settings())).supports(d, s)) {
                    continue;
                }
                advs.add(reference);
                for (Map.Entry<String, Map<String, Map<String, String>>> v : variants(s, d).entrySet()) {
                    GameSpec spec = new GameSpec(s, d, advs, v.getValue(), data, v.getKey());
                    // initialise every component once: parameter errors surface here, not mid-run
                    spec.newScheme();
                    spec.newDefinition();
                    spec.newAdversaries();
                    spec.newFamily();
                    specs.add(spec);
                }
            }
        }
        if (specs.isEmpty()) {
            throw new WgException("no adversary plays the selected games (" + schemes + " x " + definitions
                    + (config.adversaries().isEmpty() ? "" : " with " + config.adversaries()) + "); see ./wg list");
        }
        return specs;
    }

    /**
     * The games to play for (scheme, definition): the scheme's audit variants with the user's
     * settings on top, minus any variant that sets a key the user fixed (then one game with the
     * user's settings). Keyed by variant label.
     */
    private Map<String, Map<String, Map<String, String>>> variants(String scheme, String definition) {
        Map<String, Map<String, Map<String, String>>> out = new LinkedHashMap<>();
        List<Map<String, Map<String, String>>> declared = Registry.scheme(scheme, Registry.params(scheme, config.settings()))
                .auditVariants(definition);
        for (Map<String, Map<String, String>> v : declared) {
            boolean clash = false;
            Map<String, Map<String, String>> merged = new java.util.TreeMap<>();
            config.settings().forEach((k, m) -> merged.put(k, new java.util.TreeMap<>(m)));
            StringBuilder label = new StringBuilder();
            for (Map.Entry<String, Map<String, String>> c : new java.util.TreeMap<>(v).entrySet()) {
                for (Map.Entry<String, String> kv : new java.util.TreeMap<>(c.getValue()).entrySet()) {
                    String fixed = config.settings().getOrDefault(c.getKey(), Map.of()).get(kv.getKey());
                    // a key the user fixed to another value rules the variant out; to the same value
                    // (as a replay command does) keeps it, with its coins
                    clash |= fixed != null && !fixed.equals(kv.getValue());
                    merged.computeIfAbsent(c.getKey(), x -> new java.util.TreeMap<>()).putIfAbsent(kv.getKey(), kv.getValue());
                    label.append(label.length() > 0 ? "," : "").append(c.getKey()).append('.').append(kv.getKey()).append('=')
                            .append(kv.getValue());
                }
            }
            if (!clash) {
                out.put(label.toString(), merged);
            }
        }
        if (out.isEmpty()) {
            out.put("", config.settings());
        }
        return out;
    }

    private void checkSettings(List<String> schemes, List<String> definitions) {
        List<String> known = new ArrayList<>(schemes);
        known.addAll(definitions);
        known.add("model");
        known.add(Isolation.COMPONENT);
        Registry.adversaries().forEach(a -> known.add(a.id()));
        for (String component : config.settings().keySet()) {
            if (!known.contains(component)) {
                throw new WgException("setting for unknown component '" + component + "'; settings are keyed by a selected "
                        + "scheme or definition, an adversary, or 'model' (known: " + String.join(", ", known) + ")");
            }
        }
    }

    private static List<String> ids(List<Scheme> l) {
        List<String> out = new ArrayList<>();
        l.forEach(s -> out.add(s.id()));
        return out;
    }

    private static List<String> defIds(List<Definition> l) {
        List<String> out = new ArrayList<>();
        l.forEach(d -> out.add(d.id()));
        return out;
    }

    /** Plays every planned game. */
    public List<GameResult> run(List<GameSpec> specs) {
        return run(specs, org.weightgames.run.TrialJournal.NONE);
    }

    /** Plays every planned game, taking finished trials from the journal and recording new ones in it. */
    public List<GameResult> run(List<GameSpec> specs, org.weightgames.run.TrialJournal journal) {
        this.journal = journal;
        TrialRunner runner = new TrialRunner(config.threads());
        List<GameResult> results = new ArrayList<>();
        for (GameSpec spec : specs) {
            results.add(play(runner, spec));
        }
        return results;
    }

    private GameResult play(TrialRunner runner, GameSpec spec) {
        Definition def = spec.newDefinition();
        Claims.Claim claim = Claims.forGame(spec.scheme(), spec.definition());
        String label = spec.label();
        long started = System.nanoTime();
        List<TrialRecord> records = new ArrayList<>();
        int target = config.trials();
        boolean sequential = config.targetWidth() > 0;
        int cap = sequential ? Math.max(config.maxTrials(), config.trials()) : config.trials();
        Map<String, Summary> summaries;
        while (true) {
            int from = records.size();
            int to = Math.min(target, cap);
            final int total = to;
            records.addAll(runner.run(spec, config.seed(), from, to, done -> report(label, from + done, total, started), journal));
            summaries = summarise(spec, def, records, claim);
            boolean narrow = summaries.values().stream().allMatch(s -> s.ci.width() <= config.targetWidth());
            if (!sequential || narrow || records.size() >= cap) {
                break;
            }
            target = Math.min(cap, records.size() + Math.max(10, records.size() / 2));
        }
        if (progress != null) {
            progress.printf("[%s] %d trials in %.1f s%n", label, records.size(), (System.nanoTime() - started) / 1e9);
        }
        return new GameResult(spec, def, records, summaries, claim);
    }

    private Map<String, Summary> summarise(GameSpec spec, Definition def, List<TrialRecord> records, Claims.Claim claim) {
        Map<String, Summary> out = new LinkedHashMap<>();
        int baseline = spec.adversaries().size() - 1;
        Coins boot = Coins.root(config.seed()).derive("bootstrap/" + spec.label());
        for (int i = 0; i < baseline; i++) {
            String id = spec.adversaries().get(i);
            out.put(id, new Summary(records, i, baseline, def.guessing(), config.level(), claim.bound(), boot.derive(id)));
        }
        return out;
    }

    private long lastReport;

    private synchronized void report(String label, int done, int total, long started) {
        if (progress == null) {
            return;
        }
        long now = System.nanoTime();
        if (done == total || now - lastReport > 3_000_000_000L) {
            lastReport = now;
            progress.printf("[%s] trial %d/%d (%.1f s)%n", label, done, total, (now - started) / 1e9);
        }
    }

    /**
     * What a resumed run must share with the run it resumes: everything that decides its trials
     * (selection, trial counts, seed, settings, data, level, sequential mode, tool version).
     */
    public String fingerprint(DataSource data) {
        String text = String.join("\n", "schemes=" + config.schemes(), "definitions=" + config.definitions(),
                "adversaries=" + config.adversaries(), "trials=" + config.trials(), "seed=" + config.seed(),
                "dataset=" + data.name() + ":" + data.sha256(), "settings=" + new java.util.TreeMap<>(config.settings()),
                "level=" + config.level(), "target-width=" + config.targetWidth(), "max-trials=" + config.maxTrials(),
                "version=" + Resources.versions().getProperty("weightgames", "dev") + "/"
                        + Resources.versions().getProperty("git-commit", ""));
        return Resources.sha256(text);
    }

    /** The JSON report: deterministic for a seed except the {@code generated} timestamp. */
    public ObjectNode json(List<GameResult> results, DataSource data, String generated) {
        ObjectNode root = Summary.JSON.objectNode();
        ObjectNode tool = root.putObject("tool");
        tool.put("name", "WeightGames");
        tool.put("version", Resources.versions().getProperty("weightgames", "dev"));
        root.put("generated", generated);
        root.put("seed", config.seed());
        root.put("level", config.level());
        ObjectNode set = root.putObject("settings");
        new java.util.TreeMap<>(config.settings()).forEach((k, v) -> set.set(k, map(new java.util.TreeMap<>(v))));
        root.put("settings_sha256", Resources.sha256(set.toString()));
        ObjectNode ds = root.putObject("dataset");
        ds.put("name", data.name());
        ds.put("sha256", data.sha256());
        ds.put("origin", data.origin());
        ObjectNode versions = root.putObject("versions");
        Resources.versions().stringPropertyNames().stream().sorted()
                .forEach(k -> versions.put(k, Resources.versions().getProperty(k)));
        ArrayNode arr = root.putArray("results");
        for (GameResult g : results) {
            for (Map.Entry<String, Summary> e : g.summaries().entrySet()) {
                arr.add(entry(g, e.getKey(), e.getValue()));
            }
        }
        return root;
    }

    private ObjectNode entry(GameResult g, String adversary, Summary s) {
        ObjectNode n = Summary.JSON.objectNode();
        n.put("scheme", g.spec().scheme());
        n.put("definition", g.spec().definition());
        n.put("adversary", adversary);
        if (!g.spec().variant().isEmpty()) {
            n.put("variant", g.spec().variant());
        }
        n.put("trials", s.trials);
        n.put("wins", s.wins);
        n.put("failures", s.failures);
        n.put("advantage", s.advantage);
        n.put("advantage_formula", g.definition().guessing() ? "|2 Pr[win] - 1|" : "Pr[win]");
        n.set("ci", Summary.interval(s.ci));
        n.set("ci_wilson", Summary.interval(s.wilson));
        ObjectNode b = n.putObject("baseline");
        b.put("adversary", g.spec().adversaries().get(g.spec().adversaries().size() - 1));
        b.put("wins", s.baselineWins);
        b.put("advantage", s.baselineAdvantage);
        b.set("ci", Summary.interval(s.baselineCi));
        ObjectNode ob = n.putObject("over_baseline");
        ob.put("difference", (double) (s.wins - s.baselineWins) / s.trials);
        ob.put("of", "Pr[win] - Pr[baseline win]");
        ob.set("ci", Summary.interval(s.overBaseline));
        ob.set("measures", s.overBaselineMeasures);
        ObjectNode claim = n.putObject("claim");
        claim.put("bound", g.claim().bound());
        claim.put("statement", g.claim().statement());
        claim.put("source", g.claim().source());
        n.put("verdict", s.verdict.label());
        n.set("measures", s.measures);
        n.set("challenger_measures", s.challengerMeasures);
        if (!s.failureExamples.isEmpty()) {
            ArrayNode f = n.putArray("failure_examples");
            s.failureExamples.forEach(f::add);
        }
        n.set("provenance", provenance(g, adversary));
        return n;
    }

    private ObjectNode provenance(GameResult g, String adversary) {
        ObjectNode p = Summary.JSON.objectNode();
        p.put("seed", config.seed());
        p.put("coins", g.spec().coins(config.seed()).path() + "/trial/<i>/{challenger, adversary/<id>}");
        String defText = Resources.text("definitions/" + g.spec().definition() + ".md");
        p.put("definition_sha256", defText == null ? null : Resources.sha256(defText));
        ObjectNode params = p.putObject("parameters");
        params.set("scheme", map(g.spec().newSchemeParams()));
        params.set("definition", map(g.spec().newDefinitionParams()));
        params.set("adversary", map(g.spec().adversaryParams(adversary)));
        params.set("model", map(g.spec().newFamily().parameters()));
        Map<String, String> isolation = g.spec().settings().get(Isolation.COMPONENT);
        if (isolation != null) {
            // an isolated adversary draws its coins differently: a replay must isolate it too
            params.set(Isolation.COMPONENT, map(isolation));
        }
        ArrayNode hashes = p.putArray("artifact_sha256");
        for (TrialRecord r : g.records()) {
            r.artifactHashes().forEach(hashes::add);
        }
        p.put("replay", replay(g, adversary));
        return p;
    }

    private static ObjectNode map(Map<String, String> m) {
        ObjectNode n = Summary.JSON.objectNode();
        m.forEach(n::put);
        return n;
    }

    /** The command that replays exactly this result. */
    public String replay(GameResult g, String adversary) {
        StringBuilder sb = new StringBuilder("./wg audit --scheme ").append(g.spec().scheme()).append(" --definition ")
                .append(g.spec().definition()).append(" --adversary ").append(adversary).append(" --trials ")
                .append(g.records().size()).append(" --seed ").append(config.seed()).append(" --dataset ")
                .append(g.spec().data().name());
        if (!g.spec().variant().isEmpty()) {
            for (String kv : g.spec().variant().split(",")) {
                sb.append(" --set ").append(kv);
            }
        }
        for (String f : config.replayFlags()) {
            sb.append(' ').append(f);
        }
        return sb.toString();
    }

    public Config config() {
        return config;
    }
}
