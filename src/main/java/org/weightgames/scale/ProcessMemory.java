package org.weightgames.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident memory as Linux reports it in /proc, for the bench's peak-memory figures. */
final class ProcessMemory {
    private ProcessMemory() {
    }

    /** Resets the kernel's high-water mark of resident memory (Linux), so the next peak is this phase's. */
    static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux or not allowed: the peak then covers the whole process
        }
    }

    /** VmHWM of this process in bytes, or -1 where /proc is absent. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Polls /proc/self/status every 10 ms for the resident memory that is the process's own (RssAnon:
     * heap and native allocations) and that of mapped checkpoint pages (RssFile: page cache the
     * kernel can drop), keeping each one's peak.
     */
    static final class MemorySampler {
        private final long[] peak = new long[2];
        private volatile boolean running = true;
        private final Thread thread;

        MemorySampler() {
            thread = new Thread(() -> {
                while (running) {
                    sample();
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "wg-memory");
            thread.setDaemon(true);
            thread.start();
        }

        private synchronized void sample() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("RssAnon:")) {
                        peak[0] = Math.max(peak[0], Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                    } else if (line.startsWith("RssFile:")) {
                        peak[1] = Math.max(peak[1], Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                    }
                }
            } catch (IOException | RuntimeException e) {
                running = false;
            }
        }

        /** Stops and returns {anonymous, file} peaks in bytes (0 where /proc is absent). */
        long[] stop() {
            running = false;
            thread.interrupt();
            sample();
            synchronized (this) {
                return peak.clone();
            }
        }
    }
}
