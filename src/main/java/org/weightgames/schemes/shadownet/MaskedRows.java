package org.weightgames.schemes.shadownet;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;

/**
 * One layer's ShadowNet transformation as TEESlice re-implements it: the n weight rows W_i (dense
 * neurons, convolution filters) become f = max(1, int(r n) - n) fake rows F_j, entries i.i.d.
 * Uniform(-t, t), and n released real rows, row i = W_{pi(i)} + F_{a'_i}, with pi a secret
 * permutation and a'_i drawn uniformly (with replacement) from the fake rows. The trusted part
 * keeps {@code pi} and {@code fakeOf} (a'): the original channel pi(i)'s output is
 * y'_i - y'_{n + a'_i}.
 */
record MaskedRows(INDArray real, INDArray fake, int[] pi, int[] fakeOf) {

    /** How many fake rows a layer of n rows gets at ratio r: int(r n) - n, at least one. */
    static int fakeRows(int n, double ratio) {
        return Math.max(1, (int) (ratio * n) - n);
    }

    /** Masks and shuffles the rows of {@code w} (shape [n, d]) with coins. */
    static MaskedRows mask(INDArray w, double ratio, double t, Coins coins) {
        int n = (int) w.rows();
        int d = (int) w.columns();
        int f = fakeRows(n, ratio);
        double[] fake = new double[f * d];
        Coins fc = coins.derive("fake");
        for (int i = 0; i < fake.length; i++) {
            fake[i] = (2 * fc.nextDouble() - 1) * t;
        }
        Coins ac = coins.derive("assignment");
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = ac.nextInt(f);
        }
        int[] pi = coins.derive("permutation").permutation(n);
        double[] rows = w.dup('c').data().asDouble();
        double[] real = new double[n * d];
        int[] fakeOf = new int[n];
        for (int i = 0; i < n; i++) {
            int src = pi[i];
            fakeOf[i] = a[src];
            for (int k = 0; k < d; k++) {
                real[i * d + k] = rows[src * d + k] + fake[a[src] * d + k];
            }
        }
        return new MaskedRows(Nd.matrix(real, n, d), Nd.matrix(fake, f, d), pi, fakeOf);
    }
}
