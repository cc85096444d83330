package org.weightgames.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import org.weightgames.core.Nd;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wg replay}: one trial of a report replayed alone; exit 1 when its artifact hash differs from the recorded one. */
@Command(name = "replay", description = "Replay one trial of a report.json alone and check that it releases the same artifact. "
        + "Exit 0 when the artifact's hash matches the recorded one, 1 when it does not.")
final class ReplayCommand extends WgCommand {
    @CommandLine.Parameters(index = "0", description = "The report.json.")
    Path report;

    @Option(names = "--result", defaultValue = "0", description = "Which result of the report (0-based, in file order; default: ${DEFAULT-VALUE}).")
    int result;

    @Option(names = "--trial", required = true, description = "The trial index (0-based).")
    int trial;

    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Override
    public Integer call() {
        plugins.install();
        Nd.init();
        org.weightgames.run.Replay.Result r = org.weightgames.run.Replay.run(report, result, trial);
        PrintWriter o = out();
        o.printf("%s, trial %d: %s%n", r.game(), r.trial(), r.outcome().won() ? "won" : "lost"
                + (r.outcome().failure() != null ? " (" + r.outcome().failure() + ")" : ""));
        r.outcome().measures().forEach((k, v) -> o.printf("  %s = %s%n", k, v));
        r.record().challengerMeasures().forEach((k, v) -> o.printf("  challenger %s = %s%n", k, v));
        o.printf("artifact sha256 %s: %s%n", r.record().artifactHashes().get(0),
                r.matches() ? "matches the report" : "DIFFERS from the report's " + r.expectedHash());
        o.flush();
        return r.matches() ? 0 : 1;
    }
}
