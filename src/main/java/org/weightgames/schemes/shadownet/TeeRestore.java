package org.weightgames.schemes.shadownet;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Nd;
import org.weightgames.model.Layer;

/**
 * A ShadowNet layer as its legitimate user runs it: the untrusted accelerator computes every
 * released row (the n masked real rows, then the f fake rows) with no bias; the trusted part
 * restores the original channel pi(i) as y'_i - y'_{n + a'_i} and adds the bias, which it holds
 * in the clear. Inference only.
 */
final class TeeRestore implements Layer {
    private final Layer untrusted;
    private final int[] realColumn;
    private final int[] fakeColumn;
    private final INDArray bias;

    /**
     * @param untrusted the released rows as one layer (m = n + f output channels of {@code spatial} positions)
     * @param pi the released row of each position: row i holds original channel pi[i]
     * @param fakeOf a'_i, the fake row released row i was masked with
     * @param b the original bias, one per channel
     */
    TeeRestore(Layer untrusted, int[] pi, int[] fakeOf, INDArray b, int spatial) {
        this.untrusted = untrusted;
        int n = pi.length;
        this.realColumn = new int[n * spatial];
        this.fakeColumn = new int[n * spatial];
        double[] bv = b.dup('c').data().asDouble();
        double[] bias = new double[n * spatial];
        for (int i = 0; i < n; i++) {
            int c = pi[i];
            for (int p = 0; p < spatial; p++) {
                realColumn[c * spatial + p] = i * spatial + p;
                fakeColumn[c * spatial + p] = (n + fakeOf[i]) * spatial + p;
                bias[c * spatial + p] = bv[c];
            }
        }
        this.bias = Nd.vector(bias);
    }

    private TeeRestore(Layer untrusted, int[] realColumn, int[] fakeColumn, INDArray bias) {
        this.untrusted = untrusted;
        this.realColumn = realColumn;
        this.fakeColumn = fakeColumn;
        this.bias = bias;
    }

    @Override
    public String kind() {
        return "shadownet-tee(" + untrusted.kind() + ")";
    }

    @Override
    public long inputSize() {
        return untrusted.inputSize();
    }

    @Override
    public long outputSize() {
        return realColumn.length;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        INDArray y = untrusted.forward(x, false);
        return y.getColumns(realColumn).subi(y.getColumns(fakeColumn)).addiRowVector(bias);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        throw new UnsupportedOperationException("a ShadowNet layer restored in the trusted part runs inference only");
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Map.of();
    }

    @Override
    public long macs() {
        return untrusted.macs();
    }

    @Override
    public long elementwiseOps() {
        return untrusted.elementwiseOps() + 2L * realColumn.length;
    }

    @Override
    public Layer copy() {
        return new TeeRestore(untrusted.copy(), realColumn, fakeColumn, bias.dup());
    }
}
