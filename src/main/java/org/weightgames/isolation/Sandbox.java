package org.weightgames.isolation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.weightgames.core.Params;
import org.weightgames.core.WgException;

/**
 * How plugin processes and isolated JVMs run (the {@code plugins} settings component): under
 * bubblewrap ({@code sandbox}, true) as an unprivileged user with no capabilities, no network, the
 * system ({@code /usr}) read-only, of {@code /etc} only what the interpreters read ({@link #ETC})
 * plus generated {@code passwd}, {@code group} and {@code nsswitch.conf} stubs, only the plugin's
 * folder (read-only, at {@code /plugin}), WeightGames' Python package (read-only, at
 * {@code /wg/python}) and the call's work folder (writable, at {@code /trial}; its {@code .tmp}
 * is the process's {@code /tmp}) visible, killed with its parent.
 *
 * <p>Limits: {@code timeout} seconds per call (600); per plugin process {@code memory} MB of
 * address space (4096), {@code cpu} seconds of CPU time (600), {@code cores} CPUs it may run on
 * (1), {@code processes} processes and threads (256), and {@code disk} MB it may add to its work
 * folder (4096, also the largest file it may write); {@code log} KB of its stderr per process
 * (64) and {@code log-run} KB per plugin per run (1024) reach the run's log. Isolated JVMs get the
 * user, {@code /etc}, {@code processes} and {@code disk} limits (their time and memory are
 * {@code isolation.*}). Without bubblewrap a sandboxed run is refused naming the package;
 * {@code sandbox=false} ({@code --no-sandbox}) runs plugins as plain processes with only the
 * memory limit, which the report's settings record.
 */
public record Sandbox(boolean enabled, int timeoutSeconds, int memoryMb, int cpuSeconds, int cores, int processes, int diskMb,
        int logKb, int logRunKb) {
    public static final String COMPONENT = "plugins";
    public static final Sandbox DEFAULT = new Sandbox(true, 600, 4096, 600, 1, 256, 4096, 64, 1024);
    public static final String BWRAP = "/usr/bin/bwrap";
    /**
     * The sandbox's users: each process runs as the next of {@code USERS} uids (and gids) from
     * {@code FIRST_UID}, unused on the host, so that its process limit is its own.
     */
    public static final int FIRST_UID = 1_950_000_000;
    public static final int USERS = 256;
    /** What of /etc the sandbox shows (where present), beside the generated stubs. */
    public static final List<String> ETC = List.of("/etc/ld.so.cache", "/etc/alternatives", "/etc/localtime", "/etc/python3*",
            "/etc/java-*");
    private static final String PRLIMIT = "/usr/bin/prlimit";
    private static final String TASKSET = "/usr/bin/taskset";
    private static final String SETPRIV = "/usr/bin/setpriv";
    /** /dev/shm's size in the sandbox (memory, not disk). */
    private static final long SHM_BYTES = 64L << 20;
    private static final AtomicInteger NEXT_CPU = new AtomicInteger();
    private static final AtomicInteger NEXT_UID = new AtomicInteger();
    private static Path stubs;

    public static Sandbox from(Map<String, Map<String, String>> settings) {
        Map<String, String> m = settings.get(COMPONENT);
        if (m == null) {
            return DEFAULT;
        }
        Params p = new Params(COMPONENT, m);
        Sandbox s = new Sandbox(p.getBoolean("sandbox", true), p.getInt("timeout", 600, 1, 86_400),
                p.getInt("memory", 4096, 64, 1 << 20), p.getInt("cpu", 600, 1, 86_400), p.getInt("cores", 1, 1, 4096),
                p.getInt("processes", 256, 8, 1 << 16), p.getInt("disk", 4096, 1, 1 << 24), p.getInt("log", 64, 1, 1 << 20),
                p.getInt("log-run", 1024, 1, 1 << 22));
        p.checkAllUsed();
        return s;
    }

    /** The bytes a process may add to its work folder. */
    public long diskBytes() {
        return (long) diskMb << 20;
    }

    /** Refuses a sandboxed run where bubblewrap (or util-linux's prlimit, taskset, setpriv) is missing. */
    public void check() {
        if (!enabled) {
            return;
        }
        if (!Files.isExecutable(Path.of(BWRAP))) {
            throw new WgException("plugins run under bubblewrap, which is not installed (" + BWRAP + " is missing): install"
                    + " Debian's package 'bubblewrap' (apt-get install bubblewrap), or run with --no-sandbox, which the report"
                    + " records");
        }
        for (String tool : List.of(PRLIMIT, TASKSET, SETPRIV)) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new WgException("the plugin sandbox sets its limits with " + tool + ", which is missing: install Debian's"
                        + " package 'util-linux', or run with --no-sandbox, which the report records");
            }
        }
    }

    /**
     * The command line that runs a plugin's {@code program} (its paths already as the sandbox
     * shows them, {@link #pluginPath}) in {@code work}, seen at /trial: bubblewrap's arguments,
     * then its limits (prlimit, taskset), then the program. Without the sandbox: the memory limit
     * only, as plain processes always had.
     */
    public List<String> wrap(List<String> program, Path plugin, Path python, Path work) {
        List<String> cmd = new ArrayList<>();
        if (enabled) {
            cmd.addAll(bwrap(work, "/trial", List.of(), plugin, python));
            cmd.addAll(List.of(PRLIMIT, "--as=" + ((long) memoryMb << 20), "--cpu=" + cpuSeconds + ":" + (cpuSeconds + 2),
                    "--nproc=" + processes, "--fsize=" + diskBytes(), "--core=0", "--", TASKSET, "-c", cpus()));
        } else if (Files.isExecutable(Path.of(PRLIMIT))) {
            cmd.addAll(List.of(PRLIMIT, "--as=" + ((long) memoryMb << 20), "--"));
        }
        cmd.addAll(program);
        return cmd;
    }

    /**
     * The command line that runs an isolated adversary's JVM ({@code program}) under bubblewrap
     * when enabled: as {@link #wrap}, but the class path entries in {@code readOnly} read-only at
     * their own paths and its work folder at its own path; the processes and disk limits apply,
     * its heap, native memory and time are the {@code isolation} settings'.
     */
    public List<String> wrapJvm(List<String> program, Path work, List<Path> readOnly) {
        List<String> cmd = new ArrayList<>();
        if (enabled) {
            cmd.addAll(bwrap(work, work.toString(), readOnly, null, null));
            cmd.addAll(List.of(PRLIMIT, "--nproc=" + processes, "--fsize=" + diskBytes(), "--core=0", "--"));
        }
        cmd.addAll(program);
        return cmd;
    }

    /** The plugin's folder as the process sees it. */
    public Path pluginPath(Path folder) {
        return enabled ? Path.of("/plugin") : folder;
    }

    /** What a process's exit status says of a limit it reached (bubblewrap gives 128 + the signal), or null. */
    public String limitReached(int status) {
        if (!enabled) {
            return null;
        }
        return switch (status) {
            case 128 + 24 -> "used its " + cpuSeconds + " s of CPU time (plugins.cpu) and was stopped";
            case 128 + 25 -> "wrote a file larger than its " + diskMb + " MB (plugins.disk) and was stopped";
            default -> null;
        };
    }

    private List<String> bwrap(Path work, String inside, List<Path> readOnly, Path plugin, Path python) {
        check();
        int uid = FIRST_UID + Math.floorMod(NEXT_UID.getAndIncrement(), USERS);
        prepare(work, uid);
        List<String> cmd = new ArrayList<>(List.of(BWRAP));
        if (asRoot()) {
            // no user namespace (it would map the sandbox's user to root); setpriv drops to uid below
            cmd.addAll(List.of("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"));
        } else {
            cmd.addAll(List.of("--unshare-all", "--unshare-user", "--uid", Integer.toString(uid), "--gid", Integer.toString(uid),
                    "--cap-drop", "ALL", "--disable-userns"));
        }
        cmd.addAll(List.of("--ro-bind", "/usr", "/usr"));
        for (String top : List.of("/bin", "/lib", "/lib64", "/lib32", "/sbin")) {
            Path p = Path.of(top);
            if (Files.isSymbolicLink(p)) {
                try {
                    cmd.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                } catch (IOException e) {
                    throw new WgException("cannot read the link " + top + ": " + e.getMessage());
                }
            } else if (Files.isDirectory(p)) {
                cmd.addAll(List.of("--ro-bind", top, top));
            }
        }
        for (Path e : etc()) {
            cmd.addAll(List.of("--ro-bind", e.toString(), e.toString()));
        }
        Path s = stubs();
        for (String f : List.of("passwd", "group", "nsswitch.conf")) {
            cmd.addAll(List.of("--ro-bind", s.resolve(f).toString(), "/etc/" + f));
        }
        cmd.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", Long.toString(SHM_BYTES), "--tmpfs", "/dev/shm",
                "--bind", work.resolve(".tmp").toString(), "/tmp"));
        Set<Path> parents = new TreeSet<>(List.of(Path.of("/etc")));
        for (Path r : readOnly) {
            cmd.addAll(List.of("--ro-bind", r.toString(), r.toString()));
            // up to, not including, /tmp itself (the work folder's .tmp): a checkout under /tmp needs its folders opened too
            for (Path a = r.getParent(); a != null && a.getNameCount() > 0 && !a.startsWith("/usr")
                    && !a.equals(Path.of("/tmp")) && !work.startsWith(a); a = a.getParent()) {
                parents.add(a);
            }
        }
        if (plugin != null) {
            cmd.addAll(List.of("--ro-bind", plugin.toString(), "/plugin"));
        }
        if (python != null) {
            cmd.addAll(List.of("--ro-bind", python.toString(), "/wg/python"));
            parents.add(Path.of("/wg"));
        }
        for (Path a : parents) {
            // bubblewrap makes the folders above a bound path 0700 when it runs as root
            if (readOnly.stream().noneMatch(a::startsWith)) {
                cmd.addAll(List.of("--chmod", "0755", a.toString()));
            }
        }
        String threads = plugin != null ? Integer.toString(cores) : "1";
        cmd.addAll(List.of("--bind", work.toString(), inside, "--chdir", inside,
                "--die-with-parent", "--new-session", "--clearenv", "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin", "--setenv",
                "HOME", inside, "--setenv", "LANG", "C.UTF-8"));
        for (String v : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")) {
            cmd.addAll(List.of("--setenv", v, threads));
        }
        if (plugin != null) {
            cmd.addAll(List.of("--setenv", "PYTHONPATH", "/wg/python", "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv",
                    "WG_PLUGIN", "/plugin"));
        }
        cmd.add("--");
        if (asRoot()) {
            cmd.addAll(List.of(SETPRIV, "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--bounding-set=-all", "--inh-caps=-all",
                    "--"));
        }
        return cmd;
    }

    /**
     * Makes {@code work} (and its {@code .tmp}, the sandbox's /tmp) writable by the sandbox's
     * user: when WeightGames runs as root its folders are given to {@code uid}; the files
     * WeightGames wrote stay its own, readable by the plugin, not writable.
     */
    private static void prepare(Path work, int uid) {
        try {
            Files.createDirectories(work.resolve(".tmp"));
            if (asRoot()) {
                try (Stream<Path> walk = Files.walk(work)) {
                    for (Path d : walk.filter(Files::isDirectory).toList()) {
                        Files.setAttribute(d, "unix:uid", uid);
                        Files.setAttribute(d, "unix:gid", uid);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new WgException("cannot give the work folder " + work + " to the sandbox's user: " + e.getMessage());
        }
    }

    /** The entries of {@link #ETC} present on this system. */
    static List<Path> etc() {
        List<Path> out = new ArrayList<>();
        for (String e : ETC) {
            if (!e.endsWith("*")) {
                if (Files.exists(Path.of(e))) {
                    out.add(Path.of(e));
                }
                continue;
            }
            String stem = Path.of(e).getFileName().toString().replace("*", "");
            try (Stream<Path> s = Files.list(Path.of("/etc"))) {
                s.filter(p -> p.getFileName().toString().startsWith(stem)).sorted().forEach(out::add);
            } catch (IOException ex) {
                throw new WgException("cannot list /etc for the sandbox: " + ex.getMessage());
            }
        }
        return out;
    }

    /** The generated passwd, group and nsswitch.conf the sandbox shows, written once per JVM. */
    private static synchronized Path stubs() {
        if (stubs != null) {
            return stubs;
        }
        try {
            Path d = Files.createTempDirectory("wg-sandbox-etc-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
            StringBuilder passwd = new StringBuilder("nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
            StringBuilder group = new StringBuilder("nogroup:x:65534:\n");
            for (int k = 0; k < USERS; k++) {
                passwd.append("wg").append(k).append(":x:").append(FIRST_UID + k).append(':').append(FIRST_UID + k)
                        .append(":WeightGames plugin:/trial:/usr/sbin/nologin\n");
                group.append("wg").append(k).append(":x:").append(FIRST_UID + k).append(":\n");
            }
            Files.writeString(d.resolve("passwd"), passwd);
            Files.writeString(d.resolve("group"), group);
            Files.writeString(d.resolve("nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files\n");
            for (Path f : List.of(d, d.resolve("passwd"), d.resolve("group"), d.resolve("nsswitch.conf"))) {
                f.toFile().deleteOnExit();
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
            stubs = d;
            return d;
        } catch (IOException e) {
            throw new WgException("cannot write the sandbox's /etc stubs in " + System.getProperty("java.io.tmpdir") + ": "
                    + e.getMessage());
        }
    }

    /** {@code cores} of the CPUs this process may use, starting at the next one in turn so that parallel calls spread. */
    private String cpus() {
        List<Integer> allowed = allowedCpus();
        int n = Math.min(cores, allowed.size());
        int start = Math.floorMod(NEXT_CPU.getAndAdd(n), allowed.size());
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            picked.add(Integer.toString(allowed.get((start + i) % allowed.size())));
        }
        return String.join(",", picked);
    }

    /** The CPUs this JVM may run on (Cpus_allowed_list), or 0..n-1 where it cannot be read. */
    static List<Integer> allowedCpus() {
        List<Integer> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    for (String part : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                        String[] r = part.split("-");
                        int lo = Integer.parseInt(r[0].trim());
                        int hi = r.length > 1 ? Integer.parseInt(r[1].trim()) : lo;
                        for (int c = lo; c <= hi; c++) {
                            out.add(c);
                        }
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            out.clear();
        }
        if (out.isEmpty()) {
            for (int c = 0; c < Runtime.getRuntime().availableProcessors(); c++) {
                out.add(c);
            }
        }
        return out;
    }

    /** Whether WeightGames runs as root, so that the sandbox must drop to its own uid with setpriv. */
    static boolean asRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
