package org.weightgames.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plugin process's stderr: its lines, control and formatting characters (escapes, carriage
 * returns, bidirectional overrides) each replaced by {@code ?} and cut at {@value #LINE} characters,
 * go to the run's stderr and to plugins.log prefixed with {@code [plugin <id>]}, until the
 * process has logged {@code plugins.log} KB or the plugin {@code plugins.log-run} KB in the run;
 * then one line says so and the rest is read and dropped. The last three lines are kept for
 * failure messages whatever the caps. Paths in the sandbox's plugin folder ({@code /plugin/}) are
 * written as the author's own folder, so a traceback names the file they edit.
 */
final class PluginLog {
    static final int LINE = 300;
    /** Room kept under each cap for the line that says it was reached. */
    private static final int NOTE = 200;
    private final String id;
    private final long cap;
    private final long runCap;
    private final AtomicLong run;
    private final Deque<String> tail = new ArrayDeque<>();
    private long logged;
    private boolean capped;

    /** The plugin's folder as the sandbox shows it, and as its author knows it (equal when there is no sandbox). */
    private final String inside;
    private final String outside;

    PluginLog(String id, long capBytes, long runCapBytes, AtomicLong run, String inside, String outside) {
        this.id = id;
        this.inside = inside.endsWith("/") ? inside : inside + "/";
        this.outside = outside.endsWith("/") ? outside : outside + "/";
        this.cap = capBytes;
        this.runCap = runCapBytes;
        this.run = run;
    }

    /** Reads {@code in} to its end, line by line, holding at most one cut line in memory. */
    void copy(InputStream in) {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            boolean cut = false;
            int c;
            while ((c = r.read()) != -1) {
                if (c == '\n') {
                    line(line.toString() + (cut ? "..." : ""));
                    line.setLength(0);
                    cut = false;
                } else if (line.length() < LINE) {
                    line.append(clean((char) c));
                } else {
                    cut = true;
                }
            }
            if (!line.isEmpty()) {
                line(line.toString() + (cut ? "..." : ""));
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** The last three lines, joined, for a failure message. */
    String tail() {
        synchronized (tail) {
            return String.join(" | ", tail);
        }
    }

    static char clean(char c) {
        int t = Character.getType(c);
        return c == '\t' ? ' ' : t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
                || t == Character.UNASSIGNED || t == Character.PRIVATE_USE ? '?' : c;
    }

    /** A line with the sandbox's path of the plugin's folder put back to the author's own, as in a traceback's {@code File "..."}. */
    String author(String l) {
        return inside.equals(outside) ? l : l.replace("\"" + inside, "\"" + outside).replace(" " + inside, " " + outside);
    }

    private void line(String raw) {
        String l = author(raw);
        synchronized (tail) {
            tail.addLast(l);
            if (tail.size() > 3) {
                tail.removeFirst();
            }
        }
        if (capped) {
            return;
        }
        String out = "[plugin " + id + "] " + l;
        long bytes = out.getBytes(StandardCharsets.UTF_8).length + 1L;
        boolean mine = logged + bytes + NOTE > cap;
        if (mine || run.addAndGet(bytes) + NOTE > runCap) {
            capped = true;
            out = "[plugin " + id + "] (its further stderr is not logged: past " + (mine ? cap / 1024
                    + " KB for this process, plugins.log" : runCap / 1024 + " KB for this plugin in this run, plugins.log-run") + ")";
        }
        logged += bytes;
        System.err.println(out);
        Plugins.log(out);
    }
}
