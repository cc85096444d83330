package org.weightgames.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.weightgames.plugin.Manifest;
import org.weightgames.plugin.Plugins;
import org.weightgames.isolation.Sandbox;
import picocli.CommandLine.Option;

/**
 * {@code --plugins DIR} (repeatable) and {@code --no-sandbox}, as audit, list, verify, sweep, replay
 * and kit take them: plugins from those folders and from {@code $WG_PLUGINS} are known beside the
 * built-ins (docs/plugins.md).
 */
class PluginOptions {
    @Option(names = "--plugins", description = "A plugin folder (holding wg-plugin.json) or a folder of them (repeatable;"
            + " $WG_PLUGINS adds more, separated by ':').")
    List<Path> folders = new ArrayList<>();

    @Option(names = "--no-sandbox", description = "Run plugins as plain processes instead of under bubblewrap (recorded in the"
            + " report as plugins.sandbox=false).")
    boolean noSandbox;

    /** Adds {@code plugins.sandbox=false} to {@code sets} when asked, so the settings (and the report) record it. */
    void addSettings(List<String> sets) {
        if (noSandbox) {
            sets.add(Sandbox.COMPONENT + ".sandbox=false");
        }
    }

    /** Installs the plugins to run under the settings' {@code plugins} component. */
    List<Manifest> install(Map<String, Map<String, String>> settings) {
        return Plugins.install(folders, settings);
    }

    /** Installs the plugins with {@code --no-sandbox} as the only sandbox setting (the commands without --set). */
    List<Manifest> install() {
        return Plugins.install(folders, noSandbox ? Map.of(Sandbox.COMPONENT, Map.of("sandbox", "false")) : Map.of());
    }

    /** The plugin folders, absolute, as an audit's JSON records them for its executors and shards. */
    List<String> folderNames() {
        List<String> names = new ArrayList<>();
        for (Path f : folders) {
            names.add(f.toAbsolutePath().normalize().toString());
        }
        return names;
    }

    /** The flags that give the same plugins to a replay. */
    List<String> replayFlags() {
        List<String> flags = new ArrayList<>();
        for (Path f : folders) {
            flags.add("--plugins " + f.toAbsolutePath().normalize());
        }
        return flags;
    }
}
