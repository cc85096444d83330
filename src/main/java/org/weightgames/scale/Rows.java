package org.weightgames.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.weightgames.core.WgException;

/** Splits row ranges over a few threads; each worker gets a contiguous range. */
final class Rows {
    private Rows() {
    }

    interface RangeTask {
        void run(int worker, long from, long to) throws Exception;
    }

    /** Runs {@code task} on {@code threads} contiguous slices of [0, rows) and waits for all. */
    static void parallel(long rows, int threads, RangeTask task) {
        parallel(null, rows, threads, task);
    }

    /** As above on a caller's pool (null: a pool for this call only). */
    static void parallel(ExecutorService shared, long rows, int threads, RangeTask task) {
        int t = (int) Math.max(1, Math.min(threads, rows));
        if (t == 1) {
            try {
                task.run(0, 0, rows);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new WgException(e.getMessage(), e);
            }
            return;
        }
        ExecutorService pool = shared != null ? shared : pool(t);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < t; w++) {
                long from = rows * w / t;
                long to = rows * (w + 1) / t;
                int worker = w;
                fs.add(pool.submit(() -> {
                    task.run(worker, from, to);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException) {
                        throw (RuntimeException) c;
                    }
                    throw new WgException(String.valueOf(c.getMessage()), c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new WgException("interrupted", e);
                }
            }
        } finally {
            if (shared == null) {
                pool.shutdownNow();
            }
        }
    }

    /**
     * guard[j] += row[off + j] * 0: stays 0 while every value of column j is finite and becomes NaN at
     * the first NaN or infinity; one vectorised pass per row ({@link #firstNonFinite} reads it at the end).
     */
    static void guard(float[] row, int off, float[] guard, int len) {
        for (int j = 0; j < len; j++) {
            guard[j] += row[off + j] * 0f;
        }
    }

    /** As {@link #guard(float[], int, float[], int)} for doubles. */
    static void guard(double[] row, int off, double[] guard, int len) {
        for (int j = 0; j < len; j++) {
            guard[j] += row[off + j] * 0.0;
        }
    }

    /** The first column a guard saw a NaN or an infinity in, or -1. */
    static int firstNonFinite(float[] guard) {
        for (int j = 0; j < guard.length; j++) {
            if (guard[j] != 0) {
                return j;
            }
        }
        return -1;
    }

    /** As {@link #firstNonFinite(float[])} for doubles. */
    static int firstNonFinite(double[] guard) {
        for (int j = 0; j < guard.length; j++) {
            if (guard[j] != 0) {
                return j;
            }
        }
        return -1;
    }

    static ExecutorService pool(int threads) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "wg-rows");
            th.setDaemon(true);
            return th;
        });
    }
}
