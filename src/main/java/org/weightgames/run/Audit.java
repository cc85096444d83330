package org.weightgames.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

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
import org.weightgames.game.Provenance;
import org.weightgames.stats.AuditSummary;
import org.weightgames.stats.Bound;
import org.weightgames.stats.GameSummary;
import org.weightgames.stats.Proportions;
import org.weightgames.stats.Strongest;
import org.weightgames.stats.Summary;
import org.weightgames.stats.Verdict;
import org.weightgames.stats.WallTime;

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

    /**
     * One game as planned: what to play, the bound its verdicts are judged against (the scheme's
     * claim for the definition, resolved when the plan is made) and its provenance so far.
     */
    public record PlannedGame(GameSpec spec, Bound bound, Provenance provenance) {
        public String scheme() {
            return spec.scheme();
        }
    }

    /** {@code --trials auto}: per game, the trials that decide its claim ({@link #planned}). */
    public static final int AUTO = 0;
    /** The fewest trials of an automatic plan. */
    static final int AUTO_MIN = 50;
    /** Trials first played in an automatic plan: if every outcome is the same in all of them, the game is one exact value. */
    static final int EXACT_PROBE = 3;
    /** An automatic plan looks at its verdicts after every this many trials (fixed, so thread counts do not change the report). */
    static final int LOOK_EVERY = 8;

    /** The value of {@code --trials}: a count, or {@code auto}. */
    public static int trials(String text) {
        if (text.equalsIgnoreCase("auto")) {
            return AUTO;
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new WgException("--trials must be a whole number of at least 1, or auto; got '" + text + "'");
    }

    /**
     * The trials an automatic plan plays for a claim with {@code bound}: enough that no win decides
     * it ({@link Proportions#trialsToHold}), at least {@link #AUTO_MIN}, at most 1000.
     */
    public static int planned(double bound, double level) {
        int n = Proportions.trialsToHold(bound, level);
        return n < 0 ? AUTO_MIN : Math.min(1000, Math.max(AUTO_MIN, n));
    }

    private final Config config;
    private final PrintStream progress;
    private final List<WallTime> wallTimes = new CopyOnWriteArrayList<>();

    public Audit(Config config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Checks every id, parameter and setting before any trial runs, so bad input fails fast. */
    public List<PlannedGame> plan(DataSource data) {
        if (config.trials() < 1 && config.trials() != AUTO) {
            throw new WgException("--trials must be at least 1 or auto, got " + config.trials());
        }
        if (!(config.level() > 0 && config.level() < 1)) {
            throw new WgException("--level must be between 0 and 1 (e.g. 0.95), got " + config.level());
        }
        List<String> schemes = config.schemes().isEmpty() ? Registry.schemes().stream().map(Scheme::id).toList() : config.schemes();
        List<String> definitions = config.definitions().isEmpty() ? Registry.definitions().stream().map(Definition::id).toList()
                : config.definitions();
        schemes.forEach(id -> Registry.require("scheme", id));
        definitions.forEach(id -> Registry.require("definition", id));
        config.adversaries().forEach(id -> Registry.require("adversary", id));
        checkSettings(schemes, definitions);
        List<PlannedGame> specs = new ArrayList<>();
        for (String s : schemes) {
            for (String d : definitions) {
                String reference = Registry.definition(d, Registry.params(d, config.settings())).baseline();
                List<String> advs = new ArrayList<>();
                for (Adversary a : Registry.adversaries()) {
                    boolean named = config.adversaries().isEmpty() || config.adversaries().contains(a.id());
                    if (named && !a.id().equals(Baseline.ID) && !a.id().equals(reference) && Registry.plays(a, d, s)) {
                        advs.add(a.id());
                    }
                }
                if (advs.isEmpty()
                        || !Registry.plays(Registry.adversary(reference, Registry.params(reference, config.settings())), d, s)) {
                    continue;
                }
                advs.add(reference);
                for (Map.Entry<String, Map<String, Map<String, String>>> v : variants(s, d).entrySet()) {
                    specs.add(game(new GameSpec(s, d, advs, v.getValue(), data, v.getKey()), bound(s, d)));
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
                    // a variant's own family (model.block, model.range-median, ...) cannot apply to the user's checkpoint
                    clash |= c.getKey().equals("model") && "file".equals(config.settings().getOrDefault("model", Map.of()).get("arch"));
                    merged.computeIfAbsent(c.getKey(), x -> new java.util.TreeMap<>()).putIfAbsent(kv.getKey(), kv.getValue());
                    label.append(label.length() > 0 ? "," : "").append(c.getKey()).append('.').append(kv.getKey()).append('=')
                            .append(kv.getValue());
                }
            }
            // a variant that the user's settings make equal to one already planned is played once
            if (!clash && !out.containsValue(merged)) {
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
        known.add(org.weightgames.isolation.Sandbox.COMPONENT);
        Registry.adversaries().forEach(a -> known.add(a.id()));
        for (String component : config.settings().keySet()) {
            if (!known.contains(component)) {
                throw new WgException("setting for unknown component '" + component + "'; settings are keyed by a selected "
                        + "scheme or definition, an adversary, or 'model' (known: " + String.join(", ", known) + ")");
            }
        }
    }


    /** Plays every planned game. */
    public List<GameSummary> run(List<PlannedGame> plan) {
        return run(plan, TrialJournal.NONE);
    }

    /** How long each game played so far took in this run (for timing.json). */
    public List<WallTime> wallTimes() {
        return List.copyOf(wallTimes);
    }

    /** Plays every planned game on the thread pool, taking finished trials from the journal and recording new ones in it. */
    public List<GameSummary> run(List<PlannedGame> plan, TrialJournal journal) {
        return run(plan, journal, new TrialRunner(config.threads()));
    }

    /**
     * Plays every planned game on {@code executor}, taking finished trials from the journal and
     * recording new ones in it (the driver alone writes the journal), and summarises each game.
     */
    public List<GameSummary> run(List<PlannedGame> plan, TrialJournal journal, TrialExecutor executor) {
        List<GameSummary> results = new ArrayList<>();
        for (PlannedGame game : plan) {
            results.add(play(executor, game, journal));
        }
        return results;
    }

    /**
     * Plays only the trials of {@code shard} ({@link Shard#keys}), recording them in the journal;
     * nothing is summarised: {@code wg merge} does that once every shard has played.
     */
    public void playShard(List<PlannedGame> plan, Shard shard, TrialJournal journal, TrialExecutor executor) {
        checkFixed("--shard");
        Map<String, List<Integer>> keys = shard.keys(plan, config.trials());
        for (PlannedGame game : plan) {
            List<Integer> mine = keys.get(game.spec().label());
            long started = System.nanoTime();
            String label = game.spec().label() + " " + shard;
            TrialRunner.run(executor, game.spec(), config.seed(), mine, done -> report(label, done, mine.size(), started), journal);
        }
    }

    /** Refuses the automatic and sequential modes, whose trial counts depend on outcomes seen, for {@code what}. */
    public void checkFixed(String what) {
        if (config.trials() == AUTO || config.targetWidth() > 0) {
            throw new WgException(what + " needs a fixed trial count: give --trials N (the automatic and sequential modes decide"
                    + " how many trials to play from the verdicts seen, which one shard cannot see)");
        }
    }

    private GameSummary play(TrialExecutor runner, PlannedGame game, TrialJournal journal) {
        GameSpec spec = game.spec();
        Definition def = spec.newDefinition();
        String label = spec.label();
        long started = System.nanoTime();
        List<TrialRecord> records = new ArrayList<>();
        boolean auto = config.trials() == AUTO;
        int planned = auto ? planned(game.bound().value(), config.level()) : config.trials();
        boolean sequential = config.targetWidth() > 0;
        int cap = sequential ? Math.max(config.maxTrials(), planned) : planned;
        int target = auto ? Math.min(EXACT_PROBE, planned) : planned;
        Map<String, Summary> summaries;
        Strongest strongest;
        while (true) {
            int from = records.size();
            int to = Math.min(target, cap);
            final int total = auto ? planned : to;
            records.addAll(TrialRunner.run(runner, spec, config.seed(), TrialRunner.range(from, to),
                    done -> report(label, from + done, total, started), journal));
            summaries = summarise(spec, def, records, game.bound());
            strongest = strongest(spec, def, records, summaries, game.bound(), config.level(), config.seed());
            if (records.size() >= cap) {
                break;
            }
            if (auto) {
                if (summaries.values().stream().allMatch(s -> s.exact)
                        || settled(summaries, strongest, def.guessing(), planned, game.bound().value())) {
                    break;
                }
                target = records.size() < EXACT_PROBE ? EXACT_PROBE : Math.min(planned, records.size() + LOOK_EVERY);
                continue;
            }
            boolean narrow = summaries.values().stream().allMatch(s -> s.ci.width() <= config.targetWidth());
            if (!sequential || narrow) {
                break;
            }
            target = Math.min(cap, records.size() + Math.max(10, records.size() / 2));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (progress != null) {
            progress.printf("[%s] %d trials in %.1f s%n", label, records.size(), seconds);
        }
        wallTimes.add(new WallTime(label, records.size(), seconds));
        List<String> hashes = new ArrayList<>();
        records.forEach(r -> hashes.addAll(r.artifactHashes()));
        return new GameSummary(spec.scheme(), spec.definition(), spec.variant(), reference(spec), def.guessing(), summaries,
                game.bound(), game.provenance().withArtifacts(hashes), strongest);
    }

    /** One summary per adversary but the reference (the last one played), each against the reference. */
    static Map<String, Summary> summarise(GameSpec spec, Definition def, List<TrialRecord> records, Bound bound, long seed,
            double level) {
        Map<String, Summary> out = new LinkedHashMap<>();
        int baseline = spec.adversaries().size() - 1;
        Coins boot = Seeds.bootstrap(seed, spec);
        for (int i = 0; i < baseline; i++) {
            String id = spec.adversaries().get(i);
            out.put(id, new Summary(records, i, baseline, def.guessing(), level, bound.value(), boot.derive(id)));
        }
        return out;
    }

    /**
     * Whether every verdict the game would give after {@code planned} trials is already fixed
     * (curtailment): with k wins in m trials the count at {@code planned} lies in
     * [k, k + planned - m], and the verdict is monotone in it, so when both ends give the same verdict
     * the remaining trials cannot change it. The verdict of the m trials played is then that same
     * verdict (a decided interval on m trials stays decided with more trials at either end), so
     * stopping changes no verdict. Guessing games (|2p - 1| is not monotone in the count) and games
     * whose trials share networks (their interval includes a bootstrap over networks) play on.
     */
    static boolean settled(Map<String, Summary> summaries, Strongest strongest, boolean guessing, int planned, double bound) {
        if (guessing || summaries.values().stream().anyMatch(s -> s.clusterCi != null)) {
            // (with trials sharing networks the interval is not Clopper-Pearson's, and the argument does not hold)
            return false;
        }
        for (Summary s : summaries.values()) {
            if (!s.exact && !fixed(s.wins, s.trials, planned, bound, s.ci.level())) {
                return false;
            }
        }
        return strongest.exact() || fixed(strongest.wins(), strongest.trials(), planned, bound, strongest.ci().level());
    }

    private static boolean fixed(int wins, int played, int planned, double bound, double level) {
        int rest = planned - played;
        return Verdict.of(Proportions.clopperPearson(wins, planned, level), bound) == Verdict.of(
                Proportions.clopperPearson(wins + rest, planned, level), bound);
    }

    /** The verdict against every adversary of the game but the reference. */
    static Strongest strongest(GameSpec spec, Definition def, List<TrialRecord> records, Map<String, Summary> summaries, Bound bound,
            double level, long seed) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < spec.adversaries().size() - 1; i++) {
            indices.add(i);
        }
        return Strongest.of(records, spec.adversaries(), indices, summaries, def.guessing(), level, bound.value(),
                Seeds.bootstrap(seed, spec).derive("strongest"));
    }

    private Map<String, Summary> summarise(GameSpec spec, Definition def, List<TrialRecord> records, Bound bound) {
        return summarise(spec, def, records, bound, config.seed(), config.level());
    }

    static String reference(GameSpec spec) {
        return spec.adversaries().get(spec.adversaries().size() - 1);
    }

    /** The bound a game is judged against: the scheme's claim for the definition, else the default. */
    static Bound bound(String scheme, String definition) {
        Claims.Claim c = Claims.forGame(scheme, definition);
        return new Bound(c.bound(), c.statement(), c.source());
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
     * (each planned game's provenance: seed, coins, parameters as used, isolation, data, versions;
     * trial counts, level and sequential mode).
     */
    public String fingerprint(List<PlannedGame> plan) {
        StringBuilder text = new StringBuilder(String.join("\n", "trials=" + config.trials(), "level=" + config.level(),
                "target-width=" + config.targetWidth(), "max-trials=" + config.maxTrials()));
        for (PlannedGame g : plan) {
            Provenance p = g.provenance();
            text.append("\ngame=").append(g.spec().label()).append(" adversaries=").append(g.spec().adversaries())
                    .append(" provenance=").append(p.identity());
        }
        return Resources.sha256(text.toString());
    }

    /**
     * One game to play, judged against {@code bound}. Every component is initialised once here, so
     * parameter errors surface before anything is played, not mid-run.
     */
    public PlannedGame game(GameSpec spec, Bound bound) {
        // the parameters as used are what initialising each component records: the provenance so far
        Map<String, String> scheme = spec.newSchemeParams();
        Map<String, String> definition = spec.newDefinitionParams();
        spec.newAdversaries();
        Map<String, Map<String, String>> adversaries = new LinkedHashMap<>();
        for (String id : spec.adversaries()) {
            adversaries.put(id, spec.adversaryParams(id));
        }
        Map<String, String> model = spec.newFamily().parameters();
        String defText = Resources.text("definitions/" + spec.definition() + ".md");
        Map<String, String> versions = new TreeMap<>();
        Properties v = Resources.versions();
        v.stringPropertyNames().forEach(k -> versions.put(k, v.getProperty(k)));
        versions.putAll(org.weightgames.plugin.Plugins.versions());
        return new PlannedGame(spec, bound, new Provenance(config.seed(), Seeds.trialPath(config.seed(), spec),
                defText == null ? null : Resources.sha256(defText), spec.scheme(), spec.definition(), spec.variant(), scheme,
                definition, adversaries, model, spec.settings().get(Isolation.COMPONENT), spec.data().name(), spec.data().sha256(),
                List.of(), versions, config.replayFlags()));
    }

    /** The whole audit as the reports render it. */
    public AuditSummary summary(List<GameSummary> games, DataSource data) {
        return new AuditSummary(config.seed(), config.level(), config.settings(), data, games);
    }

    public Config config() {
        return config;
    }
}
