package org.weightgames.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.weightgames.data.DataSource;
import org.weightgames.stats.GameSummary;
import org.weightgames.stats.Measure;
import org.weightgames.stats.Summary;


/**
 * The usage-control view of an audit, per scheme and model family: the locking curve (f* and the
 * locked f^alpha against alpha with no adversary data, beside the random-removal control and f^0)
 * and the restoration curve (each adversary's accuracy against its data fraction p at one alpha,
 * beside the scratch reference, with the gain over scratch, the verdicts and the smallest p at
 * which each reaches acc(f*) - delta); and the plots of both.
 */
final class UsageControlReport {
    private UsageControlReport() {
    }

    /** One uc game's key numbers. */
    record Row(GameSummary game, double alpha, double fraction, int epochs) {
        Summary any() {
            return game.summaries().values().iterator().next();
        }

        double challenger(String key) {
            return value(any().challengerMeasures, key);
        }
    }

    /** The uc games of one scheme on one model family: its locking curve and its restoration curve. */
    record Family(String scheme, String model, List<Row> locking, List<Row> restoration, double restorationAlpha, List<Row> compute) {
        String title() {
            return scheme + " on " + model;
        }
    }

    static List<Row> rows(List<GameSummary> results) {
        List<Row> rows = new ArrayList<>();
        for (GameSummary g : results) {
            if (!g.definition().equals("uc")) {
                continue;
            }
            String a = g.provenance().schemeParameters().get("alpha");
            String p = g.provenance().definitionParameters().get("data-fraction");
            String e = g.provenance().definitionParameters().getOrDefault("epochs", "0");
            rows.add(new Row(g, a == null ? Double.NaN : Double.parseDouble(a), Double.parseDouble(p), Integer.parseInt(e)));
        }
        return rows;
    }

    /** The rows grouped by scheme and model family, each with its curves sorted by alpha and by p. */
    static List<Family> families(List<GameSummary> results) {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows(results)) {
            String model = r.game().provenance().modelParameters().getOrDefault("arch", "?");
            // a scheme setting that changes what the lock is (CoreLocker's key or selection rule) is a family of its own
            for (String k : new String[] {"key", "selection"}) {
                String v = r.game().provenance().schemeParameters().get(k);
                model += v == null ? "" : ", " + k + " " + v;
            }
            groups.computeIfAbsent(r.game().scheme() + "\u0000" + model, k -> new ArrayList<>()).add(r);
        }
        List<Family> out = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : groups.entrySet()) {
            String[] key = e.getKey().split("\u0000");
            Map<Double, Row> locking = new TreeMap<>();
            Map<Double, Integer> count = new TreeMap<>();
            for (Row r : e.getValue()) {
                if (r.fraction() == 0) {
                    locking.put(r.alpha(), r);
                }
                count.merge(r.alpha(), 1, Integer::sum);
            }
            // the restoration curve is drawn at the alpha with the most games (ties: the larger alpha)
            double common = Double.NaN;
            int most = 0;
            for (Map.Entry<Double, Integer> c : count.entrySet()) {
                if (c.getValue() >= most) {
                    most = c.getValue();
                    common = c.getKey();
                }
            }
            // the restoration curve at the budget most games were played with; the compute axis where one p has several budgets
            Map<Integer, Integer> budgets = new TreeMap<>();
            Map<Double, Set<Integer>> budgetsAt = new TreeMap<>();
            for (Row r : e.getValue()) {
                if (Double.compare(r.alpha(), common) == 0 && r.fraction() > 0) {
                    budgets.merge(r.epochs(), 1, Integer::sum);
                    budgetsAt.computeIfAbsent(r.fraction(), k -> new TreeSet<>()).add(r.epochs());
                }
            }
            int usual = budgets.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(0);
            Map<Double, Row> restoration = new TreeMap<>();
            Map<Integer, Row> compute = new TreeMap<>();
            boolean withData = false;
            for (Row r : e.getValue()) {
                if (Double.compare(r.alpha(), common) == 0 && (r.fraction() == 0 || r.epochs() == usual)) {
                    restoration.put(r.fraction(), r);
                    withData |= r.fraction() > 0;
                }
                if (Double.compare(r.alpha(), common) == 0 && r.fraction() > 0 && budgetsAt.get(r.fraction()).size() > 1) {
                    compute.put(r.epochs(), r);
                }
            }
            out.add(new Family(key[0], key[1], new ArrayList<>(locking.values()),
                    withData ? new ArrayList<>(restoration.values()) : List.of(), common, new ArrayList<>(compute.values())));
        }
        return out;
    }

    static String markdown(List<GameSummary> results, DataSource data) {
        List<Family> families = families(results);
        if (families.isEmpty()) {
            return "";
        }
        double chance = 1.0 / data.train().classes();
        StringBuilder md = new StringBuilder("## Usage control at a glance\n\n");
        md.append("Test accuracy (median over trials) of the original f*, the locked release f^α, the same number of units ")
                .append("removed at random (*random*: the control that shows whether the ranking is what makes the lock bite), ")
                .append("the random guesser f^0 (").append(ReportWriter.f(chance)).append("), the authorised restoration, ")
                .append("each adversary's model and the `scratch` reference (same data and budget, no locked network). The lock ")
                .append("*bites* when f^α is at most halfway between f^0 and f*. *gain* is the mean paired accuracy difference ")
                .append("adversary − scratch with its bootstrap interval: what holding the locked network is worth. Verdicts are ")
                .append("for the game's win condition against the claimed bound.\n\n");
        for (Family fam : families) {
            md.append("### ").append(fam.title()).append("\n\n");
            Row first = fam.locking().isEmpty() ? fam.restoration().get(0) : fam.locking().get(0);
            md.append("f* test accuracy ").append(ReportWriter.f(first.challenger("original_accuracy")));
            double share = first.challenger("original_gamma_top1_share");
            if (!Double.isNaN(share)) {
                md.append("; the top 1% of its batch-norm scales hold ").append(ReportWriter.f(share))
                        .append(" of the total |γ| (the concentration the lock relies on)");
            }
            md.append(".\n\n");
            if (!fam.locking().isEmpty()) {
                locking(md, fam, chance);
            }
            if (!fam.restoration().isEmpty()) {
                restoration(md, fam, chance);
            }
            if (!fam.compute().isEmpty()) {
                compute(md, fam);
            }
        }
        return md.toString();
    }

    private static void locking(StringBuilder md, Family fam, double chance) {
        Set<String> advs = adversaries(fam.locking());
        md.append("**Locking curve** (no adversary data: the best an adversary can do is use f^α):\n\n");
        md.append("| α | removed | f* | f^α | random | f^0 | bites | restored (exact) |");
        advs.forEach(a -> md.append(' ').append(a).append(" |"));
        md.append("\n|---|---|---|---|---|---|---|---|").append("---|".repeat(advs.size())).append('\n');
        for (Row r : fam.locking()) {
            double orig = r.challenger("original_accuracy");
            double locked = r.challenger("locked_accuracy");
            double removed = r.challenger("release_removed_units");
            md.append("| ").append(pct(r.alpha())).append(" | ").append(Double.isNaN(removed) ? "–"
                    : (long) removed + " of " + (long) r.challenger("release_candidate_units") + (removed == 0 ? " (none: f^α is f*)" : ""))
                    .append(" | ").append(ReportWriter.f(orig)).append(" | ")
                    .append(ReportWriter.f(locked)).append(" | ").append(ReportWriter.f(r.challenger("random_locked_accuracy")))
                    .append(" | ").append(ReportWriter.f(chance)).append(" | ").append(bites(locked, orig, chance) ? "yes" : "no")
                    .append(" | ").append(ReportWriter.f(r.challenger("restored_accuracy")))
                    .append(min(r.any().challengerMeasures, "restored_exact") == 1.0 ? " (yes)" : " (**no**)").append(" |");
            for (String a : advs) {
                Summary s = r.game().summaries().get(a);
                md.append(' ').append(s == null ? "–" : s.wins + "/" + s.trials + " **" + s.verdict.label() + "**").append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private static void restoration(StringBuilder md, Family fam, double chance) {
        Set<String> advs = adversaries(fam.restoration());
        Row first = fam.restoration().get(0);
        double orig = first.challenger("original_accuracy");
        double locked = first.challenger("locked_accuracy");
        String delta = first.game().provenance().definitionParameters().getOrDefault("delta", "0.02");
        double target = orig - Double.parseDouble(delta);
        md.append("**Restoration curve** at α = ").append(pct(fam.restorationAlpha())).append(" (f^α ")
                .append(ReportWriter.f(locked)).append(bites(locked, orig, chance) ? ": the lock bites" : ": the lock does not bite")
                .append("); each adversary's accuracy with its bootstrap interval, gain over scratch, wins:\n\n");
        md.append("| p | scratch |");
        advs.forEach(a -> md.append(' ').append(a).append(" | gain | verdict |"));
        md.append("\n|---|---|").append("---|---|---|".repeat(advs.size())).append('\n');
        Map<String, Double> reached = new LinkedHashMap<>();
        for (Row r : fam.restoration()) {
            md.append("| ").append(pct(r.fraction())).append(" | ").append(acc(r.any().baselineMeasures, "accuracy")).append(" |");
            for (String a : advs) {
                Summary s = r.game().summaries().get(a);
                if (s == null) {
                    md.append(" – | – | – |");
                    continue;
                }
                Measure m = s.measures.get("accuracy");
                Measure gain = s.overBaselineMeasures.get("accuracy");
                md.append(' ').append(interval(m)).append(" | ").append(interval(gain)).append(" | ").append(s.wins).append('/')
                        .append(s.trials).append(" **").append(s.verdict.label()).append("** |");
                if (m != null && m.value() >= target) {
                    reached.putIfAbsent(a, r.fraction());
                }
            }
            if (value(r.any().baselineMeasures, "accuracy") >= target) {
                reached.putIfAbsent(first.game().reference(), r.fraction());
            }
            md.append('\n');
        }
        md.append("\nSmallest p at which the median accuracy reaches acc(f*) − δ = ").append(ReportWriter.f(target)).append(": ");
        List<String> parts = new ArrayList<>();
        for (String a : advs) {
            parts.add("`" + a + "` " + (reached.containsKey(a) ? pct(reached.get(a)) : "none up to " + pct(last(fam).fraction())));
        }
        String ref = first.game().reference();
        parts.add("`" + ref + "` " + (reached.containsKey(ref) ? pct(reached.get(ref)) : "none up to " + pct(last(fam).fraction())));
        md.append(String.join(", ", parts)).append(".\n\n");
    }

    /** Each adversary's accuracy against the compute budget E at one p: whether a lock holds only because nothing could train. */
    private static void compute(StringBuilder md, Family fam) {
        Set<String> advs = adversaries(fam.compute());
        Row first = fam.compute().get(0);
        md.append("**Restoration against compute** at α = ").append(pct(fam.restorationAlpha())).append(", p = ")
                .append(pct(first.fraction())).append(": accuracy against E, the passes over the adversary's data it may spend")
                .append(" (tuning included), with the scratch reference spending the same:\n\n");
        md.append("| E | scratch |");
        advs.forEach(a -> md.append(' ').append(a).append(" | gain | verdict |"));
        md.append("\n|---|---|").append("---|---|---|".repeat(advs.size())).append('\n');
        for (Row r : fam.compute()) {
            md.append("| ").append(r.epochs()).append(" | ").append(acc(r.any().baselineMeasures, "accuracy")).append(" |");
            for (String a : advs) {
                Summary s = r.game().summaries().get(a);
                md.append(s == null ? " – | – | – |" : " " + interval(s.measures.get("accuracy")) + " | "
                        + interval(s.overBaselineMeasures.get("accuracy")) + " | " + s.wins + "/" + s.trials + " **" + s.verdict.label() + "** |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private static Row last(Family fam) {
        return fam.restoration().get(fam.restoration().size() - 1);
    }

    private static Set<String> adversaries(List<Row> rows) {
        Set<String> advs = new LinkedHashSet<>();
        rows.forEach(r -> advs.addAll(r.game().summaries().keySet()));
        return advs;
    }

    /** f^alpha at most halfway between f^0 and f*. */
    static boolean bites(double locked, double original, double chance) {
        return locked <= (original + chance) / 2;
    }

    private static String interval(Measure m) {
        return m == null ? "–" : ReportWriter.f(m.value()) + " [" + ReportWriter.f(m.ci().low()) + ", " + ReportWriter.f(m.ci().high()) + "]";
    }

    private static String acc(Map<String, Measure> measures, String key) {
        return ReportWriter.f(value(measures, key));
    }

    private static double value(Map<String, Measure> measures, String key) {
        Measure m = measures.get(key);
        return m == null ? Double.NaN : m.value();
    }

    /** The smallest value a measure took (0 when no trial measured it, as the report has always read it). */
    private static double min(Map<String, Measure> measures, String key) {
        Measure m = measures.get(key);
        return m == null || Double.isNaN(m.min()) ? 0 : m.min();
    }

    private static String pct(double x) {
        return Double.isNaN(x) ? "–"
                : new java.math.BigDecimal(100 * x).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString() + "%";
    }

    static List<HtmlReport.Plot> plots(List<GameSummary> results, DataSource data) {
        List<HtmlReport.Plot> plots = new ArrayList<>();
        double chance = 1.0 / data.train().classes();
        for (Family fam : families(results)) {
            if (fam.locking().size() >= 2) {
                plots.add(lockingPlot(fam, chance));
            }
            if (fam.restoration().size() >= 2) {
                plots.add(restorationPlot(fam, chance, fam.restoration(), false));
            }
            if (fam.compute().size() >= 2) {
                plots.add(restorationPlot(fam, chance, fam.compute(), true));
            }
        }
        return plots;
    }

    /** f*, f^alpha, the random-removal control and f^0 against alpha. */
    private static HtmlReport.Plot lockingPlot(Family fam, double chance) {
        List<Row> rows = fam.locking();
        double[] x = rows.stream().mapToDouble(Row::alpha).toArray();
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(new Charts.Line("original f*", column(rows, "original_accuracy"), null, null));
        lines.add(new Charts.Line("locked f^alpha (largest |gamma|)", column(rows, "locked_accuracy"), null, null));
        double[] random = column(rows, "random_locked_accuracy");
        if (!java.util.Arrays.stream(random).allMatch(Double::isNaN)) {
            lines.add(new Charts.Line("as many units removed at random", random, null, null));
        }
        lines.add(new Charts.Line("f^0 (chance)", constant(rows.size(), chance), null, null));
        String title = "uc, " + fam.title() + ": the locking curve";
        return new HtmlReport.Plot(title, "Median test accuracy over trials of the original, the locked release and the random-removal"
                + " control against the share alpha of units locked. The lock works where f^alpha falls to f^0 while removing as"
                + " many random units does not.", Charts.svg(title, "alpha (share of units in the key)", "test accuracy", x, lines,
                        false));
    }

    /** Each adversary's accuracy (bootstrap interval) and the scratch reference against p, with f* and f^alpha. */
    private static HtmlReport.Plot restorationPlot(Family fam, double chance, List<Row> rows, boolean byCompute) {
        int n = rows.size();
        double[] x = rows.stream().mapToDouble(r -> byCompute ? r.epochs() : r.fraction()).toArray();
        double[] ref = new double[n];
        Map<String, double[][]> series = new LinkedHashMap<>();
        String refName = rows.get(0).game().reference();
        for (int i = 0; i < n; i++) {
            for (Map.Entry<String, Summary> e : rows.get(i).game().summaries().entrySet()) {
                Measure a = e.getValue().measures.get("accuracy");
                double[][] v = series.computeIfAbsent(e.getKey(), k -> {
                    double[][] empty = new double[3][n];
                    for (double[] row : empty) {
                        java.util.Arrays.fill(row, Double.NaN);
                    }
                    return empty;
                });
                v[0][i] = a == null ? Double.NaN : a.value();
                v[1][i] = a == null ? Double.NaN : a.ci().low();
                v[2][i] = a == null ? Double.NaN : a.ci().high();
                ref[i] = value(e.getValue().baselineMeasures, "accuracy");
            }
        }
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(new Charts.Line("original f*", column(rows, "original_accuracy"), null, null));
        lines.add(new Charts.Line("locked f^alpha", column(rows, "locked_accuracy"), null, null));
        series.forEach((k, v) -> lines.add(new Charts.Line(k, v[0], v[1], v[2])));
        lines.add(new Charts.Line(refName + " (no locked network)", ref, null, null));
        lines.add(new Charts.Line("f^0 (chance)", constant(n, chance), null, null));
        String title = "uc, " + fam.title() + (byCompute ? ": restoration against compute" : ": the restoration curve");
        String against = byCompute ? "the passes E over its data the adversary may spend (p " + pct(rows.get(0).fraction()) + ")"
                : "the share p of the training data the adversary holds";
        return new HtmlReport.Plot(title, "At alpha " + pct(fam.restorationAlpha()) + ": median test accuracy over trials against "
                + against + " (adversaries with their bootstrap interval). The distance between an adversary and " + refName
                + " is what the locked release is worth to it.", Charts.svg(title, byCompute ? "E (passes over the adversary's data)"
                        : "p (share of the training data)", "test accuracy", x, lines, false));
    }

    private static double[] column(List<Row> rows, String key) {
        return rows.stream().mapToDouble(r -> r.challenger(key)).toArray();
    }

    private static double[] constant(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }
}
