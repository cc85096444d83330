package org.weightgames.report;

import static org.weightgames.report.ReportWriter.f;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.weightgames.data.DataSource;
import org.weightgames.stats.Interval;
import org.weightgames.core.Resources;
import org.weightgames.run.Audit;
import org.weightgames.run.TaylorTiming;

/** The human-readable report: verdicts first, then per game the definition, the numbers, the replay. */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    public static String render(Audit audit, List<Audit.GameResult> results, DataSource data, String generated,
            List<TaylorTiming.Row> timing, String timingShape) {
        Audit.Config c = audit.config();
        StringBuilder md = new StringBuilder();
        md.append("# WeightGames security report\n\n");
        md.append("Generated ").append(generated).append(" with seed ").append(c.seed()).append(" on data set `")
                .append(data.name()).append("` (sha256 `").append(data.sha256(), 0, 16).append("…`). Intervals are ")
                .append(Math.round(c.level() * 100)).append("% two-sided.\n\n");
        md.append("## Verdicts\n\n");
        md.append("| scheme | definition | adversary | wins / trials | advantage | CI (Clopper–Pearson) | baseline | claimed bound | verdict |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Audit.GameResult g : results) {
            for (Map.Entry<String, Summary> e : g.summaries().entrySet()) {
                Summary s = e.getValue();
                md.append("| ").append(g.spec().scheme()).append(" | ").append(g.spec().definitionLabel()).append(" | ")
                        .append(e.getKey()).append(" | ").append(s.wins).append(" / ").append(s.trials).append(" | ")
                        .append(f(s.advantage)).append(" | ").append(range(s.ci)).append(" | ").append(f(s.baselineAdvantage))
                        .append(" | ").append(f(s.bound)).append(" | **").append(s.verdict.label()).append("** |\n");
            }
        }
        md.append("\nA verdict compares the advantage's interval with the bound the scheme's authors claim: ")
                .append("`broken` when its lower end exceeds the bound, `holds` when its upper end is at most the bound, ")
                .append("`inconclusive` otherwise.\n\n");
        md.append(UsageControlReport.markdown(results, data));
        if (timing != null && !timing.isEmpty()) {
            md.append("## Measured inference cost (TaylorMLP)\n\n");
            md.append("One run, block ").append(timingShape).append(", median of interleaved repeats (interquartile range). ")
                    .append("The collapsed models are what `taylor-collapse` builds from the artifact.\n\n");
            md.append("| order N | released / original (time) | IQR | collapse (polynomial) / original | collapse (exact) / original | released / original (MACs) | collapse / original (MACs) |\n");
            md.append("|---|---|---|---|---|---|---|\n");
            for (TaylorTiming.Row r : timing) {
                md.append("| ").append(r.order()).append(" | ").append(f(r.released())).append(" | ").append(f(r.releasedP25()))
                        .append("–").append(f(r.releasedP75())).append(" | ").append(f(r.folded())).append(" | ")
                        .append(f(r.exact())).append(" | ").append(f(r.macsReleased())).append(" | ").append(f(r.macsFolded()))
                        .append(" |\n");
            }
            md.append('\n');
        }
        for (Audit.GameResult g : results) {
            md.append("## ").append(g.spec().scheme()).append(" / ").append(g.spec().definitionLabel()).append("\n\n");
            String def = Resources.text("definitions/" + g.spec().definition() + ".md");
            if (def != null) {
                md.append("<details><summary>Definition (definitions/").append(g.spec().definition())
                        .append(".md)</summary>\n\n").append(demote(def)).append("\n</details>\n\n");
            }
            md.append("Claimed bound ").append(f(g.claim().bound())).append(": ").append(g.claim().statement());
            if (!g.claim().source().isEmpty()) {
                md.append(" (").append(g.claim().source()).append(")");
            }
            md.append(".\n\n");
            for (Map.Entry<String, Summary> e : g.summaries().entrySet()) {
                Summary s = e.getValue();
                md.append("### ").append(e.getKey()).append("\n\n");
                md.append("- wins ").append(s.wins).append(" of ").append(s.trials).append(" (").append(s.failures)
                        .append(" failed answers); advantage ").append(f(s.advantage)).append(", CI ").append(range(s.ci))
                        .append(" (Wilson ").append(range(s.wilson)).append(")\n");
                md.append("- reference adversary `").append(g.spec().adversaries().get(g.spec().adversaries().size() - 1))
                        .append("`: ").append(s.baselineWins).append(" wins, advantage ").append(f(s.baselineAdvantage))
                        .append("; difference in win rate ").append(f((double) (s.wins - s.baselineWins) / s.trials))
                        .append(", Newcombe CI ").append(range(s.overBaseline)).append('\n');
                md.append("- verdict: **").append(s.verdict.label()).append("**\n");
                measures(md, "adversary's measures", s.measures);
                measures(md, "challenger's measures", s.challengerMeasures);
                measures(md, "gain over the reference adversary (mean paired difference, bootstrap CI)", s.overBaselineMeasures);
                for (String ex : s.failureExamples) {
                    md.append("- failed answer: ").append(ex).append('\n');
                }
                md.append("- replay: `").append(audit.replay(g, e.getKey())).append("`\n\n");
            }
        }
        return md.toString();
    }

    private static void measures(StringBuilder md, String title, JsonNode m) {
        if (m.size() == 0) {
            return;
        }
        md.append("- ").append(title).append(title.contains("(") ? ":" : " (median over trials, bootstrap CI):");
        Iterator<Map.Entry<String, JsonNode>> it = m.fields();
        String sep = " ";
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            md.append(sep).append('`').append(e.getKey()).append("` ").append(f(v.path("value").asDouble(Double.NaN)))
                    .append(" [").append(f(v.path("ci").path("low").asDouble(Double.NaN))).append(", ")
                    .append(f(v.path("ci").path("high").asDouble(Double.NaN))).append("]");
            sep = "; ";
        }
        md.append('\n');
    }

    private static String range(Interval i) {
        return "[" + f(i.low()) + ", " + f(i.high()) + "]";
    }

    /** Shifts the definition's headings below the report's. */
    private static String demote(String text) {
        return text.replaceAll("(?m)^#", "###");
    }
}
