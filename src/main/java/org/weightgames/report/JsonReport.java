package org.weightgames.report;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.weightgames.core.Resources;
import org.weightgames.stats.AuditSummary;
import org.weightgames.stats.GameSummary;
import org.weightgames.stats.InferenceCost;
import org.weightgames.stats.Interval;
import org.weightgames.stats.Measure;
import org.weightgames.stats.Strongest;
import org.weightgames.stats.Summary;
import org.weightgames.stats.WallTime;

/**
 * report.json: deterministic for a seed except its {@code generated} timestamp. One entry per
 * (scheme, definition, adversary) with the numbers of its {@link Summary}, the claim and the
 * provenance ({@link org.weightgames.game.Provenance#toMap}). JSON has no NaN or infinity:
 * those are written as null.
 */
public final class JsonReport {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonReport() {
    }

    public static ObjectNode render(AuditSummary audit, String generated) {
        ObjectNode root = JSON.objectNode();
        ObjectNode tool = root.putObject("tool");
        tool.put("name", "WeightGames");
        tool.put("version", Resources.versions().getProperty("weightgames", "dev"));
        root.put("generated", generated);
        root.put("seed", audit.seed());
        root.put("level", audit.level());
        ObjectNode set = root.putObject("settings");
        new TreeMap<>(audit.settings()).forEach((k, v) -> set.set(k, strings(new TreeMap<>(v))));
        root.put("settings_sha256", Resources.sha256(set.toString()));
        ObjectNode ds = root.putObject("dataset");
        ds.put("name", audit.data().name());
        ds.put("sha256", audit.data().sha256());
        ds.put("origin", audit.data().origin());
        ObjectNode versions = root.putObject("versions");
        // the games' provenance holds the tool's versions and, with plugins, their folders' hashes (the same for every game)
        Map<String, String> v = new TreeMap<>();
        Resources.versions().stringPropertyNames().forEach(k -> v.put(k, Resources.versions().getProperty(k)));
        audit.games().forEach(g -> v.putAll(g.provenance().versions()));
        v.forEach(versions::put);
        ArrayNode all = root.putArray("verdicts");
        for (GameSummary g : audit.games()) {
            all.add(strongest(g));
        }
        ArrayNode arr = root.putArray("results");
        for (GameSummary g : audit.games()) {
            for (Map.Entry<String, Summary> e : g.summaries().entrySet()) {
                arr.add(entry(g, e.getKey(), e.getValue()));
            }
        }
        return root;
    }

    /** A game's verdict against every adversary at once. */
    private static ObjectNode strongest(GameSummary g) {
        Strongest s = g.strongest();
        ObjectNode n = JSON.objectNode();
        n.put("scheme", g.scheme());
        n.put("definition", g.definition());
        if (!g.variant().isEmpty()) {
            n.put("variant", g.variant());
        }
        ArrayNode advs = n.putArray("adversaries");
        s.adversaries().forEach(advs::add);
        n.put("strongest", s.leader());
        n.put("rule", s.rule());
        n.put("trials", s.trials());
        n.put("trials_lost", s.wins());
        n.put("rate", s.advantage());
        n.set("ci", interval(s.ci()));
        n.put("bound", g.bound().value());
        n.put("verdict", s.verdict().label());
        n.put("exact", s.exact());
        if (s.decideAt() != 0) {
            n.put("trials_to_decide", s.decideAt());
        }
        return n;
    }

    private static ObjectNode entry(GameSummary g, String adversary, Summary s) {
        ObjectNode n = JSON.objectNode();
        n.put("scheme", g.scheme());
        n.put("definition", g.definition());
        n.put("adversary", adversary);
        if (!g.variant().isEmpty()) {
            n.put("variant", g.variant());
        }
        n.put("trials", s.trials);
        n.put("wins", s.wins);
        n.put("failures", s.failures);
        n.put("advantage", s.advantage);
        n.put("advantage_formula", g.advantageFormula());
        n.set("ci", interval(s.ci));
        n.set("ci_wilson", interval(s.wilson));
        ObjectNode b = n.putObject("baseline");
        b.put("adversary", g.reference());
        b.put("wins", s.baselineWins);
        b.put("advantage", s.baselineAdvantage);
        b.set("ci", interval(s.baselineCi));
        b.set("measures", measures(s.baselineMeasures));
        ObjectNode ob = n.putObject("over_baseline");
        ob.put("difference", (double) (s.wins - s.baselineWins) / s.trials);
        ob.put("of", "Pr[win] - Pr[baseline win]");
        ob.set("ci", interval(s.overBaseline));
        ob.set("measures", measures(s.overBaselineMeasures));
        ObjectNode claim = n.putObject("claim");
        claim.put("bound", g.bound().value());
        claim.put("statement", g.bound().statement());
        claim.put("source", g.bound().source());
        n.put("verdict", s.verdict.label());
        n.put("exact", s.exact);
        n.put("distinct_releases", s.distinctReleases);
        if (s.clusterCi != null) {
            n.set("cluster_ci", interval(s.clusterCi));
            ArrayNode per = n.putArray("per_release");
            s.perRelease.forEach(c -> per.addObject().put("wins", c[0]).put("trials", c[1]));
        }
        if (s.decideAt != 0) {
            n.put("trials_to_decide", s.decideAt);
        }
        n.set("measures", measures(s.measures));
        n.set("challenger_measures", measures(s.challengerMeasures));
        if (!s.failureExamples.isEmpty()) {
            ArrayNode f = n.putArray("failure_examples");
            s.failureExamples.forEach(f::add);
        }
        n.set("provenance", MAPPER.valueToTree(g.provenance().toMap(adversary)));
        return n;
    }

    /** Each measure: its statistic, value, interval and count (and, for medians, the range seen). */
    static ObjectNode measures(Map<String, Measure> measures) {
        ObjectNode out = JSON.objectNode();
        measures.forEach((k, m) -> {
            ObjectNode n = out.putObject(k);
            n.put("statistic", m.describe());
            number(n, "value", m.value());
            n.set("ci", interval(m.ci()));
            n.put("count", m.count());
            if (m.hasRange()) {
                number(n, "min", m.min());
                number(n, "max", m.max());
            }
        });
        return out;
    }

    static ObjectNode interval(Interval i) {
        ObjectNode n = JSON.objectNode();
        number(n, "level", i.level());
        n.put("method", i.method());
        number(n, "low", i.low());
        number(n, "high", i.high());
        return n;
    }

    static ObjectNode strings(Map<String, String> m) {
        ObjectNode n = JSON.objectNode();
        m.forEach(n::put);
        return n;
    }

    /** JSON has no NaN or infinity: those are written as null. */
    static void number(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }

    /**
     * timing.json, what depends on the machine and its load and so stays out of report.json: each
     * game's wall-clock time in this run, and when TaylorMLP was audited its measured inference
     * cost (null otherwise).
     */
    public static ObjectNode timing(List<WallTime> games, List<InferenceCost> rows, String shape, int repeats) {
        ObjectNode root = JSON.objectNode();
        root.put("what", "wall-clock measurements of this run (machine- and load-dependent, so not in report.json)");
        ArrayNode played = root.putArray("games");
        for (WallTime w : games) {
            played.addObject().put("game", w.game()).put("trials", w.trials()).put("seconds", Math.round(w.seconds() * 1000) / 1000.0);
        }
        if (rows == null || rows.isEmpty()) {
            root.putNull("taylormlp_inference_cost");
            return root;
        }
        ObjectNode cost = root.putObject("taylormlp_inference_cost");
        cost.put("what", "TaylorMLP inference cost against the original block, measured in one run");
        cost.put("shape", shape);
        cost.put("repeats", repeats);
        ArrayNode arr = cost.putArray("orders");
        for (InferenceCost r : rows) {
            ObjectNode n = arr.addObject();
            n.put("order", r.order());
            n.put("original_ms", r.originalMillis());
            n.put("released_over_original", r.released());
            n.put("released_iqr_low", r.releasedP25());
            n.put("released_iqr_high", r.releasedP75());
            n.put("collapse_polynomial_over_original", r.folded());
            n.put("collapse_exact_over_original", r.exact());
            n.put("macs_released_over_original", r.macsReleased());
            n.put("macs_collapse_over_original", r.macsFolded());
        }
        return root;
    }
}
