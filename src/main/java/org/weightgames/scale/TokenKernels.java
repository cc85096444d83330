package org.weightgames.scale;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;

import org.weightgames.safetensors.Safetensors;
import org.weightgames.model.Activation;
import org.weightgames.model.SwiGluNames;
import org.weightgames.schemes.taylormlp.TaylorCoefficients;
import org.weightgames.schemes.taylormlp.TaylorNames;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Spec;
import org.weightgames.safetensors.Tensor;
import org.weightgames.safetensors.Writer;

/**
 * One token through a SwiGLU block read straight from a memory-mapped checkpoint, the way
 * single-token LLM inference runs: each matrix-vector product streams the matrix's rows once.
 * All three forms share one dot-product kernel, so their times compare the work, not the code:
 * <ul>
 * <li>original: {@code W_down (silu(V_gate x) * (V_up x))};</li>
 * <li>TaylorMLP: {@code sum_{n=0..N} Theta_n ((V'_gate x - p')^n * (V_up x))}, N + 1 products
 * with matrices of W_down's size;</li>
 * <li>collapsed ({@code taylor-collapse}): the series evaluated per neuron first (Horner, kappa
 * from the attack), then one product with the recovered W_down.</li>
 * </ul>
 */
public final class TokenKernels {
    /** The released block's tensors (a lone block: no prefix); the collapsed model reuses its V_gate, V_up and p names. */
    private static final TaylorNames BLOCK = new TaylorNames("");

    private TokenKernels() {
    }

    /** A block that maps one token to one output. */
    public interface Block {
        float[] forward(float[] x);
    }

    static float dot(float[] a, float[] b, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** y += M x for a [rows, cols] tensor, rows split over the pool's threads. */
    static void matvecAdd(ExecutorService pool, int threads, Tensor m, float[] x, float[] y) {
        int cols = (int) m.columns();
        Rows.parallel(pool, m.rows(), threads, (w, from, to) -> {
            float[] row = new float[cols];
            for (long r = from; r < to; r++) {
                m.read(r * cols, row, 0, cols);
                y[(int) r] += dot(row, x, cols);
            }
        });
    }

    static float silu(float v) {
        return (float) (v / (1 + Math.exp(-v)));
    }

    /** The original block from a checkpoint. */
    public static Block original(Safetensors f, SwiGluNames n, ExecutorService pool, int threads) {
        Tensor gate = f.tensor(n.gate());
        Tensor up = f.tensor(n.up());
        Tensor down = f.tensor(n.down());
        return x -> {
            float[] g = new float[(int) gate.rows()];
            float[] u = new float[(int) up.rows()];
            matvecAdd(pool, threads, gate, x, g);
            matvecAdd(pool, threads, up, x, u);
            for (int j = 0; j < g.length; j++) {
                g[j] = silu(g[j]) * u[j];
            }
            float[] y = new float[(int) down.rows()];
            matvecAdd(pool, threads, down, g, y);
            return y;
        };
    }

    /** TaylorMLP's released block, term by term as its users run it. */
    public static Block taylor(Safetensors artifact, ExecutorService pool, int threads) {
        int order = StreamingInversion.order(artifact);
        Tensor gate = artifact.tensor(BLOCK.gate());
        Tensor up = artifact.tensor(BLOCK.up());
        double[] p = artifact.tensor(BLOCK.p()).toDoubles();
        Tensor[] theta = new Tensor[order + 1];
        for (int k = 0; k <= order; k++) {
            theta[k] = artifact.tensor(BLOCK.theta(k));
        }
        int h = p.length;
        int out = (int) theta[0].rows();
        return x -> {
            float[] d = new float[h];
            float[] term = new float[h];
            matvecAdd(pool, threads, gate, x, d);
            matvecAdd(pool, threads, up, x, term);
            for (int j = 0; j < h; j++) {
                d[j] -= (float) p[j];
            }
            float[] y = new float[out];
            float[][] terms = new float[order + 1][];
            for (int k = 0; k <= order; k++) {
                terms[k] = term.clone();
                if (k < order) {
                    for (int j = 0; j < h; j++) {
                        term[j] *= d[j];
                    }
                }
            }
            Rows.parallel(pool, out, threads, (w, from, to) -> {
                float[] row = new float[h];
                for (long r = from; r < to; r++) {
                    float s = 0;
                    for (int k = 0; k <= order; k++) {
                        theta[k].read(r * h, row, 0, h);
                        s += dot(row, terms[k], h);
                    }
                    y[(int) r] = s;
                }
            });
            return y;
        };
    }

    /** Writes the collapsed model: V'_gate, V_up, p', the recovered W_down and kappa [N+1, hidden]. */
    public static void writeCollapsed(Safetensors artifact, StreamingInversion.Recovered rec, Path target, boolean durable) {
        int order = rec.order();
        int h = (int) rec.hidden();
        Tensor gate = artifact.tensor(BLOCK.gate());
        Tensor up = artifact.tensor(BLOCK.up());
        double[] p = artifact.tensor(BLOCK.p()).toDoubles();
        DType dt = rec.wFloat() != null ? DType.F32 : DType.F64;
        Map<String, Spec> specs = new LinkedHashMap<>();
        specs.put(BLOCK.gate(), new Spec(dt, gate.shape()));
        specs.put(BLOCK.up(), new Spec(dt, up.shape()));
        specs.put(BLOCK.p(), new Spec(DType.F64, new long[] {h}));
        specs.put("kappa", new Spec(DType.F64, new long[] {order + 1, h}));
        specs.put(SwiGluNames.DOWN, new Spec(dt, new long[] {rec.out(), h}));
        Map<String, String> meta = new TreeMap<>();
        meta.put("kind", "taylor-collapsed");
        meta.put("order", Integer.toString(order));
        try (Writer w = Writer.create(target, meta, specs, durable)) {
            long in = gate.columns();
            double[] row = new double[(int) in];
            for (long j = 0; j < h; j++) {
                gate.read(j * in, row, 0, row.length);
                w.write(BLOCK.gate(), j * in, row, 0, row.length);
                up.read(j * in, row, 0, row.length);
                w.write(BLOCK.up(), j * in, row, 0, row.length);
            }
            w.write(BLOCK.p(), 0, p, 0, h);
            double[] kappa = new double[(order + 1) * h];
            for (int j = 0; j < h; j++) {
                double[] k = TaylorCoefficients.kappa(Activation.SILU, rec.sign()[j] * p[j], rec.sign()[j], order);
                for (int n = 0; n <= order; n++) {
                    kappa[n * h + j] = k[n];
                }
            }
            w.write("kappa", 0, kappa, 0, kappa.length);
            if (rec.wFloat() != null) {
                w.write(SwiGluNames.DOWN, 0, rec.wFloat(), 0, rec.wFloat().length);
            } else {
                w.write(SwiGluNames.DOWN, 0, rec.wDouble(), 0, rec.wDouble().length);
            }
            w.commit();
        }
    }

    /** The collapsed model: N multiply-adds per neuron, then one product with W_down. */
    public static Block collapsed(Safetensors model, ExecutorService pool, int threads) {
        Tensor gate = model.tensor(BLOCK.gate());
        Tensor up = model.tensor(BLOCK.up());
        Tensor down = model.tensor(SwiGluNames.DOWN);
        double[] p = model.tensor(BLOCK.p()).toDoubles();
        int h = p.length;
        Tensor kt = model.tensor("kappa");
        int orders = (int) kt.rows();
        float[][] kappa = new float[orders][h];
        for (int n = 0; n < orders; n++) {
            kt.read((long) n * h, kappa[n], 0, h);
        }
        return x -> {
            float[] d = new float[h];
            float[] u = new float[h];
            matvecAdd(pool, threads, gate, x, d);
            matvecAdd(pool, threads, up, x, u);
            for (int j = 0; j < h; j++) {
                float dj = d[j] - (float) p[j];
                float v = kappa[orders - 1][j];
                for (int n = orders - 2; n >= 0; n--) {
                    v = v * dj + kappa[n][j];
                }
                u[j] *= v;
            }
            float[] y = new float[(int) down.rows()];
            matvecAdd(pool, threads, down, u, y);
            return y;
        };
    }
}
