package org.weightgames.adversaries;

import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.game.AdversaryBase;
import org.weightgames.game.FunctionExtractor;
import org.weightgames.core.Coins;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.game.Hosted;
import org.weightgames.core.Params;
import org.weightgames.game.QueryOracle;
import org.weightgames.core.WgException;
import org.weightgames.model.Activation;
import org.weightgames.model.Layer;
import org.weightgames.model.MlpBlock;
import org.weightgames.core.Nd;
import org.weightgames.model.Network;
import org.weightgames.model.SwiGluBlock;

/**
 * Equation solving on a hosted model's outputs (Tramer et al., "Stealing Machine Learning Models
 * via Prediction APIs", USENIX Security 2016, section 4.1): every query x with answer f(x) is one
 * equation per output, {@code W act(V x + b) + c = f(x)}, in the unknown parameters of the public
 * architecture. The output layer enters linearly, so it is eliminated in closed form (variable
 * projection): for the current hidden layer, (W, c) is the ridge-regularised least-squares solution
 * of the equations (a Cholesky solve of size hidden + 1), and only the hidden layer (V, b, or
 * V_gate and V_up for SwiGLU) is searched, by limited-memory BFGS on the residual of all the
 * equations at once. With at least as many equations as unknowns the system pins the function down; with
 * fewer it does not, so the ext-f advantage grows with the query budget. The answer is a model of
 * the original's architecture and cost.
 *
 * <p>Parameters: {@code steps} (300) L-BFGS iterations, {@code lr} (0.01: the length of the first,
 * gradient step), {@code ridge} (1e-8, relative to the mean diagonal of the normal equations).
 */
public final class EquationSolving extends AdversaryBase implements FunctionExtractor {
    public static final String ID = "equation-solving";
    /** The workspace each evaluation of the objective allocates its temporaries in. */
    private static final String WORKSPACE = "wg-equation-solving";
    private int steps;
    private double lr;
    private double ridge;

    public EquationSolving() {
        // ext-f only: the hidden units' order and scale are not identifiable from queries, so its
        // parameters answer ext-w no better than distillation's, which already plays that game
        super(ID, "solves the query equations for the architecture's parameters: output layer in closed form, hidden layer by full-batch descent", Hosted.class);
    }

    @Override
    public void init(Params params) {
        steps = params.getInt("steps", 300, 0, 1_000_000);
        lr = params.getDouble("lr", 0.01, 1e-7, 1);
        ridge = params.getDouble("ridge", 1e-8, 0, 1);
        params.checkAllUsed();
    }

    @Override
    public Network extractFunction(ExtractionChallenge challenge, Coins coins) {
        QueryOracle api = challenge.api();
        if (api == null) {
            throw new WgException(ID + " needs a query API; the scheme hosts none");
        }
        int n = (int) Math.min(api.remaining(), challenge.samples().remaining());
        if (n < 1) {
            throw new WgException(ID + ": no query left in the budget");
        }
        INDArray x = challenge.samples().draw(n, coins.derive("inputs"));
        INDArray y = api.query(x);
        Network start = challenge.architecture().initialize(coins.derive("init"));
        if (start.layers().size() != 1) {
            throw new WgException(ID + " solves for one MLP or SwiGLU block; the family's networks have " + start.layers().size()
                    + " layers");
        }
        Layer l = start.layer(0);
        if (l instanceof MlpBlock) {
            return Network.of(solvePlain((MlpBlock) l, x, y));
        }
        if (l instanceof SwiGluBlock) {
            return Network.of(solveGated((SwiGluBlock) l, x, y));
        }
        throw new WgException(ID + " solves for one MLP or SwiGLU block, not " + l.kind());
    }

    /** The residual objective of the hidden parameters, with the output layer solved out. */
    private interface Objective {
        /** Loss at the flattened parameters; writes the gradient into {@code grad}. */
        double eval(double[] theta, double[] grad);
    }

    private MlpBlock solvePlain(MlpBlock init, INDArray x, INDArray y) {
        Activation act = init.activation();
        int k = init.hidden();
        int in = (int) init.v().columns();
        double[] theta = concat(init.v().dup('c').data().asDouble(), init.b().dup().data().asDouble());
        Objective f = (t, grad) -> {
            try (MemoryWorkspace ws = Nd.scratch(WORKSPACE)) {
                INDArray v = Nd.matrix(java.util.Arrays.copyOfRange(t, 0, k * in), k, in);
                INDArray b = Nd.vector(java.util.Arrays.copyOfRange(t, k * in, k * in + k));
                INDArray pre = x.mmul(v.transpose()).addiRowVector(b);
                INDArray[] ad = act.applyAndDerivative(pre);
                INDArray h = ad[0];
                INDArray[] wc = outputLayer(h, y, true);
                INDArray r = h.mmul(wc[0].transpose()).addiRowVector(wc[1]).subi(y);
                double loss = r.mul(r).sumNumber().doubleValue() / x.rows();
                // by variable projection the gradient in (V, b) is taken with (W, c) held at their optimum
                INDArray gPre = r.muli(2.0 / x.rows()).mmul(wc[0]).muli(ad[1]);
                copy(concat(gPre.transpose().mmul(x).dup('c').data().asDouble(), gPre.sum(0).data().asDouble()), grad);
                return loss;
            }
        };
        lbfgs(f, theta);
        INDArray v = Nd.matrix(java.util.Arrays.copyOfRange(theta, 0, k * in), k, in);
        INDArray b = Nd.vector(java.util.Arrays.copyOfRange(theta, k * in, k * in + k));
        INDArray[] wc = outputLayer(act.apply(x.mmul(v.transpose()).addiRowVector(b)), y, true);
        return new MlpBlock(act, v, b, wc[0], wc[1]);
    }

    private SwiGluBlock solveGated(SwiGluBlock init, INDArray x, INDArray y) {
        int k = init.hidden();
        int in = (int) init.vGate().columns();
        Activation act = init.activation();
        double[] theta = concat(init.vGate().dup('c').data().asDouble(), init.vUp().dup('c').data().asDouble());
        Objective f = (t, grad) -> {
            try (MemoryWorkspace ws = Nd.scratch(WORKSPACE)) {
                INDArray g = Nd.matrix(java.util.Arrays.copyOfRange(t, 0, k * in), k, in);
                INDArray u = Nd.matrix(java.util.Arrays.copyOfRange(t, k * in, 2 * k * in), k, in);
                INDArray zg = x.mmul(g.transpose());
                INDArray zu = x.mmul(u.transpose());
                INDArray[] ad = act.applyAndDerivative(zg);
                INDArray sg = ad[0];
                INDArray h = sg.mul(zu);
                INDArray[] wc = outputLayer(h, y, false);
                INDArray r = h.mmul(wc[0].transpose()).subi(y);
                double loss = r.mul(r).sumNumber().doubleValue() / x.rows();
                INDArray gh = r.muli(2.0 / x.rows()).mmul(wc[0]);
                INDArray gzg = gh.mul(zu).muli(ad[1]);
                INDArray gzu = gh.mul(sg);
                copy(concat(gzg.transpose().mmul(x).dup('c').data().asDouble(),
                        gzu.transpose().mmul(x).dup('c').data().asDouble()), grad);
                return loss;
            }
        };
        lbfgs(f, theta);
        INDArray g = Nd.matrix(java.util.Arrays.copyOfRange(theta, 0, k * in), k, in);
        INDArray u = Nd.matrix(java.util.Arrays.copyOfRange(theta, k * in, 2 * k * in), k, in);
        INDArray h = act.apply(x.mmul(g.transpose())).muli(x.mmul(u.transpose()));
        return new SwiGluBlock(act, g, u, outputLayer(h, y, false)[0]);
    }

    /**
     * Limited-memory BFGS (10 pairs) with a backtracking Armijo line search, for {@code steps}
     * iterations or until the loss stops falling; {@code theta} is updated in place.
     */
    private void lbfgs(Objective f, double[] theta) {
        int n = theta.length;
        int mem = 10;
        double[][] sHist = new double[mem][];
        double[][] yHist = new double[mem][];
        double[] rho = new double[mem];
        int stored = 0;
        int head = 0;
        double[] g = new double[n];
        double loss = f.eval(theta, g);
        checkFinite(loss);
        double[] trial = new double[n];
        double[] gNew = new double[n];
        for (int it = 0; it < steps; it++) {
            // two-loop recursion: d = -H g
            double[] d = g.clone();
            double[] alpha = new double[mem];
            for (int i = 0; i < stored; i++) {
                int idx = Math.floorMod(head - 1 - i, mem);
                alpha[idx] = rho[idx] * dot(sHist[idx], d);
                axpy(-alpha[idx], yHist[idx], d);
            }
            double gamma = 1;
            if (stored > 0) {
                int last = Math.floorMod(head - 1, mem);
                gamma = dot(sHist[last], yHist[last]) / dot(yHist[last], yHist[last]);
            } else {
                gamma = lr / Math.max(Math.sqrt(dot(g, g)), 1e-300);
            }
            for (int i = 0; i < d.length; i++) {
                d[i] *= gamma;
            }
            for (int i = stored - 1; i >= 0; i--) {
                int idx = Math.floorMod(head - 1 - i, mem);
                double beta = rho[idx] * dot(yHist[idx], d);
                axpy(alpha[idx] - beta, sHist[idx], d);
            }
            for (int i = 0; i < n; i++) {
                d[i] = -d[i];
            }
            double slope = dot(g, d);
            if (!(slope < 0)) {
                // not a descent direction: restart from the gradient
                stored = 0;
                double scale = lr / Math.max(Math.sqrt(dot(g, g)), 1e-300);
                for (int i = 0; i < n; i++) {
                    d[i] = -scale * g[i];
                }
                slope = dot(g, d);
            }
            double step = 1;
            double newLoss = Double.NaN;
            boolean accepted = false;
            for (int ls = 0; ls < 30; ls++) {
                for (int i = 0; i < n; i++) {
                    trial[i] = theta[i] + step * d[i];
                }
                newLoss = f.eval(trial, gNew);
                if (Double.isFinite(newLoss) && newLoss <= loss + 1e-4 * step * slope) {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted) {
                break;
            }
            double[] sv = new double[n];
            double[] yv = new double[n];
            for (int i = 0; i < n; i++) {
                sv[i] = trial[i] - theta[i];
                yv[i] = gNew[i] - g[i];
            }
            double sy = dot(sv, yv);
            if (sy > 1e-300) {
                sHist[head] = sv;
                yHist[head] = yv;
                rho[head] = 1 / sy;
                head = (head + 1) % mem;
                stored = Math.min(stored + 1, mem);
            }
            System.arraycopy(trial, 0, theta, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            boolean stalled = loss - newLoss <= 1e-15 * Math.max(loss, 1e-300);
            loss = newLoss;
            if (stalled) {
                break;
            }
        }
    }

    private static void checkFinite(double loss) {
        if (!Double.isFinite(loss)) {
            throw new WgException(ID + ": the equations' residual is NaN or infinite at the start (the API answered non-finite"
                    + " outputs or the initialisation overflowed)");
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void copy(double[] src, double[] dst) {
        System.arraycopy(src, 0, dst, 0, dst.length);
    }

    /**
     * The least-squares output layer for hidden features h [n, k]: W [out, k] and c [out] (zero
     * without a bias), from the ridge-regularised normal equations.
     */
    INDArray[] outputLayer(INDArray h, INDArray y, boolean bias) {
        int n = (int) h.rows();
        int k = (int) h.columns();
        INDArray a = bias ? Nd.zeros(n, k + 1) : h;
        if (bias) {
            a.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, k)).assign(h);
            a.getColumn(k).assign(1.0);
        }
        int m = (int) a.columns();
        double[][] ata = Nd.rows(a.transpose().mmul(a));
        double[][] aty = Nd.rows(a.transpose().mmul(y));
        double trace = 0;
        for (int i = 0; i < m; i++) {
            trace += ata[i][i];
        }
        if (!Double.isFinite(trace)) {
            throw new WgException(ID + ": the hidden features became NaN or infinite (lower " + ID + ".lr)");
        }
        double lambda = Math.max(ridge * trace / m, Double.MIN_NORMAL);
        for (int i = 0; i < m; i++) {
            ata[i][i] += lambda;
        }
        RealMatrix sol;
        try {
            sol = new CholeskyDecomposition(MatrixUtils.createRealMatrix(ata), 1e-12, 1e-14).getSolver()
                    .solve(MatrixUtils.createRealMatrix(aty));
        } catch (NonPositiveDefiniteMatrixException e) {
            throw new WgException(ID + ": the output layer's normal equations are singular even with ridge " + ridge
                    + " (raise " + ID + ".ridge)");
        }
        double[][] s = sol.getData();
        int out = s[0].length;
        double[] w = new double[out * k];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < k; j++) {
                w[o * k + j] = s[j][o];
            }
        }
        double[] c = new double[out];
        if (bias) {
            System.arraycopy(s[k], 0, c, 0, out);
        }
        return new INDArray[] {Nd.matrix(w, out, k), Nd.vector(c)};
    }
}
