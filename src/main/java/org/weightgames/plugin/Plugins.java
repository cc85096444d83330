package org.weightgames.plugin;

import org.weightgames.isolation.Sandbox;
import org.weightgames.isolation.WorkQuota;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.weightgames.core.Params;
import org.weightgames.core.WgException;
import org.weightgames.game.Adversary;
import org.weightgames.game.Registry;
import org.weightgames.game.Scheme;

/**
 * The plugins of a run: found in the folders given with {@code --plugins} and in the
 * {@code WG_PLUGINS} path list (a folder holding a {@code wg-plugin.json}, or a folder of such
 * folders), made known to {@link Registry} beside the built-ins, and run under the run's
 * {@link Sandbox}. Each plugin call gets a fresh work folder, deleted when the call ends.
 */
public final class Plugins {
    public static final String ENV = "WG_PLUGINS";
    private static volatile List<Manifest> installed = List.of();
    private static volatile Sandbox sandbox = Sandbox.DEFAULT;
    /** WeightGames' Python package and what reports record of the plugins, found once at install. */
    private static volatile Path python;
    private static volatile Map<String, String> versions = Map.of();

    private Plugins() {
    }

    /**
     * Installs the plugins found in {@code folders} and in {@code $WG_PLUGINS}, to run under
     * {@code sandboxSettings} (the {@value Sandbox#COMPONENT} component). A sandboxed run where
     * bubblewrap is missing is refused here, before any game.
     */
    public static synchronized List<Manifest> install(List<Path> folders, Map<String, Map<String, String>> sandboxSettings) {
        List<Path> all = new ArrayList<>(folders);
        String env = System.getenv(ENV);
        if (env != null) {
            for (String p : env.split(java.io.File.pathSeparator)) {
                if (!p.isBlank()) {
                    all.add(Path.of(p));
                }
            }
        }
        Registry.extend(null);
        Map<String, Manifest> found = new LinkedHashMap<>();
        for (Path f : all) {
            for (Manifest m : find(f)) {
                if (found.containsKey(m.id())) {
                    throw new WgException("two plugins have the id '" + m.id() + "': " + found.get(m.id()).file() + " and "
                            + m.file() + "; rename one");
                }
                found.put(m.id(), m);
            }
        }
        List<String> builtIn = new ArrayList<>();
        Registry.schemes().forEach(s -> builtIn.add(s.id()));
        Registry.adversaries().forEach(a -> builtIn.add(a.id()));
        Registry.definitions().forEach(d -> builtIn.add(d.id()));
        for (Manifest m : found.values()) {
            if (builtIn.contains(m.id()) || m.id().equals("model") || m.id().equals(Sandbox.COMPONENT)) {
                throw new WgException(m.file() + ": the id '" + m.id() + "' is taken by a built-in component; choose another");
            }
        }
        Sandbox s = Sandbox.from(sandboxSettings);
        if (!found.isEmpty()) {
            s.check();
        }
        sandbox = s;
        installed = List.copyOf(found.values());
        python = installed.isEmpty() ? null : python();
        versions = versions(installed, python);
        if (!installed.isEmpty()) {
            List<Manifest> list = installed;
            Registry.extend(new Registry.Extension() {
                @Override
                public List<Scheme> schemes() {
                    return list.stream().filter(Manifest::isScheme).map(PluginScheme::of).toList();
                }

                @Override
                public List<Adversary> adversaries() {
                    return list.stream().filter(m -> !m.isScheme()).map(PluginAdversary::of).toList();
                }
            });
        }
        return installed;
    }

    /** The plugins installed, for provenance. */
    public static List<Manifest> installed() {
        return installed;
    }

    /**
     * What a game's provenance records of the run's plugins (all of them, as they may all have
     * been planned): {@code plugin.<id>} = the SHA-256 of its folder, and
     * {@code plugin.python-package} = that of WeightGames' Python package. Empty without plugins.
     */
    public static Map<String, String> versions() {
        return versions;
    }

    private static Map<String, String> versions(List<Manifest> plugins, Path py) {
        Map<String, String> v = new java.util.TreeMap<>();
        for (Manifest m : plugins) {
            v.put("plugin." + m.id(), m.sha256());
        }
        if (!v.isEmpty() && py != null) {
            v.put("plugin.python-package", Manifest.folderSha256(py.resolve("weightgames")));
        }
        return java.util.Collections.unmodifiableMap(v);
    }

    private static volatile Path log;

    /** The bytes of stderr each plugin has logged since the last {@link #logTo} (its cap is {@code plugins.log-run}). */
    private static final Map<String, AtomicLong> LOGGED = new ConcurrentHashMap<>();

    /** Where plugins' stderr is copied besides the run's own stderr (the report folder's plugins.log); null: nowhere. */
    public static void logTo(Path file) {
        log = file;
        LOGGED.clear();
    }

    static AtomicLong logged(String id) {
        return LOGGED.computeIfAbsent(id, k -> new AtomicLong());
    }

    static synchronized void log(String line) {
        Path l = log;
        if (l != null) {
            try {
                Files.writeString(l, line + System.lineSeparator(), java.nio.charset.StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // the log is a convenience; the run's stderr has every line
            }
        }
    }

    public static Sandbox sandbox() {
        return sandbox;
    }

    /** The plugin in {@code folder}, or the plugins in its sub-folders. */
    static List<Manifest> find(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new WgException("plugin folder " + folder + " does not exist; give a folder holding " + Manifest.FILE
                    + " or folders that do");
        }
        if (Files.isRegularFile(folder.resolve(Manifest.FILE))) {
            return List.of(Manifest.read(folder));
        }
        List<Manifest> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.sorted().toList()) {
                if (Files.isRegularFile(p.resolve(Manifest.FILE))) {
                    out.add(Manifest.read(p));
                }
            }
        } catch (IOException e) {
            throw new WgException("plugin folder " + folder + " cannot be listed: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new WgException("plugin folder " + folder + " holds no plugin: neither it nor a folder in it has a " + Manifest.FILE);
        }
        return out;
    }

    /** A plugin's parameters: the manifest's defaults with the given values on top; unknown keys refused. */
    static Map<String, String> params(Manifest m, Params p) {
        Map<String, String> out = new java.util.TreeMap<>();
        m.defaults().forEach((k, d) -> out.put(k, p.getString(k, d, null)));
        p.checkAllUsed();
        return out;
    }

    /** WeightGames' Python package (the folder holding {@code weightgames/}), or null where it is not found. */
    private static Path python() {
        String prop = System.getProperty("wg.python");
        List<Path> candidates = new ArrayList<>();
        if (prop != null) {
            candidates.add(Path.of(prop));
        }
        try {
            Path jar = Path.of(Plugins.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = jar; p != null; p = p.getParent()) {
                candidates.add(p.resolve("python"));
            }
        } catch (java.net.URISyntaxException | SecurityException | NullPointerException e) {
            // no code source: the working folder only
        }
        candidates.add(Path.of("python").toAbsolutePath());
        for (Path c : candidates) {
            if (Files.isRegularFile(c.resolve("weightgames").resolve("__init__.py"))) {
                return c.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    /** A fresh work folder for one call of {@code m}. */
    static Work work(Manifest m) {
        try {
            Path dir = Files.createTempDirectory("wg-plugin-" + m.id() + "-").toAbsolutePath().normalize();
            return new Work(m, dir, new WorkQuota(dir, sandbox.diskBytes()));
        } catch (IOException e) {
            throw new WgException("cannot create a work folder for plugin '" + m.id() + "': " + e.getMessage());
        }
    }

    /** One call's work folder, deleted on close, with the quota of what its process may write there. */
    record Work(Manifest manifest, Path dir, WorkQuota quota) implements AutoCloseable {
        PluginProcess start() {
            return new PluginProcess(manifest, sandbox, dir, python, quota);
        }

        /** Writes WeightGames' file {@code name} into the folder with {@code writer}, outside the plugin's quota. */
        Path input(String name, Consumer<Path> writer) {
            return quota.write(name, writer);
        }

        @Override
        public void close() {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // a temporary folder; the OS cleans it
                    }
                });
            } catch (IOException ignored) {
                // already gone
            }
        }
    }
}
