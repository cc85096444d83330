package org.weightgames.isolation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.weightgames.core.Params;
import org.weightgames.core.WgException;

/**
 * How plugin processes run (the {@code plugins} settings component): under bubblewrap
 * ({@code sandbox}, true) with no network, the system read-only, only the plugin's folder
 * (read-only, at {@code /plugin}), WeightGames' Python package (read-only, at {@code /wg/python})
 * and the call's work folder (writable, at {@code /trial}) visible, no home folder, no model
 * cache, a fresh {@code /tmp}, killed with its parent; {@code timeout} seconds per call (600) and
 * {@code memory} MB of address space per process (4096). Without bubblewrap a sandboxed run is
 * refused naming the package; {@code sandbox=false} ({@code --no-sandbox}) runs plugins as plain
 * processes, which the report's settings record.
 */
public record Sandbox(boolean enabled, int timeoutSeconds, int memoryMb) {
    public static final String COMPONENT = "plugins";
    public static final Sandbox DEFAULT = new Sandbox(true, 600, 4096);
    public static final String BWRAP = "/usr/bin/bwrap";

    public static Sandbox from(Map<String, Map<String, String>> settings) {
        Map<String, String> m = settings.get(COMPONENT);
        if (m == null) {
            return DEFAULT;
        }
        Params p = new Params(COMPONENT, m);
        Sandbox s = new Sandbox(p.getBoolean("sandbox", true), p.getInt("timeout", 600, 1, 86_400),
                p.getInt("memory", 4096, 64, 1 << 20));
        p.checkAllUsed();
        return s;
    }

    /** Refuses a sandboxed run where bubblewrap is missing. */
    public void check() {
        if (enabled && !Files.isExecutable(Path.of(BWRAP))) {
            throw new WgException("plugins run under bubblewrap, which is not installed (" + BWRAP + " is missing): install"
                    + " Debian's package 'bubblewrap' (apt-get install bubblewrap), or run with --no-sandbox, which the report"
                    + " records");
        }
    }

    /**
     * The command line that runs {@code program} (its paths already as the sandbox shows them,
     * {@link #pluginPath}) in {@code work}: bubblewrap's arguments, then a memory limit when
     * {@code limitMemory}, then the program. With {@code plugin} (a plugin's folder) the work folder
     * is seen at /trial; without (an isolated JVM) at its own path.
     */
    public List<String> wrap(List<String> program, Path plugin, Path python, Path work, List<Path> readOnly, boolean limitMemory) {
        List<String> cmd = new ArrayList<>();
        if (enabled) {
            check();
            cmd.addAll(List.of(BWRAP, "--ro-bind", "/usr", "/usr"));
            for (String top : List.of("/bin", "/lib", "/lib64", "/lib32", "/sbin")) {
                Path p = Path.of(top);
                if (Files.isSymbolicLink(p)) {
                    try {
                        cmd.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                    } catch (java.io.IOException e) {
                        throw new WgException("cannot read the link " + top + ": " + e.getMessage());
                    }
                } else if (Files.isDirectory(p)) {
                    cmd.addAll(List.of("--ro-bind", top, top));
                }
            }
            cmd.addAll(List.of("--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
            for (Path r : readOnly) {
                cmd.addAll(List.of("--ro-bind", r.toString(), r.toString()));
            }
            if (plugin != null) {
                cmd.addAll(List.of("--ro-bind", plugin.toString(), "/plugin"));
            }
            if (python != null) {
                cmd.addAll(List.of("--ro-bind", python.toString(), "/wg/python"));
            }
            String inside = plugin != null ? "/trial" : work.toString();
            cmd.addAll(List.of("--bind", work.toString(), inside, "--chdir", inside, "--unshare-all", "--die-with-parent",
                    "--new-session", "--clearenv", "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin", "--setenv", "HOME", inside,
                    "--setenv", "OMP_NUM_THREADS", "1", "--setenv", "LANG", "C.UTF-8"));
            if (plugin != null) {
                cmd.addAll(List.of("--setenv", "PYTHONPATH", "/wg/python", "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv",
                        "WG_PLUGIN", "/plugin"));
            }
        }
        if (limitMemory && Files.isExecutable(Path.of("/usr/bin/prlimit"))) {
            cmd.addAll(List.of("/usr/bin/prlimit", "--as=" + (long) memoryMb * 1024 * 1024, "--"));
        }
        cmd.addAll(program);
        return cmd;
    }

    /** The plugin's folder as the process sees it. */
    public Path pluginPath(Path folder) {
        return enabled ? Path.of("/plugin") : folder;
    }

    /**
     * The command line that runs an isolated adversary's JVM ({@code program}) under bubblewrap
     * when enabled: the system read-only, the class path entries in {@code readOnly} read-only at
     * their own paths, its work folder {@code work} writable at its own path, no network, a fresh
     * /tmp, killed with its parent. The JVM keeps its own heap and native limits.
     */
    public List<String> wrapJvm(List<String> program, Path work, List<Path> readOnly) {
        return wrap(program, null, null, work, readOnly, false);
    }
}
