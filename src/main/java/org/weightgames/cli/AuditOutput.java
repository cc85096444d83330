package org.weightgames.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.weightgames.data.DataSource;
import org.weightgames.report.HtmlReport;
import org.weightgames.report.JsonReport;
import org.weightgames.report.MarkdownReport;
import org.weightgames.report.ReportWriter;
import org.weightgames.report.Signing;
import org.weightgames.run.Audit;
import org.weightgames.run.TaylorTiming;
import org.weightgames.stats.AuditSummary;
import org.weightgames.stats.GameSummary;
import org.weightgames.stats.InferenceCost;

/** What {@code wg audit} and {@code wg merge} write once the games are summarised: the reports, the signature, the summary lines. */
final class AuditOutput {
    private AuditOutput() {
    }

    /** Writes the reports into {@code dir}, runs {@code afterWrite} (the journal goes), signs, and prints the summary to {@code o}. */
    static void write(PrintWriter o, PrintStream err, Path dir, Audit audit, List<Audit.PlannedGame> plan, List<GameSummary> results,
            DataSource data, boolean noTiming, Path signKey, Instant now, Runnable afterWrite) {
        long seed = audit.config().seed();
        List<InferenceCost> timing = null;
        String shape = null;
        if (!noTiming && plan.stream().anyMatch(p -> p.scheme().equals("taylormlp"))) {
            err.println("[timing] measuring TaylorMLP inference cost against the original");
            int[] orders = {2, 4, 8, 16};
            timing = TaylorTiming.measure(512, 2048, 512, 64, orders, 9);
            shape = "512->2048->512 (SiLU), batch 64";
        }
        String generated = DateTimeFormatter.ISO_INSTANT.format(now);
        Map<String, String> files = new LinkedHashMap<>();
        AuditSummary summary = audit.summary(results, data);
        files.put("report.json", ReportWriter.json(JsonReport.render(summary, generated)));
        files.put("report.md", MarkdownReport.render(summary, generated, timing, shape));
        files.put("timing.json", ReportWriter.json(JsonReport.timing(audit.wallTimes(), timing, shape, 9)));
        files.put("report.html", HtmlReport.render("WeightGames security report",
                "Generated " + generated + " with seed " + seed + " on data set " + data.name() + ".", results,
                HtmlReport.auditPlots(results, data, timing, shape), MarkdownReport.tables(summary, timing, shape)));
        ReportWriter.write(dir, files);
        afterWrite.run();
        if (signKey != null) {
            Signing.sign(dir, signKey);
        }
        results.forEach(g -> o.printf("%-10s %-6s %-18s %3d/%-3d rate %.3f CI [%.3f, %.3f] -> %s%s%n", g.scheme(), g.definition(),
                "[all " + g.strongest().adversaries().size() + "]", g.strongest().wins(), g.strongest().trials(),
                g.strongest().advantage(), g.strongest().ci().low(), g.strongest().ci().high(), g.strongest().verdict().label(),
                g.variant().isEmpty() ? "" : "   [" + g.variant() + "]"));
        o.println("per adversary:");
        results.forEach(g -> g.summaries().forEach((adv, s) -> o.printf("%-10s %-6s %-18s %3d/%-3d advantage %.3f CI [%.3f, %.3f] -> %s%s%n",
                g.scheme(), g.definition(), adv, s.wins, s.trials, s.advantage, s.ci.low(), s.ci.high(),
                s.verdict.label(), g.variant().isEmpty() ? "" : "   [" + g.variant() + "]")));
        o.print(ReportWriter.findings(results));
        o.println("report: " + dir.resolve("report.md"));
        o.flush();
    }
}
