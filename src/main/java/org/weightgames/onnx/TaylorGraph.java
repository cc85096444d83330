package org.weightgames.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.weightgames.onnx.proto.OnnxProtos.AttributeProto;
import org.weightgames.onnx.proto.OnnxProtos.GraphProto;
import org.weightgames.onnx.proto.OnnxProtos.NodeProto;
import org.weightgames.onnx.proto.OnnxProtos.TensorProto;

/**
 * The graph a TaylorMLP user runs: each MLP block's nodes replaced by the released polynomial
 * {@code y = theta_0 + sum_{n=1..N} Theta_n delta^n}, {@code delta = V' x - p'} (powers per hidden
 * neuron), computed in double precision (Cast in, Cast out) so that what is measured is the
 * series, not fp32 rounding. The rest of the graph is untouched; the block's weight and bias
 * initializers are dropped.
 */
public final class TaylorGraph {
    private TaylorGraph() {
    }

    /**
     * One released block: V' [k, in] row-major (the k expanded neurons' rows times their signs), p'
     * [k], theta_0 [out], and theta[n - 1] = Theta_n [out, k] row-major for n = 1..N; the neurons
     * left in plaintext, if any, as {@code plain}.
     */
    public record Polynomial(double[] v, double[] p, double[] theta0, double[][] theta, Plain plain) {
        public Polynomial(double[] v, double[] p, double[] theta0, double[][] theta) {
            this(v, p, theta0, theta, null);
        }
    }

    /** The plaintext neurons of a block: V [m, in], b [m], W [out, m], row-major; they add W gelu(V x + b). */
    public record Plain(double[] v, double[] b, double[] w) {
    }

    /** The model with every block of {@code released} replaced by its polynomial; serialised. */
    public static byte[] rewrite(OnnxModel model, Map<MlpPattern.Block, Polynomial> released) {
        GraphProto g = model.graph();
        Set<String> drop = new HashSet<>();
        Set<String> dropInit = new HashSet<>();
        for (MlpPattern.Block b : released.keySet()) {
            drop.addAll(b.nodes());
            dropInit.addAll(List.of(b.w1(), b.b1(), b.w2(), b.b2()));
        }
        // the Constant nodes that fed only the block's nodes (GELU's sqrt 2, 1 and 0.5) go with them
        Map<String, List<String>> consumers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String i : n.getInputList()) {
                consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n.getName());
            }
        }
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getOutputList().stream().allMatch(o -> drop.containsAll(
                    consumers.getOrDefault(o, List.of())) && consumers.containsKey(o))) {
                drop.add(n.getName());
            }
        }
        GraphProto.Builder out = g.toBuilder().clearNode().clearInitializer();
        for (TensorProto t : g.getInitializerList()) {
            if (!dropInit.contains(t.getName())) {
                out.addInitializer(t);
            }
        }
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            if (!drop.contains(n.getName())) {
                nodes.add(n);
            }
            for (Map.Entry<MlpPattern.Block, Polynomial> e : released.entrySet()) {
                // the polynomial goes where the block's last node was, so every value it reads is computed before it
                if (n.getName().equals(e.getKey().nodes().get(e.getKey().nodes().size() - 1))) {
                    nodes.addAll(polynomial(e.getKey(), e.getValue(), out));
                }
            }
        }
        out.addAllNode(nodes);
        return model.proto().toBuilder().setGraph(out).build().toByteArray();
    }

    private static List<NodeProto> polynomial(MlpPattern.Block b, Polynomial p, GraphProto.Builder g) {
        String t = b.prefix() + "taylor/";
        int h = p.p().length;
        int in = b.in();
        int out = b.out();
        int order = p.theta().length;
        g.addInitializer(OnnxModel.doubleTensor(t + "Vt", new long[] {in, h}, transpose(p.v(), h, in)));
        g.addInitializer(OnnxModel.doubleTensor(t + "p", new long[] {h}, p.p()));
        g.addInitializer(OnnxModel.doubleTensor(t + "theta.0", new long[] {out}, p.theta0()));
        List<NodeProto> n = new ArrayList<>();
        n.add(cast(t + "cast_in", b.input(), t + "x", TensorProto.DataType.DOUBLE_VALUE));
        n.add(node("MatMul", t + "project", t + "u", t + "x", t + "Vt"));
        n.add(node("Sub", t + "delta", t + "d", t + "u", t + "p"));
        String acc = t + "theta.0";
        String power = t + "d";
        for (int k = 1; k <= order; k++) {
            if (k > 1) {
                n.add(node("Mul", t + "power." + k, t + "d" + k, power, t + "d"));
                power = t + "d" + k;
            }
            g.addInitializer(OnnxModel.doubleTensor(t + "theta." + k, new long[] {h, out}, transpose(p.theta()[k - 1], out, h)));
            n.add(node("MatMul", t + "term." + k, t + "y" + k, power, t + "theta." + k));
            n.add(node("Add", t + "sum." + k, t + "s" + k, acc, t + "y" + k));
            acc = t + "s" + k;
        }
        if (p.plain() != null) {
            // the plaintext neurons as the original graph computes them, in fp32
            int m = p.plain().b().length;
            g.addInitializer(OnnxModel.floatTensor(t + "plain.Vt", new long[] {in, m}, floats(transpose(p.plain().v(), m, in))));
            g.addInitializer(OnnxModel.floatTensor(t + "plain.b", new long[] {m}, floats(p.plain().b())));
            g.addInitializer(OnnxModel.floatTensor(t + "plain.Wt", new long[] {m, out}, floats(transpose(p.plain().w(), out, m))));
            g.addInitializer(OnnxModel.floatTensor(t + "plain.sqrt2", new long[0], new float[] {(float) Math.sqrt(2)}));
            g.addInitializer(OnnxModel.floatTensor(t + "plain.one", new long[0], new float[] {1}));
            g.addInitializer(OnnxModel.floatTensor(t + "plain.half", new long[0], new float[] {0.5f}));
            n.add(node("MatMul", t + "plain.project", t + "plain.u", b.input(), t + "plain.Vt"));
            n.add(node("Add", t + "plain.bias", t + "plain.h", t + "plain.u", t + "plain.b"));
            n.add(node("Div", t + "plain.div", t + "plain.hs", t + "plain.h", t + "plain.sqrt2"));
            n.add(node("Erf", t + "plain.erf", t + "plain.e", t + "plain.hs"));
            n.add(node("Add", t + "plain.erf1", t + "plain.e1", t + "plain.e", t + "plain.one"));
            n.add(node("Mul", t + "plain.times", t + "plain.he", t + "plain.h", t + "plain.e1"));
            n.add(node("Mul", t + "plain.gelu", t + "plain.a", t + "plain.he", t + "plain.half"));
            n.add(node("MatMul", t + "plain.down", t + "plain.y", t + "plain.a", t + "plain.Wt"));
            n.add(cast(t + "plain.cast", t + "plain.y", t + "plain.yd", TensorProto.DataType.DOUBLE_VALUE));
            n.add(node("Add", t + "plain.sum", t + "plain.s", acc, t + "plain.yd"));
            acc = t + "plain.s";
        }
        n.add(cast(t + "cast_out", acc, b.output(), TensorProto.DataType.FLOAT_VALUE));
        return n;
    }

    private static NodeProto node(String op, String name, String output, String... inputs) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(List.of(inputs)).addOutput(output).build();
    }

    private static NodeProto cast(String name, String input, String output, int to) {
        return NodeProto.newBuilder().setOpType("Cast").setName(name).addInput(input).addOutput(output).addAttribute(
                AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT).setI(to)).build();
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** [rows, cols] row-major to [cols, rows] row-major. */
    static double[] transpose(double[] m, int rows, int cols) {
        double[] t = new double[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
