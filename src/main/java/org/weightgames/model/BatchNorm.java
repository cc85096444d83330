package org.weightgames.model;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.weightgames.core.Nd;

/**
 * Batch normalisation over the features of a batch: y = gamma (x - mu) / sqrt(var + eps) + beta,
 * with batch statistics in training and running statistics (momentum 0.1) in inference. With
 * {@code spatial} > 1 it normalises the channels of channel-major images (BatchNorm2d): each of
 * the C channels has one gamma and beta shared by its {@code spatial} = h * w positions.
 */
public final class BatchNorm implements Layer {
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    private final INDArray gamma;
    private final INDArray beta;
    private final INDArray runningMean;
    private final INDArray runningVar;
    private final INDArray gGamma;
    private final INDArray gBeta;
    private final int spatial;
    private INDArray xHat;
    private INDArray invStd;

    public BatchNorm(INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar) {
        this(gamma, beta, runningMean, runningVar, 1);
    }

    public BatchNorm(INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar, int spatial) {
        long c = gamma.length();
        if (gamma.rank() != 1 || beta.rank() != 1 || runningMean.rank() != 1 || runningVar.rank() != 1
                || beta.length() != c || runningMean.length() != c || runningVar.length() != c) {
            throw new IllegalArgumentException("batch norm needs gamma, beta, running_mean and running_var as vectors of"
                    + " one length");
        }
        if (spatial < 1) {
            throw new IllegalArgumentException("batch norm spatial size must be at least 1, got " + spatial);
        }
        this.spatial = spatial;
        this.gamma = gamma;
        this.beta = beta;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
        this.gGamma = Nd.zeros(gamma.shape());
        this.gBeta = Nd.zeros(beta.shape());
    }

    public static BatchNorm init(int size) {
        return init(size, 1);
    }

    /** BatchNorm2d over {@code channels} channels of {@code spatial} positions each. */
    public static BatchNorm init(int channels, int spatial) {
        return new BatchNorm(Nd.ones(channels), Nd.zeros(channels), Nd.zeros(channels), Nd.ones(channels), spatial);
    }

    /**
     * The share of the total |gamma| of all the network's batch norms held by the largest
     * {@code fraction} of them (at least one): the concentration CoreLocker's lock relies on
     * (Network Slimming training pushes it up). NaN when the network has no batch norm.
     */
    public static double topShare(Network net, double fraction) {
        java.util.List<Double> all = new java.util.ArrayList<>();
        for (Layer l : net.layers()) {
            if (l instanceof BatchNorm) {
                for (double g : ((BatchNorm) l).gamma.dup('c').data().asDouble()) {
                    all.add(Math.abs(g));
                }
            }
        }
        if (all.isEmpty()) {
            return Double.NaN;
        }
        all.sort(java.util.Collections.reverseOrder());
        int k = Math.max(1, (int) Math.round(fraction * all.size()));
        double top = 0;
        double total = 0;
        for (int i = 0; i < all.size(); i++) {
            total += all.get(i);
            top += i < k ? all.get(i) : 0;
        }
        return total > 0 ? top / total : Double.NaN;
    }

    /** Positions per channel: 1 for features, h * w for images. */
    public int spatial() {
        return spatial;
    }

    public int channels() {
        return (int) gamma.length();
    }

    /** [n, C*S] channel-major to [n*S, C]: one row per position. */
    private INDArray toRows(INDArray x) {
        if (spatial == 1) {
            return x;
        }
        long n = x.rows();
        return x.reshape('c', n, gamma.length(), spatial).permute(0, 2, 1).dup('c').reshape('c', n * spatial, gamma.length());
    }

    private INDArray fromRows(INDArray y) {
        if (spatial == 1) {
            return y;
        }
        long n = y.rows() / spatial;
        return y.reshape('c', n, spatial, gamma.length()).permute(0, 2, 1).dup('c').reshape('c', n, gamma.length() * spatial);
    }

    @Override
    public String kind() {
        return "batchnorm";
    }

    @Override
    public long inputSize() {
        return gamma.length() * spatial;
    }

    @Override
    public long outputSize() {
        return gamma.length() * spatial;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        return fromRows(forwardRows(toRows(x), training));
    }

    private INDArray forwardRows(INDArray x, boolean training) {
        INDArray mean;
        INDArray var;
        if (training) {
            mean = x.mean(0);
            INDArray centred = x.subRowVector(mean);
            var = centred.mul(centred).mean(0);
            long n = x.rows();
            runningMean.muli(1 - MOMENTUM).addi(mean.mul(MOMENTUM));
            runningVar.muli(1 - MOMENTUM).addi(var.mul(MOMENTUM * n / Math.max(1, n - 1)));
            invStd = Transforms.pow(var.add(EPS), -0.5, false);
            xHat = centred.mulRowVector(invStd);
            return xHat.mulRowVector(gamma).addiRowVector(beta);
        }
        mean = runningMean;
        var = runningVar;
        INDArray inv = Transforms.pow(var.add(EPS), -0.5, false);
        return x.subRowVector(mean).muliRowVector(inv.mul(gamma)).addiRowVector(beta);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        INDArray g = toRows(gradOut);
        long n = g.rows();
        gGamma.addi(g.mul(xHat).sum(0));
        gBeta.addi(g.sum(0));
        INDArray gHat = g.mulRowVector(gamma);
        // dx = invStd / n * (n gHat - sum(gHat) - xHat * sum(gHat * xHat))
        INDArray sumG = gHat.sum(0);
        INDArray sumGX = gHat.mul(xHat).sum(0);
        INDArray dx = gHat.mul(n).subiRowVector(sumG).subi(xHat.mulRowVector(sumGX));
        return fromRows(dx.muliRowVector(invStd.div(n)));
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Layer.named("gamma", gamma, "beta", beta);
    }

    @Override
    public Map<String, INDArray> buffers() {
        return Layer.named("running_mean", runningMean, "running_var", runningVar);
    }

    @Override
    public Map<String, INDArray> gradients() {
        return Layer.named("gamma", gGamma, "beta", gBeta);
    }

    @Override
    public long macs() {
        return 0;
    }

    @Override
    public long elementwiseOps() {
        return 2 * gamma.length() * spatial;
    }

    @Override
    public Layer copy() {
        return new BatchNorm(gamma.dup(), beta.dup(), runningMean.dup(), runningVar.dup(), spatial);
    }
}
