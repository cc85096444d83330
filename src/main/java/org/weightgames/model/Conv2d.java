package org.weightgames.model;


import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;

/**
 * A 2-d convolution with square kernels, stride 1 and "same" zero padding, on rows that hold
 * images channel-major ({@code c * h * w + y * w + x}). The filters are one matrix W of shape
 * [filters, channels * k * k] (so removing a filter is removing a row, and removing an input
 * channel is removing a group of k * k columns), plus a bias per filter. Computed as im2col, then
 * one matrix product.
 */
public final class Conv2d extends Affine {
    private final int channels;
    private final int height;
    private final int width;
    private final int k;
    private INDArray lastCols;

    public Conv2d(INDArray w, INDArray b, int channels, int height, int width, int k) {
        super(w, b);
        if (w.rank() != 2 || b.rank() != 1 || b.length() != w.rows()) {
            throw new IllegalArgumentException("conv filters need W [filters, channels*k*k] and b [filters]");
        }
        if (k < 1 || k % 2 == 0 || channels < 1 || height < 1 || width < 1 || w.columns() != (long) channels * k * k) {
            throw new IllegalArgumentException("conv W has " + w.columns() + " columns but " + channels + " channels of "
                    + k + "x" + k + " kernels (odd k) need " + ((long) channels * k * k));
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.k = k;
    }

    /** He-initialised filters (ReLU networks), zero bias. */
    public static Conv2d init(int channels, int filters, int height, int width, int k, Coins coins) {
        return new Conv2d(Init.gaussian(coins, filters, (long) channels * k * k, Math.sqrt(2.0 / (channels * k * k))),
                Nd.zeros(filters), channels, height, width, k);
    }

    public int channels() {
        return channels;
    }

    public int filters() {
        return (int) w.rows();
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int kernel() {
        return k;
    }

    @Override
    public String kind() {
        return "conv2d";
    }

    @Override
    public long inputSize() {
        return (long) channels * height * width;
    }

    @Override
    public long outputSize() {
        return w.rows() * height * width;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        int n = (int) x.rows();
        int hw = height * width;
        INDArray cols = Nd.matrix(im2col(x.dup('c').data().asDouble(), n), (long) n * hw, (long) channels * k * k);
        if (training) {
            lastCols = cols;
        }
        INDArray out = cols.mmul(w.transpose()).addiRowVector(b);
        return out.reshape('c', n, hw, w.rows()).permute(0, 2, 1).dup('c').reshape('c', n, w.rows() * hw);
    }

    @Override
    public INDArray backward(INDArray g) {
        int n = (int) g.rows();
        double[] dcols = outputGradient(g).mmul(w).dup('c').data().asDouble();
        return Nd.matrix(col2im(dcols, n), n, inputSize());
    }

    @Override
    public void backwardParameters(INDArray g) {
        outputGradient(g);
    }

    /** Adds the parameter gradients; returns the output's gradient as rows of (image, position) by channel. */
    private INDArray outputGradient(INDArray g) {
        int n = (int) g.rows();
        int hw = height * width;
        INDArray g2 = g.reshape('c', n, w.rows(), hw).permute(0, 2, 1).dup('c').reshape('c', (long) n * hw, w.rows());
        gw.addi(g2.transpose().mmul(lastCols));
        gb.addi(g2.sum(0));
        return g2;
    }

    private double[] im2col(double[] x, int n) {
        double[] cols = new double[n * height * width * channels * k * k];
        walk(x, cols, n, true);
        return cols;
    }

    private double[] col2im(double[] cols, int n) {
        double[] x = new double[n * channels * height * width];
        walk(x, cols, n, false);
        return x;
    }

    /**
     * Visits every (image position, kernel tap) pair inside the image once: copies the pixel into
     * its column entry (im2col), or adds the column entry back onto the pixel (col2im, the adjoint).
     */
    private void walk(double[] x, double[] cols, int n, boolean toCols) {
        int kk = k * k;
        int rowLen = channels * kk;
        int pad = k / 2;
        for (int i = 0; i < n; i++) {
            int img = i * channels * height * width;
            for (int y = 0; y < height; y++) {
                for (int xx = 0; xx < width; xx++) {
                    int row = ((i * height + y) * width + xx) * rowLen;
                    for (int c = 0; c < channels; c++) {
                        int plane = img + c * height * width;
                        for (int dy = 0; dy < k; dy++) {
                            int sy = y + dy - pad;
                            if (sy < 0 || sy >= height) {
                                continue;
                            }
                            for (int dx = 0; dx < k; dx++) {
                                int sx = xx + dx - pad;
                                if (sx >= 0 && sx < width) {
                                    int col = row + c * kk + dy * k + dx;
                                    int px = plane + sy * width + sx;
                                    if (toCols) {
                                        cols[col] = x[px];
                                    } else {
                                        x[px] += cols[col];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }



    @Override
    public long macs() {
        return w.length() * height * width;
    }

    @Override
    public long elementwiseOps() {
        return w.rows() * height * width;
    }

    @Override
    public Layer copy() {
        return new Conv2d(w.dup(), b.dup(), channels, height, width, k);
    }
}
