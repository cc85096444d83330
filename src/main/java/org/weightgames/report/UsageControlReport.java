package org.weightgames.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.weightgames.data.DataSource;
import org.weightgames.stats.GameSummary;
import org.weightgames.stats.Measure;
import org.weightgames.stats.Summary;


/**
 * The usage-control view of an audit: for every {@code uc} game (one per alpha and data fraction),
 * the accuracies of f*, of the locked f^alpha, of f^0 (chance), of the restored network and of each
 * adversary's model beside the scratch reference, the gain over scratch with its interval, and
 * the verdicts; and the plots of advantage against alpha and against the data fraction.
 */
final class UsageControlReport {
    private UsageControlReport() {
    }

    /** One uc game's key numbers. */
    record Row(GameSummary game, double alpha, double fraction) {
    }

    static List<Row> rows(List<GameSummary> results) {
        List<Row> rows = new ArrayList<>();
        for (GameSummary g : results) {
            if (!g.definition().equals("uc")) {
                continue;
            }
            String a = g.provenance().schemeParameters().get("alpha");
            String p = g.provenance().definitionParameters().get("data-fraction");
            rows.add(new Row(g, a == null ? Double.NaN : Double.parseDouble(a), Double.parseDouble(p)));
        }
        return rows;
    }

    static String markdown(List<GameSummary> results, DataSource data) {
        List<Row> rows = rows(results);
        if (rows.isEmpty()) {
            return "";
        }
        Set<String> advs = new LinkedHashSet<>();
        rows.forEach(r -> advs.addAll(r.game().summaries().keySet()));
        StringBuilder md = new StringBuilder("## Usage control at a glance\n\n");
        md.append("Test accuracy (median over trials) of the original f*, the locked release f^α, the random guesser f^0 (1/")
                .append(data.train().classes()).append("), the authorised restoration, each adversary's model and the `scratch` ")
                .append("reference (same data and budget, no locked network). *gain* is the mean paired accuracy difference ")
                .append("adversary − scratch with its bootstrap interval: what holding the locked network is worth. Verdicts are ")
                .append("for Pr[accuracy ≥ acc(f*) − δ] against the claimed bound.\n\n");
        md.append("| scheme | α | p | f* | f^α | f^0 | restored (exact) | scratch |");
        for (String a : advs) {
            md.append(' ').append(a).append(" | gain | verdict |");
        }
        md.append("\n|---|---|---|---|---|---|---|---|");
        md.append("---|---|---|".repeat(advs.size())).append('\n');
        for (Row r : rows) {
            Summary any = r.game().summaries().values().iterator().next();
            Map<String, Measure> ch = any.challengerMeasures;
            md.append("| ").append(r.game().scheme()).append(" | ").append(pct(r.alpha())).append(" | ").append(pct(r.fraction()))
                    .append(" | ").append(acc(ch, "original_accuracy")).append(" | ").append(acc(ch, "locked_accuracy")).append(" | ")
                    .append(ReportWriter.f(1.0 / data.train().classes())).append(" | ").append(acc(ch, "restored_accuracy"))
                    .append(min(ch, "restored_exact") == 1.0 ? " (yes)" : " (**no**)").append(" | ")
                    .append(acc(any.baselineMeasures, "accuracy")).append(" |");
            for (String a : advs) {
                Summary s = r.game().summaries().get(a);
                if (s == null) {
                    md.append(" – | – | – |");
                    continue;
                }
                Measure gain = s.overBaselineMeasures.get("accuracy");
                md.append(' ').append(acc(s.measures, "accuracy")).append(" | ")
                        .append(ReportWriter.f(gain == null ? Double.NaN : gain.value())).append(" [")
                        .append(ReportWriter.f(gain == null ? Double.NaN : gain.ci().low())).append(", ")
                        .append(ReportWriter.f(gain == null ? Double.NaN : gain.ci().high())).append("] | ")
                        .append(s.wins).append('/').append(s.trials).append(" **").append(s.verdict.label()).append("** |");
            }
            md.append('\n');
        }
        md.append('\n');
        return md.toString();
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

    static List<HtmlReport.Plot> plots(List<GameSummary> results) {
        List<Row> rows = rows(results);
        List<HtmlReport.Plot> plots = new ArrayList<>();
        // advantage against alpha with no data, and against the data fraction at the most common alpha
        Map<Double, Row> byAlpha = new TreeMap<>();
        Map<Double, Integer> alphaCount = new TreeMap<>();
        for (Row r : rows) {
            if (r.fraction() == 0) {
                byAlpha.put(r.alpha(), r);
            }
            alphaCount.merge(r.alpha(), 1, Integer::sum);
        }
        if (byAlpha.size() >= 2) {
            plots.add(plot(new ArrayList<>(byAlpha.values()), true, "uc: advantage against alpha (no auxiliary data)",
                    "Each adversary's Pr[accuracy ≥ acc(f*) − δ] with its Clopper–Pearson interval against the share alpha of"
                            + " neurons locked; with no data an adversary can only use the locked network itself.",
                    "alpha (share of neurons in the key)"));
        }
        double common = alphaCount.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(Double.NaN);
        Map<Double, Row> byFraction = new TreeMap<>();
        for (Row r : rows) {
            if (Double.compare(r.alpha(), common) == 0) {
                byFraction.put(r.fraction(), r);
            }
        }
        if (byFraction.size() >= 2) {
            plots.add(plot(new ArrayList<>(byFraction.values()), false, "uc: advantage against the adversary's data fraction",
                    "At alpha " + ReportWriter.f(common) + ": each adversary's advantage with its interval against the share p"
                            + " of the training data it holds, beside the scratch reference.",
                    "p (share of the training data)"));
            plots.add(accuracyPlot(new ArrayList<>(byFraction.values()), common));
        }
        return plots;
    }

    /** Test accuracy against p: f*, f^alpha, each adversary (bootstrap interval) and the scratch reference. */
    private static HtmlReport.Plot accuracyPlot(List<Row> rows, double alpha) {
        double[] x = rows.stream().mapToDouble(Row::fraction).toArray();
        int n = rows.size();
        double[] orig = new double[n];
        double[] locked = new double[n];
        double[] ref = new double[n];
        Map<String, double[][]> series = new LinkedHashMap<>();
        String refName = "reference";
        for (int i = 0; i < n; i++) {
            GameSummary g = rows.get(i).game();
            refName = g.reference();
            for (Map.Entry<String, Summary> e : g.summaries().entrySet()) {
                Measure a = e.getValue().measures.get("accuracy");
                double[][] v = series.computeIfAbsent(e.getKey(), k -> new double[3][n]);
                v[0][i] = a == null ? Double.NaN : a.value();
                v[1][i] = a == null ? Double.NaN : a.ci().low();
                v[2][i] = a == null ? Double.NaN : a.ci().high();
                ref[i] = value(e.getValue().baselineMeasures, "accuracy");
                orig[i] = value(e.getValue().challengerMeasures, "original_accuracy");
                locked[i] = value(e.getValue().challengerMeasures, "locked_accuracy");
            }
        }
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(new Charts.Line("original f*", orig, null, null));
        lines.add(new Charts.Line("locked f^alpha", locked, null, null));
        series.forEach((k, v) -> lines.add(new Charts.Line(k, v[0], v[1], v[2])));
        lines.add(new Charts.Line(refName + " (no locked network)", ref, null, null));
        String title = "uc: test accuracy against the adversary's data fraction";
        return new HtmlReport.Plot(title, "At alpha " + ReportWriter.f(alpha) + ": median test accuracy over trials (adversaries with"
                + " their bootstrap interval). The distance between an adversary and " + refName + " is what the locked release"
                + " is worth to it.", Charts.png(title, "p (share of the training data)", "test accuracy", x, lines, false));
    }

    private static HtmlReport.Plot plot(List<Row> rows, boolean alpha, String title, String caption, String xTitle) {
        double[] x = rows.stream().mapToDouble(r -> alpha ? r.alpha() : r.fraction()).toArray();
        Map<String, double[][]> series = new LinkedHashMap<>();
        double[] ref = new double[rows.size()];
        String refName = "reference";
        for (int i = 0; i < rows.size(); i++) {
            GameSummary g = rows.get(i).game();
            refName = g.reference();
            for (Map.Entry<String, Summary> e : g.summaries().entrySet()) {
                double[][] v = series.computeIfAbsent(e.getKey(), k -> new double[3][rows.size()]);
                v[0][i] = e.getValue().advantage;
                v[1][i] = e.getValue().ci.low();
                v[2][i] = e.getValue().ci.high();
                ref[i] = e.getValue().baselineAdvantage;
            }
        }
        List<Charts.Line> lines = new ArrayList<>();
        series.forEach((k, v) -> lines.add(new Charts.Line(k, v[0], v[1], v[2])));
        lines.add(new Charts.Line(refName, ref, null, null));
        return new HtmlReport.Plot(title, caption, Charts.png(title, xTitle, "advantage", x, lines, false));
    }
}
