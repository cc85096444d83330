package org.weightgames.model;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation over the features of a batch: y = gamma (x - mu) / sqrt(var + eps) + beta,
 * with batch statistics in training and running statistics (momentum 0.1) in inference.
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
    private INDArray xHat;
    private INDArray invStd;

    public BatchNorm(INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar) {
        this.gamma = gamma;
        this.beta = beta;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
        this.gGamma = Nd.zeros(gamma.shape());
        this.gBeta = Nd.zeros(beta.shape());
    }

    public static BatchNorm init(int size) {
        return new BatchNorm(Nd.ones(size), Nd.zeros(size), Nd.zeros(size), Nd.ones(size));
    }

    @Override
    public String kind() {
        return "batchnorm";
    }

    @Override
    public long inputSize() {
        return gamma.length();
    }

    @Override
    public long outputSize() {
        return gamma.length();
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
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
    public INDArray backward(INDArray g) {
        long n = g.rows();
        gGamma.addi(g.mul(xHat).sum(0));
        gBeta.addi(g.sum(0));
        INDArray gHat = g.mulRowVector(gamma);
        // dx = invStd / n * (n gHat - sum(gHat) - xHat * sum(gHat * xHat))
        INDArray sumG = gHat.sum(0);
        INDArray sumGX = gHat.mul(xHat).sum(0);
        INDArray dx = gHat.mul(n).subiRowVector(sumG).subi(xHat.mulRowVector(sumGX));
        return dx.muliRowVector(invStd.div(n));
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("gamma", gamma);
        m.put("beta", beta);
        return m;
    }

    @Override
    public Map<String, INDArray> buffers() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("running_mean", runningMean);
        m.put("running_var", runningVar);
        return m;
    }

    @Override
    public Map<String, INDArray> gradients() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("gamma", gGamma);
        m.put("beta", gBeta);
        return m;
    }

    @Override
    public long macs() {
        return 0;
    }

    @Override
    public long elementwiseOps() {
        return 2 * gamma.length();
    }

    @Override
    public Layer copy() {
        return new BatchNorm(gamma.dup(), beta.dup(), runningMean.dup(), runningVar.dup());
    }
}
