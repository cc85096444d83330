package org.weightgames.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.weightgames.data.DataSource;
import org.weightgames.stats.GameSummary;
import org.weightgames.stats.Summary;


/** One game played over the values of one parameter: sweep.json, the plot and the table of each adversary's advantage. */
public final class SweepReport {
    private final String parameter;
    private final List<String> values;
    private final double[] x;
    private final List<GameSummary> results;

    public SweepReport(String parameter, List<String> values, double[] x, List<GameSummary> results) {
        this.parameter = parameter;
        this.values = values;
        this.x = x;
        this.results = results;
    }

    private Set<String> adversaries() {
        Set<String> a = new LinkedHashSet<>();
        results.forEach(r -> a.addAll(r.summaries().keySet()));
        return a;
    }

    public ObjectNode json(long seed, DataSource data, String generated) {
        ObjectNode root = JsonReport.JSON.objectNode();
        root.put("generated", generated);
        root.put("seed", seed);
        root.put("dataset", data.name());
        root.put("dataset_sha256", data.sha256());
        root.put("scheme", results.get(0).scheme());
        root.put("definition", results.get(0).definition());
        root.put("parameter", parameter);
        ArrayNode points = root.putArray("points");
        for (int i = 0; i < values.size(); i++) {
            ObjectNode p = points.addObject();
            p.put("value", values.get(i).trim());
            for (var e : results.get(i).summaries().entrySet()) {
                Summary s = e.getValue();
                ObjectNode a = p.putObject(e.getKey());
                a.put("trials", s.trials);
                a.put("wins", s.wins);
                a.put("advantage", s.advantage);
                a.set("ci", JsonReport.interval(s.ci));
                a.put("baseline_advantage", s.baselineAdvantage);
                a.put("verdict", s.verdict.label());
                a.set("measures", JsonReport.measures(s.measures));
            }
        }
        return root;
    }

    public HtmlReport.Plot plot() {
        List<Charts.Line> lines = new ArrayList<>();
        double[] base = new double[x.length];
        for (String adv : adversaries()) {
            double[] y = new double[x.length];
            double[] lo = new double[x.length];
            double[] hi = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                Summary s = results.get(i).summaries().get(adv);
                y[i] = s.advantage;
                lo[i] = s.ci.low();
                hi[i] = s.ci.high();
                base[i] = s.baselineAdvantage;
            }
            lines.add(new Charts.Line(adv, y, lo, hi));
        }
        lines.add(new Charts.Line("baseline", base, null, null));
        double min = java.util.Arrays.stream(x).min().orElse(1);
        double max = java.util.Arrays.stream(x).max().orElse(1);
        boolean log = min > 0 && max / min >= 100;
        String game = results.get(0).scheme() + " / " + results.get(0).definition();
        return new HtmlReport.Plot("Advantage against " + parameter + " (" + game + ")",
                "Each point plays " + results.get(0).trials() + " trials; dashed lines are the 95% Clopper–Pearson interval.",
                Charts.svg(game + ": advantage against " + parameter, parameter, "advantage", x, lines, log));
    }

    public String table() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            for (var e : results.get(i).summaries().entrySet()) {
                Summary s = e.getValue();
                sb.append(String.format(Locale.ROOT, "%s=%-8s %-18s %3d/%-3d advantage %.3f CI [%.3f, %.3f] -> %s%n", parameter,
                        values.get(i).trim(), e.getKey(), s.wins, s.trials, s.advantage, s.ci.low(), s.ci.high(), s.verdict.label()));
            }
        }
        return sb.toString();
    }
}
