package org.weightgames.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.adversaries.TaylorCollapse;
import org.weightgames.core.Numerics;
import org.weightgames.core.Coins;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.core.Params;
import org.weightgames.game.Release;
import org.weightgames.model.Activation;
import org.weightgames.model.Init;
import org.weightgames.model.MlpBlock;
import org.weightgames.model.Network;
import org.weightgames.data.Dataset;
import org.weightgames.schemes.taylormlp.TaylorMlp;
import org.weightgames.stats.InferenceCost;

/**
 * Measured inference cost of TaylorMLP against the original block, in one run on the same inputs:
 * for each order N, the released model, the polynomial collapse and the exact collapse, timed in
 * interleaved repeats; each reported as the median ratio to the original with its interquartile
 * range, next to the ratio of multiply-accumulates. Wall-clock figures vary between runs, so they
 * go to {@code timing.json} and the Markdown, never into {@code report.json}.
 */
public final class TaylorTiming {

    private TaylorTiming() {
    }

    public static List<InferenceCost> measure(int in, int hidden, int out, int batch, int[] orders, int repeats) {
        Coins coins = Coins.root(0).derive("timing");
        MlpBlock block = new MlpBlock(Activation.SILU, Init.gaussian(coins, hidden, in, 0.5 / Math.sqrt(in)),
                Init.gaussianVector(coins, hidden, 0.1), Init.gaussian(coins, out, hidden, 1 / Math.sqrt(hidden)),
                Init.gaussianVector(coins, out, 0.1));
        Network original = Network.of(block);
        INDArray calib = Init.gaussian(coins.derive("calibration"), 256, in, 1);
        INDArray x = Init.gaussian(coins.derive("inputs"), batch, in, 1);
        // the models of every order are built first, in parallel (none of that is timed); then each
        // order is timed alone, its four models interleaved
        List<Callable<Network[]>> jobs = new ArrayList<>();
        for (int n : orders) {
            jobs.add(() -> models(original, calib, n, coins.derive("release/" + n)));
        }
        Collections.reverse(jobs); // the highest orders cost the most: start them first
        List<Future<Network[]>> done;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            done = pool.invokeAll(jobs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the timed models", e);
        } finally {
            pool.shutdownNow();
        }
        List<InferenceCost> rows = new ArrayList<>();
        for (int i = 0; i < orders.length; i++) {
            int n = orders[i];
            Network[] models = TrialRunner.get(done.get(orders.length - 1 - i));
            Network released = models[1];
            Network folded = models[2];
            for (int w = 0; w < 3; w++) {
                for (Network m : models) {
                    m.forward(x);
                }
            }
            double[][] t = new double[models.length][repeats];
            for (int rep = 0; rep < repeats; rep++) {
                for (int m = 0; m < models.length; m++) {
                    long s = System.nanoTime();
                    models[m].forward(x);
                    t[m][rep] = System.nanoTime() - s;
                }
            }
            double[] rel = ratio(t[1], t[0]);
            double[] fold = ratio(t[2], t[0]);
            double[] ex = ratio(t[3], t[0]);
            rows.add(new InferenceCost(n, q(rel, 0.5), q(rel, 0.25), q(rel, 0.75), q(fold, 0.5), q(fold, 0.25), q(fold, 0.75),
                    q(ex, 0.5), (double) released.macs() / original.macs(), (double) folded.macs() / original.macs(),
                    q(t[0], 0.5) / 1e6));
        }
        return rows;
    }

    /** The original, its release at order n, and the release's polynomial and exact collapses. */
    private static Network[] models(Network original, INDArray calib, int n, Coins coins) {
        TaylorMlp scheme = new TaylorMlp();
        scheme.init(new Params("taylormlp", Map.of("order", Integer.toString(n), "divergence", "keep")));
        Release r = scheme.release(original, new Dataset(calib, new int[256], 1), coins);
        ExtractionChallenge ch = new ExtractionChallenge(r.artifact(), scheme, null, Map.of(), null);
        return new Network[] {original, scheme.inference(r.artifact()), collapse("polynomial", ch), collapse("exact", ch)};
    }

    private static Network collapse(String mode, ExtractionChallenge ch) {
        TaylorCollapse c = new TaylorCollapse();
        c.init(new Params("taylor-collapse", Map.of("mode", mode)));
        return c.extractFunction(ch, null);
    }

    private static double[] ratio(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }

    private static double q(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return Numerics.quantileOfSorted(s, p);
    }

    static String shape(int in, int hidden, int out, int batch) {
        return in + "->" + hidden + "->" + out + ", batch " + batch;
    }
}
