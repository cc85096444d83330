package org.weightgames.data;

import java.nio.ByteBuffer;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.util.encoders.Hex;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;

/**
 * The embedded default data set, generated (not downloaded) from a fixed seed: 10 classes in 32
 * dimensions, each class a mixture of two Gaussian clusters so that a linear model does not
 * suffice; 6000 training and 2000 test rows. The same bytes on every machine.
 */
public final class SyntheticData {
    public static final String NAME = "synthetic";
    public static final int DIM = 32;
    public static final int CLASSES = 10;
    public static final int TRAIN = 6000;
    public static final int TEST = 2000;
    private static volatile DataSource cached;

    private SyntheticData() {
    }

    public static DataSource load() {
        DataSource c = cached;
        if (c == null) {
            synchronized (SyntheticData.class) {
                if (cached == null) {
                    cached = generate();
                }
                c = cached;
            }
        }
        return c;
    }

    private static DataSource generate() {
        Coins coins = Coins.root(0).derive("synthetic-data-v1");
        double[][] centres = new double[CLASSES * 2][DIM];
        for (double[] centre : centres) {
            for (int d = 0; d < DIM; d++) {
                centre[d] = 0.45 * coins.nextGaussian();
            }
        }
        SHA256Digest digest = new SHA256Digest();
        Dataset train = sample(coins.derive("train"), centres, TRAIN, digest);
        Dataset test = sample(coins.derive("test"), centres, TEST, digest);
        byte[] h = new byte[32];
        digest.doFinal(h, 0);
        return new DataSource(NAME, train, test, Hex.toHexString(h),
                "embedded generator synthetic-data-v1 (10 classes x 2 Gaussian clusters, 32 dimensions)");
    }

    private static Dataset sample(Coins coins, double[][] centres, int n, SHA256Digest digest) {
        double[] x = new double[n * DIM];
        int[] y = new int[n];
        ByteBuffer buf = ByteBuffer.allocate(8);
        for (int i = 0; i < n; i++) {
            int k = coins.nextInt(centres.length);
            y[i] = k % CLASSES;
            for (int d = 0; d < DIM; d++) {
                x[i * DIM + d] = centres[k][d] + 0.5 * coins.nextGaussian();
                buf.clear();
                buf.putDouble(x[i * DIM + d]);
                digest.update(buf.array(), 0, 8);
            }
            digest.update((byte) y[i]);
        }
        return new Dataset(Nd.matrix(x, n, DIM), y, CLASSES);
    }
}
