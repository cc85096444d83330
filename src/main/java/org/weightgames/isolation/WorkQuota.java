package org.weightgames.isolation;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The checked quota of a sandboxed process's work folder ({@code plugins.disk}): the folder may
 * hold at most {@code limit} bytes more than WeightGames itself wrote into it. Each file counts its
 * size rounded up to 4 KB, and every entry 4 KB more (so that a million empty files count too).
 * WeightGames writes its files through {@link #write} (or they are there when the quota is made);
 * {@link #watch} checks the folder every 0.1 s (longer when walking it takes longer) and calls
 * back once when the process is past its quota. Between two checks a process can write what the
 * disk takes in that time; a single file is bounded by the process's file-size limit.
 */
public final class WorkQuota {
    private static final long BLOCK = 4096;
    private final Path dir;
    private final long limit;
    private final Map<Path, Long> host = new HashMap<>();
    private long hostBytes;

    /** A quota on {@code dir}; what it holds already is WeightGames' own. */
    public WorkQuota(Path dir, long limit) {
        this.dir = dir;
        this.limit = limit;
        this.hostBytes = used(dir);
    }

    /** Writes WeightGames' file {@code name} with {@code writer}, not counted against the process. */
    public synchronized Path write(String name, Consumer<Path> writer) {
        Path p = dir.resolve(name);
        writer.accept(p);
        readable(p);
        long size = BLOCK + rounded(p);
        Long before = host.put(p, size);
        hostBytes += size - (before == null ? 0 : before);
        return p;
    }

    /** Deletes {@code file}, giving back its bytes if WeightGames wrote it. */
    public synchronized void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // removed with the folder
        }
        Long size = host.remove(file);
        if (size != null) {
            hostBytes -= size;
        }
    }

    /** The bytes past the quota now (negative: within it). */
    public synchronized long excess() {
        return used(dir) - hostBytes - limit;
    }

    /**
     * Checks the folder while {@code process} lives, in a daemon thread, and runs
     * {@code exceeded} once if it goes past its quota.
     */
    public Thread watch(Process process, Runnable exceeded) {
        Thread t = new Thread(() -> {
            long pause = 100;
            while (process.isAlive()) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    return;
                }
                long t0 = System.nanoTime();
                if (process.isAlive() && excess() > 0) {
                    exceeded.run();
                    return;
                }
                pause = Math.max(100, 2 * (System.nanoTime() - t0) / 1_000_000);
            }
        }, "wg-work-quota");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Lets the sandbox's user read WeightGames' file {@code p} (written 0600 where written atomically). */
    public static void readable(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException | UnsupportedOperationException e) {
            // the process reports the file it cannot read
        }
    }

    private static long rounded(Path p) {
        try {
            return (Files.size(p) + BLOCK - 1) / BLOCK * BLOCK;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The folder's bytes as the quota counts them; entries that vanish while it walks count nothing. */
    static long used(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    total[0] += BLOCK + (a.size() + BLOCK - 1) / BLOCK * BLOCK;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                    total[0] += BLOCK;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a folder that is gone holds nothing
        }
        return total[0];
    }
}
