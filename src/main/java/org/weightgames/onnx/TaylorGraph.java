package org.weightgames.onnx;

import java.util.ArrayList;
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
     * One released block: V' [hidden, in] row-major (rows times their signs), p' [hidden],
     * theta_0 [out], and theta[n - 1] = Theta_n [out, hidden] row-major for n = 1..N.
     */
    public record Polynomial(double[] v, double[] p, double[] theta0, double[][] theta) {
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
        int h = b.hidden();
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
