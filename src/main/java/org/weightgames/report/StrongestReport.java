package org.weightgames.report;

import java.util.List;

import org.weightgames.stats.GameSummary;
import org.weightgames.stats.Strongest;
import org.weightgames.stats.Summary;

/**
 * The verdict of each game against every adversary at once ({@link Strongest}), the table a report
 * leads with; the per-adversary rows follow as its evidence. Also the note a row gets when its
 * trials are copies of one outcome or its verdict is still open.
 */
final class StrongestReport {
    private StrongestReport() {
    }

    static final String HEADER = "| scheme | game | adversaries | strongest | trials lost / trials | rate | CI | claimed bound | verdict | note |\n"
            + "|---|---|---|---|---|---|---|---|---|---|\n";

    static final String EXPLAINED = "Against every adversary: for a game won or lost outright a trial is lost to the scheme when any"
            + " adversary wins it (one proportion, one exact interval: the ensemble is fixed before the trials, so no correction"
            + " for several adversaries is needed); for `ind`, whose union of guesses is no win, each adversary's interval is"
            + " widened by Bonferroni's correction. The reference adversary is not in the ensemble.";

    static String markdown(List<GameSummary> games) {
        StringBuilder md = new StringBuilder("## Verdicts against every adversary\n\n").append(EXPLAINED).append("\n\n").append(HEADER);
        for (GameSummary g : games) {
            Strongest s = g.strongest();
            md.append("| ").append(g.scheme()).append(" | ").append(g.definitionLabel()).append(" | ").append(s.adversaries().size())
                    .append(" | ").append(s.leader()).append(" | ").append(s.wins()).append(" / ").append(s.trials()).append(" | ")
                    .append(ReportWriter.f(s.advantage())).append(" | [").append(ReportWriter.f(s.ci().low())).append(", ")
                    .append(ReportWriter.f(s.ci().high())).append("] | ").append(ReportWriter.f(g.bound().value())).append(" | **")
                    .append(s.verdict().label()).append("** | ").append(note(s.exact(), s.decideAt(), s.trials(), g)).append(" |\n");
        }
        return md.append('\n').toString();
    }

    static String html(List<GameSummary> games) {
        StringBuilder h = new StringBuilder("<h2>Verdicts against every adversary</h2>\n<p>").append(HtmlReport.esc(EXPLAINED))
                .append("</p>\n<div class=\"scroll\"><table class=\"wide\"><tr><th>scheme</th><th>game</th><th>verdict</th><th>trials lost</th>")
                .append("<th>rate [CI]</th><th>bound</th><th>strongest</th><th>note</th></tr>\n");
        for (GameSummary g : games) {
            Strongest s = g.strongest();
            h.append("<tr><td>").append(HtmlReport.esc(g.scheme())).append("</td><td>").append(HtmlReport.esc(g.definition()));
            if (!g.variant().isEmpty()) {
                h.append("<br><small>").append(HtmlReport.esc(g.variant().replace(",", ", "))).append("</small>");
            }
            h.append("</td><td class=\"").append(s.verdict().label()).append("\">").append(s.verdict().label()).append("</td><td>")
                    .append(s.wins()).append(" / ").append(s.trials()).append("</td><td>").append(ReportWriter.f(s.advantage()))
                    .append(" [").append(ReportWriter.f(s.ci().low())).append(", ").append(ReportWriter.f(s.ci().high()))
                    .append("]</td><td>").append(ReportWriter.f(g.bound().value())).append("</td><td>")
                    .append(HtmlReport.esc(s.leader())).append(s.adversaries().size() > 1 ? " <small>(of " + s.adversaries().size() + ")</small>" : "")
                    .append("</td><td><small>").append(HtmlReport.esc(note(s.exact(), s.decideAt(), s.trials(), g))).append("</small></td></tr>\n");
        }
        return h.append("</table></div>\n").toString();
    }

    /** What a row's trials are samples of, and what would decide an open verdict. */
    static String note(boolean exact, int decideAt, int trials, GameSummary g) {
        int releases = g.summaries().values().stream().findFirst().map(x -> x.distinctReleases).orElse(0);
        if (exact) {
            return "exact: one release, the same outcome in all " + trials + " trials";
        }
        String on = releases == 1 ? "one release; trials vary the adversaries' coins (and data, if any)"
                : releases < trials ? releases + " releases shared by the trials" : "a release per trial";
        if (decideAt > 0) {
            return on + "; about " + decideAt + " trials would decide it at this rate";
        }
        if (decideAt < 0) {
            return on + "; the observed rate sits on the bound: no trial count decides it";
        }
        return on;
    }

    /** {@link #note} for one adversary's row. */
    static String note(Summary s, GameSummary g) {
        return note(s.exact, s.decideAt, s.trials, g);
    }
}
