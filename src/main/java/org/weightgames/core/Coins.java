package org.weightgames.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.prng.EntropySource;
import org.bouncycastle.crypto.prng.drbg.HashSP800DRBG;

/**
 * A deterministic stream of random coins: a NIST SP 800-90A Hash_DRBG (SHA-256) from Bouncy
 * Castle, instantiated from a 256-bit seed. Coins are derived by label, never shared: the
 * challenger's and the adversary's coins of trial t are {@code root.derive("trial/" + t).derive(...)},
 * so the same run seed replays every trial bit for bit and no party can predict another's coins
 * from its own. Not thread-safe: each trial derives its own instances.
 */
public final class Coins {
    private static final int BUFFER = 4096;
    private static final java.lang.invoke.VarHandle LONG_BE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private final byte[] seed;
    private final String path;
    private final HashSP800DRBG drbg;
    private final byte[] buffer = new byte[BUFFER];
    private int position = BUFFER;
    private double spareGaussian;
    private boolean hasSpare;

    private Coins(byte[] seed, String path) {
        this.seed = seed.clone();
        this.path = path;
        byte[] entropy = seed.clone();
        EntropySource source = new EntropySource() {
            @Override
            public boolean isPredictionResistant() {
                return false;
            }

            @Override
            public byte[] getEntropy() {
                return entropy.clone();
            }

            @Override
            public int entropySize() {
                return entropy.length * 8;
            }
        };
        this.drbg = new HashSP800DRBG(new JdkSha256(), 256, source,
                ("weightgames:" + path).getBytes(StandardCharsets.UTF_8), new byte[16]);
    }

    /** The root coins of a run. */
    public static Coins root(long runSeed) {
        byte[] s = sha256(("weightgames-run-seed:" + runSeed).getBytes(StandardCharsets.UTF_8));
        return new Coins(s, "seed=" + runSeed);
    }

    /**
     * Coins from 32 bytes of seed material (drawn from other coins): how an isolated adversary's
     * process gets its coins without learning the run seed, from which the challenger's derive.
     */
    public static Coins fromSeed(byte[] seed, String path) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("a seed of 32 bytes is needed, got " + seed.length);
        }
        return new Coins(seed, path);
    }

    /** Independent coins for a named sub-task; the same label always gives the same stream. */
    public Coins derive(String label) {
        SHA256Digest d = new SHA256Digest();
        d.update(seed, 0, seed.length);
        byte[] l = ("/" + label).getBytes(StandardCharsets.UTF_8);
        d.update(l, 0, l.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return new Coins(out, path + "/" + label);
    }

    /** Where in the derivation tree these coins sit, e.g. {@code seed=1/trial/3/challenger}. */
    public String path() {
        return path;
    }

    public void nextBytes(byte[] out) {
        int i = 0;
        while (i < out.length) {
            if (position == BUFFER) {
                drbg.generate(buffer, null, false);
                position = 0;
            }
            int n = Math.min(out.length - i, BUFFER - position);
            System.arraycopy(buffer, position, out, i, n);
            position += n;
            i += n;
        }
    }

    private byte nextByte() {
        if (position == BUFFER) {
            drbg.generate(buffer, null, false);
            position = 0;
        }
        return buffer[position++];
    }

    public long nextLong() {
        if (position <= BUFFER - 8) {
            // the same eight bytes, big-endian, read at once
            long v = (long) LONG_BE.get(buffer, position);
            position += 8;
            return v;
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (nextByte() & 0xFFL);
        }
        return v;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long limit = (1L << 32) - ((1L << 32) % bound);
        while (true) {
            long r = nextLong() >>> 32;
            if (r < limit) {
                return (int) (r % bound);
            }
        }
    }

    public boolean nextBoolean() {
        return (nextByte() & 1) == 1;
    }

    /** Standard normal (Marsaglia polar method). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * m;
        hasSpare = true;
        return u * m;
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** k distinct indices from 0..n-1, in random order. */
    public int[] sample(int n, int k) {
        if (k > n) {
            throw new IllegalArgumentException("cannot sample " + k + " of " + n);
        }
        return Arrays.copyOf(permutation(n), k);
    }

    static byte[] sha256(byte[] in) {
        SHA256Digest d = new SHA256Digest();
        d.update(in, 0, in.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }
}
