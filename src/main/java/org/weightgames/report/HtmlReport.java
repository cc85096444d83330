package org.weightgames.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.weightgames.core.Resources;
import org.weightgames.data.DataSource;
import org.weightgames.stats.GameSummary;
import org.weightgames.stats.InferenceCost;


/**
 * report.html: one self-contained file (styles inline, plots as inline SVG, no network). It opens
 * with the findings and the verdicts against every adversary, then the summary tables and the
 * plots; the evidence follows under Details, one collapsed section per scheme and in it one per
 * game, and the definitions, all rendered from their Markdown. The page fits its window: wide
 * tables scroll in their own box. On load it opens the sections a link points into, counts the
 * plots that drew ({@code body[data-charts-loaded]}) and records the page's width
 * ({@code body[data-scroll-width]}), which the browser check reads.
 */
public final class HtmlReport {
    /** A titled plot: its caption and the chart as an {@code <svg>} element. */
    public record Plot(String title, String caption, String svg) {
    }

    private static final String STYLE = "body{font-family:sans-serif;max-width:64em;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}"
            + "table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left;vertical-align:top}"
            + "th{background:#eee}.scroll{overflow-x:auto;max-width:100%}td,li,p{overflow-wrap:anywhere}"
            + ".broken{color:#b00;font-weight:bold}.holds{color:#070;font-weight:bold}.inconclusive{color:#a60;font-weight:bold}"
            + "pre{background:#f6f6f6;padding:.8em;overflow-x:auto}code{overflow-wrap:anywhere}"
            + "figure.chart{margin:1em 0}figure.chart svg{max-width:100%;height:auto}figcaption{color:#444;font-size:.9em}"
            + "small{color:#555}.card{border:1px solid #ccc;border-radius:6px;padding:.2em 1em;margin:1em 0}"
            + ".card ul{padding-left:1.2em}.card li{margin:.4em 0}.src{color:#444;font-size:.9em}"
            + ".badge{display:inline-block;min-width:6.5em;text-align:center;border-radius:4px;padding:0 .4em;color:#fff;font-size:.85em}"
            + ".pill{display:inline-block;border-radius:4px;padding:0 .35em;margin:.1em 0;color:#fff;font-size:.8em;white-space:nowrap}"
            + ".pill.broken{background:#b00}.pill.holds{background:#070}.pill.inconclusive{background:#a60}table.matrix td{text-align:center}"
            + "table.matrix td:first-child{text-align:left}"
            + ".badge.broken{background:#b00}.badge.holds{background:#070}.badge.inconclusive{background:#a60}"
            + "details{margin:.4em 0}details>summary{cursor:pointer;padding:.2em 0}details.scheme{border-top:1px solid #ccc;padding-top:.3em}"
            + "details.scheme>summary{font-size:1.15em;font-weight:bold}details.game,details.note{margin-left:1em}"
            + "details.game>div,details.note>div,details.definition>div{margin-left:1em}";

    private static final String SCRIPT = "function wgOpen(){var h=location.hash;if(!h)return;var t=document.getElementById(decodeURIComponent(h.slice(1)));"
            + "for(var e=t;e;e=e.parentElement){if(e.tagName==='DETAILS')e.open=true;}if(t)t.scrollIntoView();}"
            + "window.addEventListener('hashchange',wgOpen);window.addEventListener('load',function(){wgOpen();var n=0;"
            + "document.querySelectorAll('figure.chart svg').forEach(function(s){try{if(s.getBBox().width>0)n++;}catch(x){}});"
            + "document.body.dataset.chartsLoaded=n;document.body.dataset.scrollWidth=document.documentElement.scrollWidth;});";

    private HtmlReport() {
    }

    /**
     * The page for {@code results} (an audit; empty for a sweep, which has only its plot), with
     * {@code tablesMarkdown} (the summary tables of {@link MarkdownReport#tables}) under the verdicts.
     */
    public static String render(String title, String intro, List<GameSummary> results, List<Plot> plots, String tablesMarkdown) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>").append(esc(title))
                .append("</title>\n<style>").append(STYLE).append("</style></head>\n<body data-charts=\"").append(plots.size())
                .append("\" data-charts-loaded=\"pending\">\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n<p>").append(esc(intro)).append("</p>\n");
        List<FindingsReport.Card> cards = results.isEmpty() ? List.of() : FindingsReport.cards(results);
        if (!results.isEmpty()) {
            h.append(FindingsReport.html(results, cards));
            h.append(StrongestReport.html(results));
            h.append("<p>").append(MarkdownHtml.render(MarkdownReport.VERDICTS, 0).replace("<p>", "").replace("</p>", "").trim())
                    .append("</p>\n");
            h.append(CorrectnessReport.html(results));
        }
        if (tablesMarkdown != null && !tablesMarkdown.isEmpty()) {
            h.append(MarkdownHtml.render(tablesMarkdown, 0));
        }
        if (!plots.isEmpty()) {
            h.append("<h2 id=\"plots\">Plots</h2>\n");
            for (Plot p : plots) {
                h.append("<figure class=\"chart\"><h3>").append(esc(p.title())).append("</h3>\n").append(p.svg())
                        .append("\n<figcaption>").append(esc(p.caption())).append("</figcaption></figure>\n");
            }
        }
        if (!results.isEmpty()) {
            details(h, results, cards);
            definitions(h, results);
        }
        h.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
        return h.toString();
    }

    /** Per scheme (in the findings' order) a collapsed section with its notes and, per game, the game's evidence. */
    private static void details(StringBuilder h, List<GameSummary> results, List<FindingsReport.Card> cards) {
        h.append("<h2 id=\"details\">Details</h2>\n<p>Per scheme and game: the claim, one row per adversary, each adversary's ")
                .append("measures with their intervals and the command that replays it. Every trial is in report.json.</p>\n");
        Map<String, List<GameSummary>> byScheme = new LinkedHashMap<>();
        for (FindingsReport.Card c : cards) {
            byScheme.put(c.scheme(), new ArrayList<>());
        }
        results.forEach(g -> byScheme.get(g.scheme()).add(g));
        for (FindingsReport.Card c : cards) {
            h.append("<details class=\"scheme\" id=\"d-").append(esc(c.scheme())).append("\"><summary>").append(esc(c.name()))
                    .append(" <small>").append(c.tally()).append("</small></summary>\n");
            String notes = Resources.text("schemes/" + c.scheme() + ".md");
            if (notes != null) {
                h.append("<details class=\"note\"><summary>Scheme notes (schemes/").append(esc(c.scheme())).append(".md)</summary><div>\n")
                        .append(MarkdownHtml.render(notes, 2)).append("</div></details>\n");
            }
            for (GameSummary g : byScheme.get(c.scheme())) {
                String v = g.strongest().verdict().label();
                h.append("<details class=\"game\" id=\"").append(anchor(g)).append("\"><summary><span class=\"badge ").append(v)
                        .append("\">").append(v).append("</span> <b>").append(esc(g.definition())).append("</b>");
                if (!g.variant().isEmpty()) {
                    h.append(" <small>").append(esc(g.variant().replace(",", ", "))).append("</small>");
                }
                h.append("</summary><div>\n").append(MarkdownHtml.render(MarkdownReport.gameDetails(g), 0)).append("</div></details>\n");
            }
            h.append("</details>\n");
        }
    }

    private static void definitions(StringBuilder h, List<GameSummary> results) {
        Set<String> defs = new LinkedHashSet<>();
        results.forEach(g -> defs.add(g.definition()));
        h.append("<h2 id=\"definitions\">Definitions</h2>\n");
        for (String d : defs) {
            String text = Resources.text("definitions/" + d + ".md");
            if (text != null) {
                h.append("<details class=\"definition\" id=\"def-").append(esc(d)).append("\"><summary><b>").append(esc(d))
                        .append("</b> (definitions/").append(esc(d)).append(".md)</summary><div>\n").append(MarkdownHtml.render(text, 2))
                        .append("</div></details>\n");
            }
        }
    }

    /**
     * The audit's plots: usage control's locking and restoration curves when uc was played over
     * alpha and the data fraction, and measured TaylorMLP cost against N when timing was measured.
     */
    public static List<Plot> auditPlots(List<GameSummary> results, DataSource data, List<InferenceCost> timing,
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
                Charts.svg("Cost relative to the original block", "Taylor order N", "ratio to original", n, lines, false)));
        return plots;
    }

    /** The id of a game's section under Details, which the findings link to. */
    static String anchor(GameSummary g) {
        return ("g-" + g.scheme() + "-" + g.definition() + (g.variant().isEmpty() ? "" : "-" + g.variant()))
                .replaceAll("[^A-Za-z0-9_-]", "_");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
