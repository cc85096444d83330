package org.weightgames.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

import org.weightgames.core.Nd;
import org.weightgames.data.DataSource;
import org.weightgames.kit.PluginKit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wg kit PLUGIN_DIR}: a plugin's conformance checks and one game per claim, always ending
 * with the pass/FAIL table; exit 0 when all pass, 1 when the plugin failed a check, 3 when only a
 * claim did.
 */
@Command(name = "kit", description = "Run the conformance checks on a plugin (manifest, replay, fidelity, protected tensors, limits)"
        + " and one game per claim, ending with a pass/FAIL table. Exit 0 when all pass, 1 when the plugin failed a check,"
        + " 3 when it conforms but a claim's verdict differs (MISMATCH) or its trials cannot decide it (UNDECIDED).")
final class KitCommand extends WgCommand {
    @CommandLine.Parameters(index = "0", description = "The plugin's folder (holding wg-plugin.json).")
    Path folder;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the checks (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Override
    public Integer call() {
        if (plugins.folders.stream().noneMatch(f -> f.toAbsolutePath().normalize().equals(folder.toAbsolutePath().normalize()))) {
            plugins.folders.add(folder);
        }
        plugins.install();
        Nd.init();
        PrintWriter out = out();
        List<PluginKit.Check> checks = PluginKit.run(folder.toAbsolutePath().normalize(), seed, DataSource.load("synthetic"), line -> {
            out.println("  " + line);
            out.flush();
        });
        long failed = checks.stream().filter(c -> !c.passed()).count();
        for (PluginKit.Check c : checks) {
            out.printf("%-9s %-36s %s%n", c.status(), c.name(), c.detail());
        }
        int status = PluginKit.status(checks);
        out.printf("%d checks: %d passed, %d failed%s%n", checks.size(), checks.size() - failed, failed,
                status == PluginKit.PLUGIN_FAILED ? " (the plugin: exit 1)" : status == PluginKit.CLAIM_FAILED
                        ? " (a claim, not the plugin: exit 3)" : "");
        out.flush();
        return status;
    }
}
