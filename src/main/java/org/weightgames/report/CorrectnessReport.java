package org.weightgames.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.weightgames.stats.GameSummary;
import org.weightgames.stats.Measure;
import org.weightgames.stats.Summary;

/**
 * The correctness view of an audit: for every {@code correct} game (one per scheme and setting),
 * the authorised user's relative output error, worst input, top-class agreement and cost against
 * the original, what the scheme counted of its release (TaylorMLP: expanded neurons, those outside
 * the series' radius), the failures and the verdict. One table, in report.md and report.html.
 */
final class CorrectnessReport {
    private static final String[] HEADER = {"scheme", "setting", "relative error (median, CI)", "worst input", "top-1 agreement",
        "MACs / original", "expanded (outside radius)", "failures / trials", "claimed bound", "verdict"};

    private CorrectnessReport() {
    }

    /** One row of cells per correct game, the verdict last. */
    static List<String[]> rows(List<GameSummary> results) {
        List<String[]> rows = new ArrayList<>();
        for (GameSummary g : results) {
            if (!g.definition().equals("correct")) {
                continue;
            }
            for (Map.Entry<String, Summary> e : g.summaries().entrySet()) {
                Summary s = e.getValue();
                Map<String, Measure> m = s.measures;
                Map<String, Measure> c = s.challengerMeasures;
                Measure err = m.get("relative_error");
                String expanded = c.containsKey("release_expanded_neurons")
                        ? count(c, "release_expanded_neurons") + " (" + count(c, "release_outside_radius") + ")" : "–";
                rows.add(new String[] {g.scheme(), g.variant().isEmpty() ? "default" : g.variant(),
                    err == null ? "n/a" : ReportWriter.f(err.value()) + " [" + ReportWriter.f(err.ci().low()) + ", "
                            + ReportWriter.f(err.ci().high()) + "]",
                    value(m, "worst_row_error"), value(m, "agreement"), value(m, "cost_ratio"), expanded,
                    s.wins + " / " + s.trials, ReportWriter.f(g.bound().value()), s.verdict.label()});
            }
        }
        return rows;
    }

    /** A median of counts: whole numbers as such. */
    private static String count(Map<String, Measure> m, String key) {
        Measure v = m.get(key);
        if (v == null || !Double.isFinite(v.value())) {
            return "n/a";
        }
        return v.value() == Math.rint(v.value()) ? Long.toString((long) v.value()) : ReportWriter.f(v.value());
    }

    private static String value(Map<String, Measure> m, String key) {
        Measure v = m.get(key);
        return v == null ? "n/a" : ReportWriter.f(v.value());
    }

    static String markdown(List<GameSummary> results) {
        List<String[]> rows = rows(results);
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Correctness for the legitimate user\n\n");
        md.append("The network an authorised user runs from the release (Infer(art), restored with the key where the scheme ")
                .append("has one) against the original on fresh inputs; medians over trials. A trial fails when the error ")
                .append("exceeds `correct.epsilon` or the agreement falls below `correct.min-agreement` (definitions/correct.md).\n\n");
        md.append("| ").append(String.join(" | ", HEADER)).append(" |\n|");
        md.append("---|".repeat(HEADER.length)).append('\n');
        for (String[] r : rows) {
            r[r.length - 1] = "**" + r[r.length - 1] + "**";
            md.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return md.append('\n').toString();
    }

    static String html(List<GameSummary> results) {
        List<String[]> rows = rows(results);
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder("<h2>Correctness for the legitimate user</h2>\n<div class=\"scroll\"><table><tr>");
        for (String c : HEADER) {
            h.append("<th>").append(HtmlReport.esc(c)).append("</th>");
        }
        h.append("</tr>\n");
        for (String[] r : rows) {
            h.append("<tr>");
            for (int i = 0; i < r.length - 1; i++) {
                h.append("<td>").append(HtmlReport.esc(r[i])).append("</td>");
            }
            String v = r[r.length - 1];
            h.append("<td class=\"").append(v).append("\">").append(v).append("</td></tr>\n");
        }
        return h.append("</table></div>\n").toString();
    }
}
