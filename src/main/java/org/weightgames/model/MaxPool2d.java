package org.weightgames.model;


import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Nd;

/** 2x2 max pooling with stride 2 over channel-major images of even height and width. */
public final class MaxPool2d implements Layer {
    private final int channels;
    private final int height;
    private final int width;
    private int[] lastArgmax;
    private int lastRows;

    public MaxPool2d(int channels, int height, int width) {
        if (channels < 1 || height < 2 || width < 2 || height % 2 != 0 || width % 2 != 0) {
            throw new IllegalArgumentException("2x2 pooling needs at least one channel and even height and width, got "
                    + channels + "x" + height + "x" + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    @Override
    public String kind() {
        return "maxpool2d";
    }

    @Override
    public long inputSize() {
        return (long) channels * height * width;
    }

    @Override
    public long outputSize() {
        return (long) channels * (height / 2) * (width / 2);
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        int n = (int) x.rows();
        double[] in = x.dup('c').data().asDouble();
        int oh = height / 2;
        int ow = width / 2;
        int outLen = (int) outputSize();
        double[] out = new double[n * outLen];
        int[] arg = new int[out.length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int plane = (i * channels + c) * height * width;
                int oplane = i * outLen + c * oh * ow;
                for (int y = 0; y < oh; y++) {
                    for (int xx = 0; xx < ow; xx++) {
                        int best = plane + 2 * y * width + 2 * xx;
                        int[] cand = {best + 1, best + width, best + width + 1};
                        for (int p : cand) {
                            if (in[p] > in[best]) {
                                best = p;
                            }
                        }
                        out[oplane + y * ow + xx] = in[best];
                        arg[oplane + y * ow + xx] = best;
                    }
                }
            }
        }
        if (training) {
            lastArgmax = arg;
            lastRows = n;
        }
        return Nd.matrix(out, n, outLen);
    }

    @Override
    public INDArray backward(INDArray g) {
        double[] go = g.dup('c').data().asDouble();
        double[] gi = new double[lastRows * (int) inputSize()];
        for (int j = 0; j < go.length; j++) {
            gi[lastArgmax[j]] += go[j];
        }
        return Nd.matrix(gi, lastRows, inputSize());
    }



    @Override
    public long macs() {
        return 0;
    }

    @Override
    public long elementwiseOps() {
        return inputSize();
    }

    @Override
    public Layer copy() {
        return new MaxPool2d(channels, height, width);
    }
}
