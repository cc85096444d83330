package org.weightgames.plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.weightgames.core.WgException;
import org.weightgames.isolation.Sandbox;
import org.weightgames.isolation.WorkQuota;

/**
 * One plugin process speaking protocol v1 (docs/plugins.md): JSON lines on its stdin and stdout,
 * tensors as safetensors files in its work folder, stderr copied to the run's log with the
 * plugin's id ({@link PluginLog}). Every call has the sandbox's time limit, and the process its
 * CPU, file and work-folder ({@link WorkQuota}) limits; a plugin that runs past one, dies, prints
 * something that is not a JSON object or names a file outside its work folder is stopped, and
 * the call fails with one {@link WgException} giving the reason and the last lines of its stderr.
 * Closing it says {@code bye} and kills what is left.
 */
final class PluginProcess implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LINE = 1 << 20;
    private static final Object EOF = new Object();

    /** Answers the calls a plugin makes while it plays (oracles), by op. */
    interface Calls {
        ObjectNode answer(JsonNode call);
    }

    private final Manifest manifest;
    private final Sandbox sandbox;
    private final Path work;
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
    private final PluginLog stderr;
    private final WorkQuota quota;
    /** Why WeightGames stopped the process (a limit), or null. */
    private volatile String stopped;
    private final Counter names = new Counter();
    private int requests;

    PluginProcess(Manifest manifest, Sandbox sandbox, Path work, Path python, WorkQuota quota) {
        this.manifest = manifest;
        this.sandbox = sandbox;
        this.work = work;
        this.quota = quota;
        String folder = manifest.folder().toAbsolutePath().normalize().toString();
        this.stderr = new PluginLog(manifest.id(), (long) sandbox.logKb() << 10, (long) sandbox.logRunKb() << 10,
                Plugins.logged(manifest.id()), sandbox.pluginPath(manifest.folder()).toString(), folder);
        List<String> cmd = sandbox.wrap(inside(manifest, sandbox), manifest.folder(), python, work);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        if (!sandbox.enabled()) {
            Map<String, String> env = pb.environment();
            env.put("HOME", work.toString());
            env.put("WG_PLUGIN", manifest.folder().toString());
            env.put("OMP_NUM_THREADS", "1");
            env.put("PYTHONDONTWRITEBYTECODE", "1");
            env.remove("WG_CACHE");
            if (python != null) {
                env.put("PYTHONPATH", python.toString());
            }
        }
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new WgException("plugin '" + manifest.id() + "' (" + manifest.file() + ") could not be started: " + e.getMessage()
                    + "; check its \"command\"");
        }
        stdin = process.getOutputStream();
        Thread out = new Thread(() -> readLines(process.getInputStream()), "wg-plugin-out-" + manifest.id());
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> stderr.copy(process.getErrorStream()), "wg-plugin-err-" + manifest.id());
        err.setDaemon(true);
        err.start();
        if (sandbox.enabled()) {
            quota.watch(process, () -> stop("wrote more than its " + sandbox.diskMb() + " MB into its work folder (plugins.disk)"
                    + " and was stopped"));
        }
    }

    private void stop(String why) {
        stopped = why;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** A file of WeightGames' own written into the work folder, not counted against the plugin's quota. */
    Path input(String name, Consumer<Path> writer) {
        return quota.write(name, writer);
    }

    /**
     * The manifest's command with every argument that names a file of the plugin's folder made
     * absolute, as the process sees that folder.
     */
    static List<String> inside(Manifest m, Sandbox sandbox) {
        List<String> out = new ArrayList<>();
        for (String a : m.command()) {
            Path p = m.folder().resolve(a).normalize();
            boolean local = !a.startsWith("/") && p.startsWith(m.folder()) && Files.exists(p);
            out.add(local ? sandbox.pluginPath(m.folder()).resolve(m.folder().relativize(p)).toString() : a);
        }
        return out;
    }

    Path work() {
        return work;
    }

    Counter names() {
        return names;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** A request with its op and id. */
    ObjectNode request(String op) {
        ObjectNode r = JSON.createObjectNode();
        r.put("op", op);
        r.put("id", ++requests);
        return r;
    }

    /**
     * Sends {@code request} and returns the plugin's reply ({@code "ok": true}), answering the
     * calls it makes meanwhile with {@code calls} (null: it may make none).
     */
    JsonNode call(ObjectNode request, Calls calls) {
        String op = request.path("op").asText();
        send(request, op);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(sandbox.timeoutSeconds());
        while (true) {
            Object line;
            try {
                line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new WgException("interrupted while plugin '" + manifest.id() + "' answered '" + op + "'");
            }
            if (line == null && stopped == null) {
                process.destroyForcibly();
                throw fail("did not answer '" + op + "' within its " + sandbox.timeoutSeconds() + " s and was stopped");
            }
            if (line == EOF || line == null) {
                waitQuietly();
                throw fail("ended while answering '" + op + "' (" + exit() + ")");
            }
            if (line instanceof String s && s.startsWith("!")) {
                process.destroyForcibly();
                throw fail(s.substring(1));
            }
            JsonNode msg;
            try {
                msg = JSON.readTree((String) line);
            } catch (IOException e) {
                msg = null;
            }
            if (msg == null || !msg.isObject()) {
                process.destroyForcibly();
                throw fail("printed something that is not a protocol message while answering '" + op + "': "
                        + abbreviate((String) line));
            }
            if (msg.has("ok")) {
                if (!msg.path("ok").asBoolean(false)) {
                    throw fail("refused '" + op + "': " + msg.path("error").asText("no reason given"));
                }
                return msg;
            }
            String callOp = msg.path("op").asText("");
            ObjectNode reply;
            if (calls == null) {
                reply = error("no calls can be made during '" + op + "'");
            } else {
                try {
                    reply = calls.answer(msg);
                } catch (WgException | IllegalArgumentException | UnsupportedOperationException e) {
                    reply = error(e.getMessage());
                }
            }
            if (reply == null) {
                process.destroyForcibly();
                throw fail("made an unknown call '" + callOp + "' while answering '" + op + "'");
            }
            send(reply, op);
        }
    }

    static ObjectNode error(String why) {
        ObjectNode r = JSON.createObjectNode();
        r.put("ok", false);
        r.put("error", why == null ? "failed" : why);
        return r;
    }

    /** A file the plugin named in a reply, inside its work folder and present. */
    Path file(JsonNode reply, String field) {
        JsonNode v = reply.path(field);
        if (!v.isTextual()) {
            throw fail("answered without the file \"" + field + "\"");
        }
        Path p = work.resolve(v.asText()).normalize();
        if (v.asText().startsWith("/") || !p.startsWith(work)) {
            throw fail("named the file '" + v.asText() + "' outside its work folder; name files relative to it");
        }
        if (!Files.isRegularFile(p)) {
            throw fail("named the file '" + v.asText() + "', which it did not write");
        }
        return p;
    }

    WgException fail(String what) {
        String tail = stderr.tail();
        return new WgException("plugin '" + manifest.id() + "' " + what + (tail.isEmpty() ? "" : "; its stderr ends: " + tail));
    }

    private void send(JsonNode msg, String op) {
        try {
            stdin.write(JSON.writeValueAsBytes(msg));
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            waitQuietly();
            throw fail("stopped reading its requests during '" + op + "' (" + exit() + ")");
        }
    }

    private void readLines(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == '\n') {
                        lines.add(buf.toString(StandardCharsets.UTF_8));
                        buf.reset();
                    } else if (buf.size() >= MAX_LINE) {
                        lines.add("!printed a line longer than " + MAX_LINE + " bytes; tensors travel as files");
                        return;
                    } else {
                        buf.write(chunk[i]);
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        } finally {
            lines.add(EOF);
        }
    }

    private void waitQuietly() {
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String exit() {
        if (stopped != null) {
            return stopped;
        }
        if (process.isAlive()) {
            return "still running";
        }
        int s = process.exitValue();
        String limit = sandbox.limitReached(s);
        if (limit != null) {
            return limit;
        }
        return s > 128 ? "killed by signal " + (s - 128) + (s == 137 ? ", e.g. out of memory or time" : "") : "exit status " + s;
    }

    private static String abbreviate(String s) {
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 120 ? t.substring(0, 120) + "..." : t;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                ObjectNode bye = JSON.createObjectNode();
                bye.put("op", "bye");
                stdin.write(JSON.writeValueAsBytes(bye));
                stdin.write('\n');
                stdin.close();
                process.waitFor(2, TimeUnit.SECONDS);
            } catch (IOException ignored) {
                // already gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Mutable ids for files a call writes ({@code samples-3.safetensors}). */
    static final class Counter {
        private final Map<String, Integer> next = new HashMap<>();

        synchronized String name(String stem) {
            int k = next.merge(stem, 1, Integer::sum);
            return stem + "-" + k + ".safetensors";
        }
    }
}
