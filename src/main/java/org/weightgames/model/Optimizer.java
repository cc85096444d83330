package org.weightgames.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How a {@link Trainer} turns one step's gradients into new parameter values. One instance per
 * training run (it keeps the moment estimates). The updates run on Java arrays: one read of each
 * gradient and one write of each parameter per step, instead of a dozen small native calls per
 * tensor.
 */
abstract class Optimizer {
    protected final List<INDArray> params = new ArrayList<>();
    protected final List<double[]> values = new ArrayList<>();

    Optimizer(Map<String, INDArray> parameters) {
        for (INDArray p : parameters.values()) {
            params.add(p);
            values.add(read(p));
        }
    }

    /** Applies one step with learning rate {@code lr}; the gradients come in the parameters' order. */
    final void step(Map<String, INDArray> gradients, double lr) {
        begin();
        int i = 0;
        for (INDArray gArr : gradients.values()) {
            double[] x = values.get(i);
            update(i, x, read(gArr), lr);
            INDArray p = params.get(i);
            if (whole(p)) {
                // straight into the tensor's own buffer: no temporary tensor, no native assign
                p.data().setData(x);
            } else {
                p.assign(Nd4j.create(x, p.shape(), p.dataType()));
            }
            i++;
        }
    }

    /** The values in row-major order; read from the buffer itself when it is exactly the tensor's. */
    private static double[] read(INDArray a) {
        return whole(a) ? a.data().asDouble() : a.dup('c').data().asDouble();
    }

    /** Whether a tensor is the whole of its buffer, row-major, in double precision. */
    private static boolean whole(INDArray a) {
        return !a.isView() && a.ordering() == 'c' && a.offset() == 0 && a.dataType() == DataType.DOUBLE
                && a.data().length() == a.length() && Shape.hasDefaultStridesForShape(a);
    }

    /** Called once per step before the tensors' updates. */
    abstract void begin();

    /** Updates the values x of parameter i in place from its gradient g. */
    abstract void update(int i, double[] x, double[] g, double lr);

    /**
     * Adam (Kingma and Ba) with the usual defaults beta1 0.9, beta2 0.999, eps 1e-8, and decoupled
     * weight decay (AdamW, Loshchilov and Hutter) when {@code decay > 0}.
     */
    static final class Adam extends Optimizer {
        private final List<double[]> m = new ArrayList<>();
        private final List<double[]> v = new ArrayList<>();
        private final double decay;
        private int t;
        private double c1;
        private double c2;

        Adam(Map<String, INDArray> parameters, double decay) {
            super(parameters);
            this.decay = decay;
            for (double[] x : values) {
                m.add(new double[x.length]);
                v.add(new double[x.length]);
            }
        }

        @Override
        void begin() {
            t++;
            c1 = 1 - Math.pow(0.9, t);
            c2 = 1 - Math.pow(0.999, t);
        }

        @Override
        void update(int i, double[] x, double[] g, double lr) {
            double[] mi = m.get(i);
            double[] vi = v.get(i);
            for (int k = 0; k < x.length; k++) {
                mi[k] = 0.9 * mi[k] + 0.1 * g[k];
                vi[k] = 0.999 * vi[k] + 0.001 * g[k] * g[k];
                x[k] = x[k] * (1 - lr * decay) - lr * (mi[k] / c1) / (Math.sqrt(vi[k] / c2) + 1e-8);
            }
        }
    }

    /**
     * Stochastic gradient descent with heavy-ball momentum and L2 weight decay added to the
     * gradient, as PyTorch's {@code SGD(momentum, weight_decay)} (what Network Slimming trains
     * with): d = g + decay x; buf = momentum buf + d (buf = d at the first step); x -= lr buf.
     */
    static final class Sgd extends Optimizer {
        private final List<double[]> buf = new ArrayList<>();
        private final double momentum;
        private final double decay;
        private boolean first = true;
        private boolean started;

        Sgd(Map<String, INDArray> parameters, double momentum, double decay) {
            super(parameters);
            this.momentum = momentum;
            this.decay = decay;
            for (double[] x : values) {
                buf.add(new double[x.length]);
            }
        }

        @Override
        void begin() {
            first = !started;
            started = true;
        }

        @Override
        void update(int i, double[] x, double[] g, double lr) {
            double[] b = buf.get(i);
            for (int k = 0; k < x.length; k++) {
                double d = g[k] + decay * x[k];
                b[k] = first ? d : momentum * b[k] + d;
                x[k] -= lr * b[k];
            }
        }
    }
}
