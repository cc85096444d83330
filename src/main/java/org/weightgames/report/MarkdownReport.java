package org.weightgames.report;

import static org.weightgames.report.ReportWriter.f;

import java.util.List;
import java.util.Map;

import org.weightgames.data.DataSource;
import org.weightgames.stats.AuditSummary;
import org.weightgames.stats.GameSummary;
import org.weightgames.stats.InferenceCost;
import org.weightgames.stats.Interval;
import org.weightgames.stats.Measure;
import org.weightgames.stats.Summary;




/**
 * report.md, the report a person reads or diffs: the findings, the verdicts against every adversary and
 * the summary tables. Each game's evidence is rendered into report.html ({@link #gameDetails}); every
 * trial stays in report.json.
 */
public final class MarkdownReport {
    /** How a verdict is read, under the verdicts' table. */
    static final String VERDICTS = "A verdict compares the advantage's interval with the bound the scheme's authors claim: `broken` when its"
            + " lower end exceeds the bound, `holds` when its upper end is at most the bound, `inconclusive` otherwise.";

    private MarkdownReport() {
    }

    public static String render(AuditSummary c, String generated, List<InferenceCost> timing, String timingShape) {
        DataSource data = c.data();
        List<GameSummary> results = c.games();
        StringBuilder md = new StringBuilder();
        md.append("# WeightGames security report\n\n");
        md.append("Generated ").append(generated).append(" with seed ").append(c.seed()).append(" on data set `")
                .append(data.name()).append("` (sha256 `").append(data.sha256(), 0, 16).append("…`). Intervals are ")
                .append(Math.round(c.level() * 100)).append("% two-sided.\n\n");
        md.append(FindingsReport.markdown(results));
        md.append(StrongestReport.markdown(results));
        md.append(VERDICTS).append("\n\n");
        md.append(CorrectnessReport.markdown(results));
        md.append(tables(c, timing, timingShape));
        md.append("## Details\n\n")
                .append("Each game's claim, the per-adversary rows with their measures and intervals, the replay command of every ")
                .append("adversary, the definitions and the scheme notes are in `report.html` (section Details, grouped per scheme ")
                .append("and game); every trial's record and the provenance are in `report.json`.\n");
        return md.toString();
    }

    /** The summary tables under the verdicts: usage control at a glance and TaylorMLP's measured cost (both empty when not played). */
    public static String tables(AuditSummary c, List<InferenceCost> timing, String timingShape) {
        StringBuilder md = new StringBuilder(UsageControlReport.markdown(c.games(), c.data()));
        if (timing != null && !timing.isEmpty()) {
            md.append("## Measured inference cost (TaylorMLP)\n\n");
            md.append("One run, block ").append(timingShape).append(", median of interleaved repeats (interquartile range). ")
                    .append("The collapsed models are what `taylor-collapse` builds from the artifact.\n\n");
            md.append("| order N | released / original (time) | IQR | collapse (polynomial) / original | collapse (exact) / original | released / original (MACs) | collapse / original (MACs) |\n");
            md.append("|---|---|---|---|---|---|---|\n");
            for (InferenceCost r : timing) {
                md.append("| ").append(r.order()).append(" | ").append(f(r.released())).append(" | ").append(f(r.releasedP25()))
                        .append("–").append(f(r.releasedP75())).append(" | ").append(f(r.folded())).append(" | ")
                        .append(f(r.exact())).append(" | ").append(f(r.macsReleased())).append(" | ").append(f(r.macsFolded()))
                        .append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    /**
     * One game's evidence, the Markdown that report.html renders under the game's heading: the
     * claim and its source, one row per adversary, then per adversary its wins, the reference's,
     * the measures with their intervals, failed answers and the command that replays it.
     */
    static String gameDetails(GameSummary g) {
        StringBuilder md = new StringBuilder();
        md.append("Claimed bound ").append(f(g.bound().value())).append(": ").append(g.bound().statement());
        if (!g.bound().source().isEmpty()) {
            md.append(" (").append(g.bound().source()).append(")");
        }
        md.append(". Definition: `definitions/").append(g.definition()).append(".md` (under Definitions below).\n\n");
        md.append("| adversary | wins / trials | advantage | CI (Clopper–Pearson) | ").append(g.reference())
                .append(" | verdict | note |\n|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Summary> e : g.summaries().entrySet()) {
            Summary s = e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(s.wins).append(" / ").append(s.trials).append(" | ")
                    .append(f(s.advantage)).append(" | ").append(range(s.ci)).append(" | ").append(f(s.baselineAdvantage))
                    .append(" | **").append(s.verdict.label()).append("** | ").append(StrongestReport.note(s, g)).append(" |\n");
        }
        md.append('\n');
        for (Map.Entry<String, Summary> e : g.summaries().entrySet()) {
            Summary s = e.getValue();
            md.append("#### ").append(e.getKey()).append("\n\n");
            md.append("- wins ").append(s.wins).append(" of ").append(s.trials).append(" (").append(s.failures)
                    .append(" failed answers); advantage ").append(f(s.advantage)).append(", CI ").append(range(s.ci))
                    .append(" (Wilson ").append(range(s.wilson)).append(")\n");
            md.append("- reference adversary `").append(g.reference())
                    .append("`: ").append(s.baselineWins).append(" wins, advantage ").append(f(s.baselineAdvantage))
                    .append("; difference in win rate ").append(f((double) (s.wins - s.baselineWins) / s.trials))
                    .append(", Newcombe CI ").append(range(s.overBaseline)).append('\n');
            md.append("- verdict: **").append(s.verdict.label()).append("** (").append(StrongestReport.note(s, g)).append(")\n");
            measures(md, "adversary's measures", s.measures);
            measures(md, "challenger's measures", s.challengerMeasures);
            measures(md, "gain over the reference adversary (mean paired difference, bootstrap CI)", s.overBaselineMeasures);
            for (String ex : s.failureExamples) {
                md.append("- failed answer: ").append(ex).append('\n');
            }
            md.append("- replay: `").append(g.provenance().replayCommand(e.getKey())).append("`\n\n");
        }
        return md.toString();
    }

    private static void measures(StringBuilder md, String title, Map<String, Measure> m) {
        if (m.isEmpty()) {
            return;
        }
        md.append("- ").append(title).append(title.contains("(") ? ":" : " (median over trials, bootstrap CI):");
        String sep = " ";
        for (Map.Entry<String, Measure> e : m.entrySet()) {
            Measure v = e.getValue();
            md.append(sep).append('`').append(e.getKey()).append("` ").append(f(v.value())).append(" [").append(f(v.ci().low()))
                    .append(", ").append(f(v.ci().high())).append("]");
            sep = "; ";
        }
        md.append('\n');
    }

    private static String range(Interval i) {
        return "[" + f(i.low()) + ", " + f(i.high()) + "]";
    }
}
