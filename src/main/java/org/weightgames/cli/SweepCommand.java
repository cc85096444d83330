package org.weightgames.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.weightgames.core.Nd;
import org.weightgames.core.WgException;
import org.weightgames.data.DataSource;
import org.weightgames.report.ReportWriter;
import org.weightgames.run.Audit;
import org.weightgames.stats.GameSummary;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wg sweep}: one game over a list of values of one parameter, plotted (sweep.json, report.html). */
@Command(name = "sweep", description = "Play one game over a list of values of one parameter and plot the advantage with its interval "
        + "(sweep.json, report.html).")
final class SweepCommand extends WgCommand {
    @Option(names = "--scheme", required = true, description = "Scheme id.")
    String scheme;

    @Option(names = "--definition", required = true, description = "Definition id.")
    String definition;

    @Option(names = "--adversary", description = "Adversary id (repeatable; default: every adversary that plays the game).")
    List<String> adversaries = new ArrayList<>();

    @Option(names = "--param", required = true, description = "component.key=v1,v2,... e.g. taylormlp.order=2,4,8,16 or ext-f.queries=30,300,3000.")
    String param;

    @Option(names = "--set", description = "Fixed settings, as for audit (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--trials", defaultValue = "20", description = "Trials per value (default: ${DEFAULT-VALUE}).")
    int trials;

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--out", description = "Output folder (default: reports/sweep-<UTC timestamp>).")
    Path out;

    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Override
    public Integer call() {
        plugins.addSettings(sets);
        plugins.install(Settings.load(null, sets));
        String[] ckv = Settings.split(param, "--param", "v1,v2,... (e.g. --param taylormlp.order=2,4,8)");
        String component = ckv[0];
        String key = ckv[1];
        List<String> values = List.of(ckv[2].split(","));
        double[] x = new double[values.size()];
        for (int i = 0; i < x.length; i++) {
            try {
                x[i] = Double.parseDouble(values.get(i).trim());
            } catch (NumberFormatException e) {
                throw new WgException("--param values must be numbers to be plotted; '" + values.get(i) + "' is not");
            }
        }
        Nd.init();
        DataSource data = DataSource.load(run.dataset);
        int nThreads = run.threadCount();
        List<Audit> audits = new ArrayList<>();
        List<List<Audit.PlannedGame>> plans = new ArrayList<>();
        for (String v : values) {
            List<String> all = new ArrayList<>(sets);
            all.add(component + "." + key + "=" + v.trim());
            List<String> replay = Settings.replayFlags(all, null);
            replay.addAll(plugins.replayFlags());
            Audit a = new Audit(new Audit.Config(List.of(scheme), List.of(definition), adversaries, trials, run.seed, run.dataset,
                    Settings.load(null, all), 0.95, nThreads, 0, trials, replay), System.err);
            plans.add(a.plan(data));
            audits.add(a);
        }
        List<GameSummary> results = new ArrayList<>();
        for (int i = 0; i < audits.size(); i++) {
            results.add(audits.get(i).run(plans.get(i)).get(0));
        }
        Instant now = Instant.now();
        String generated = DateTimeFormatter.ISO_INSTANT.format(now);
        Path dir = out != null ? out : AuditCommand.defaultOut(now).resolveSibling("sweep-" + AuditCommand.defaultOut(now).getFileName());
        org.weightgames.report.SweepReport sweep = new org.weightgames.report.SweepReport(component + "." + key, values, x, results);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("sweep.json", ReportWriter.json(sweep.json(run.seed, data, generated)));
        files.put("report.html", org.weightgames.report.HtmlReport.render("WeightGames sweep: " + scheme + " / " + definition
                + " against " + component + "." + key, "Generated " + generated + " with seed " + run.seed + " on data set " + data.name()
                + ", " + trials + " trials per value.", List.of(), List.of(sweep.plot()), ""));
        ReportWriter.write(dir, files);
        PrintWriter o = out();
        o.print(sweep.table());
        o.println("report: " + dir.resolve("report.html"));
        o.flush();
        return 0;
    }
}
