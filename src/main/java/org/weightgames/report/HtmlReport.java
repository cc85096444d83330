package org.weightgames.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.weightgames.core.Resources;
import org.weightgames.stats.GameSummary;
import org.weightgames.stats.InferenceCost;
import org.weightgames.stats.Summary;


/**
 * report.html: one self-contained file (styles inline, plots as data URIs, no network) with the
 * verdict table, the definitions' pseudo-code and the plots. On load it counts the plots that
 * decoded and writes the count to {@code body[data-charts-loaded]}, which the browser check reads.
 */
public final class HtmlReport {
    /** A titled plot. */
    public record Plot(String title, String caption, String dataUri) {
    }

    private HtmlReport() {
    }

    public static String render(String title, String intro, List<GameSummary> results, List<Plot> plots) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n");
        h.append("<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left}")
                .append("th{background:#eee}.broken{color:#b00;font-weight:bold}.holds{color:#070;font-weight:bold}")
                .append(".inconclusive{color:#a60;font-weight:bold}pre{background:#f6f6f6;padding:.8em;overflow-x:auto}")
                .append("img.chart{max-width:100%;border:1px solid #ddd}table.wide{width:100%}td{overflow-wrap:break-word;vertical-align:top}")
                .append("small{color:#555}.card{border:1px solid #ccc;border-radius:6px;padding:.2em 1em;margin:1em 0}")
                .append(".card ul{padding-left:1.2em}.card li{margin:.4em 0}.src{color:#444;font-size:.9em}")
                .append(".badge{display:inline-block;min-width:6.5em;text-align:center;border-radius:4px;padding:0 .4em;color:#fff;font-size:.85em}")
                .append(".badge.broken{background:#b00}.badge.holds{background:#070}.badge.inconclusive{background:#a60}")
                .append("</style></head>\n<body data-charts=\"")
                .append(plots.size()).append("\" data-charts-loaded=\"pending\">\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n<p>").append(esc(intro)).append("</p>\n");
        if (!results.isEmpty()) {
            h.append(FindingsReport.html(results));
            h.append(StrongestReport.html(results));
            h.append("<h2>Verdicts per adversary</h2>\n<table><tr><th>scheme</th><th>definition</th><th>adversary</th><th>wins / trials</th>")
                    .append("<th>advantage</th><th>95% CI (Clopper&ndash;Pearson)</th><th>baseline</th><th>claimed bound</th><th>verdict</th></tr>\n");
            for (GameSummary g : results) {
                boolean first = true;
                for (Map.Entry<String, Summary> e : g.summaries().entrySet()) {
                    Summary s = e.getValue();
                    h.append(first ? "<tr id=\"" + anchor(g) + "\"><td>" : "<tr><td>");
                    first = false;
                    h.append("").append(esc(g.scheme())).append("</td><td>").append(esc(g.definitionLabel()))
                            .append("</td><td>").append(esc(e.getKey())).append("</td><td>").append(s.wins).append(" / ").append(s.trials)
                            .append("</td><td>").append(ReportWriter.f(s.advantage)).append("</td><td>[").append(ReportWriter.f(s.ci.low()))
                            .append(", ").append(ReportWriter.f(s.ci.high())).append("]</td><td>").append(ReportWriter.f(s.baselineAdvantage))
                            .append("</td><td>").append(ReportWriter.f(g.bound().value())).append("</td><td class=\"").append(s.verdict.label())
                            .append("\">").append(s.verdict.label()).append("</td></tr>\n");
                }
            }
            h.append("</table>\n");
            h.append(CorrectnessReport.html(results));
        }
        for (Plot p : plots) {
            h.append("<h2>").append(esc(p.title())).append("</h2>\n<p>").append(esc(p.caption())).append("</p>\n<img class=\"chart\" alt=\"")
                    .append(esc(p.title())).append("\" src=\"").append(p.dataUri()).append("\">\n");
        }
        Set<String> defs = new LinkedHashSet<>();
        results.forEach(g -> defs.add(g.definition()));
        if (!defs.isEmpty()) {
            h.append("<h2>Definitions</h2>\n");
            for (String d : defs) {
                String text = Resources.text("definitions/" + d + ".md");
                if (text != null) {
                    h.append("<h3>").append(esc(d)).append("</h3>\n<pre>").append(esc(text)).append("</pre>\n");
                }
            }
        }
        h.append("<script>window.addEventListener('load',function(){var n=0;document.querySelectorAll('img.chart')")
                .append(".forEach(function(i){if(i.complete&&i.naturalWidth>0)n++;});document.body.dataset.chartsLoaded=n;});</script>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    /**
     * The audit's plots: usage control's locking and restoration curves when uc was played over
     * alpha and the data fraction, and measured TaylorMLP cost against N when timing was measured.
     */
    public static List<Plot> auditPlots(List<GameSummary> results, org.weightgames.data.DataSource data, List<InferenceCost> timing,
            String shape) {
        List<Plot> plots = new ArrayList<>(UsageControlReport.plots(results, data));
        if (timing == null || timing.isEmpty()) {
            return plots;
        }
        double[] n = timing.stream().mapToDouble(InferenceCost::order).toArray();
        List<Charts.Line> lines = List.of(
                new Charts.Line("released / original (time)", timing.stream().mapToDouble(InferenceCost::released).toArray(),
                        timing.stream().mapToDouble(InferenceCost::releasedP25).toArray(),
                        timing.stream().mapToDouble(InferenceCost::releasedP75).toArray()),
                new Charts.Line("released / original (MACs)", timing.stream().mapToDouble(InferenceCost::macsReleased).toArray(), null, null),
                new Charts.Line("taylor-collapse (polynomial) / original", timing.stream().mapToDouble(InferenceCost::folded).toArray(), null, null),
                new Charts.Line("taylor-collapse (exact) / original", timing.stream().mapToDouble(InferenceCost::exact).toArray(), null, null));
        plots.add(new Plot("TaylorMLP inference cost against the order N",
                "Measured in one run on a " + shape + " block; dashed lines are the interquartile range of the repeats.",
                Charts.png("Cost relative to the original block", "Taylor order N", "ratio to original", n, lines, false)));
        return plots;
    }

    /** The id of a game's first row in the per-adversary table, which the findings link to. */
    static String anchor(GameSummary g) {
        return ("g-" + g.scheme() + "-" + g.definition() + (g.variant().isEmpty() ? "" : "-" + g.variant()))
                .replaceAll("[^A-Za-z0-9_-]", "_");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
