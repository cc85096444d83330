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

/** {@code wg kit PLUGIN_DIR}: a plugin's conformance checks and one game per claim; exit 0 only when all pass. */
@Command(name = "kit", description = "Run the conformance checks on a plugin (manifest, replay, fidelity, protected tensors, limits)"
        + " and one game per claim. Exit 0 only when all pass.")
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
            out.printf("%s  %-36s %s%n", c.passed() ? "pass" : "FAIL", c.name(), c.detail());
        }
        out.printf("%d checks: %d passed, %d failed%n", checks.size(), checks.size() - failed, failed);
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
