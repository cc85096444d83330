package org.weightgames.onnx;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.weightgames.core.WgException;
import org.weightgames.onnx.proto.OnnxProtos.AttributeProto;
import org.weightgames.onnx.proto.OnnxProtos.GraphProto;
import org.weightgames.onnx.proto.OnnxProtos.NodeProto;
import org.weightgames.onnx.proto.OnnxProtos.TensorProto;

/**
 * The MLP blocks of an ONNX graph, found by their pattern: {@code MatMul(x, W1) -> Add(b1) -> GELU ->
 * MatMul(W2) -> Add(b2)}, W1 [in, hidden] and W2 [hidden, out] fp32 initializers, b1 [hidden] and b2
 * [out]; GELU is a {@code Gelu} node or the exact form PyTorch exports,
 * {@code Mul(Mul(h, Add(Erf(Div(h, sqrt 2)), 1)), 0.5)}. A block is named by its biases: the
 * prefix they share ({@code encoder.layer.0.} for {@code encoder.layer.0.intermediate.dense.bias}
 * and {@code encoder.layer.0.output.dense.bias}), or {@code mlp.<i>.} when they share none. A
 * MatMul -> Add(bias) -> Erf path that does not complete the pattern is refused, naming its node.
 */
public final class MlpPattern {
    private static final double SQRT2 = Math.sqrt(2);

    private MlpPattern() {
    }

    /**
     * One MLP block: {@code y = W2' gelu(W1' x + b1) + b2} with x the value {@code input} and y the
     * value {@code output}; {@code nodes} the names of the pattern's nodes.
     */
    public record Block(String prefix, String input, String w1, String b1, String w2, String b2, String output, int in,
            int hidden, int out, List<String> nodes) {
    }

    static List<Block> find(OnnxModel m) {
        GraphProto g = m.graph();
        Map<String, NodeProto> producer = new HashMap<>();
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String o : n.getOutputList()) {
                producer.put(o, n);
            }
            for (String i : n.getInputList()) {
                consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }
        Finder f = new Finder(m, producer, consumers);
        List<Block> blocks = new ArrayList<>();
        Set<String> prefixes = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            Block b = f.at(n, blocks.size());
            if (b != null) {
                if (!prefixes.add(b.prefix())) {
                    throw new WgException(m.source() + ": node '" + n.getName() + "': two MLP blocks are named '" + b.prefix()
                            + "' by their biases; the graph is not supported");
                }
                blocks.add(b);
            }
        }
        if (blocks.isEmpty()) {
            throw new WgException(m.source() + ": no MLP block found: WeightGames looks for MatMul(x, W1) -> Add(b1) -> GELU (a Gelu"
                    + " node or Erf's exact form) -> MatMul(W2) -> Add(b2) with fp32 initializers; this graph's "
                    + g.getNodeCount() + " nodes have none (export a transformer with GELU MLPs)");
        }
        return blocks;
    }

    private record Finder(OnnxModel m, Map<String, NodeProto> producer, Map<String, List<NodeProto>> consumers) {
        Block at(NodeProto mm1, int index) {
            if (!mm1.getOpType().equals("MatMul") || mm1.getInputCount() != 2 || !matrix(mm1.getInput(1))) {
                return null;
            }
            List<String> nodes = new ArrayList<>(List.of(mm1.getName()));
            NodeProto add1 = only(mm1.getOutput(0), "Add");
            String b1 = add1 == null ? null : bias(add1, mm1.getOutput(0));
            long[] w1 = m.shape(mm1.getInput(1));
            if (b1 == null || m.shape(b1)[0] != w1[1]) {
                return null;
            }
            nodes.add(add1.getName());
            String h = add1.getOutput(0);
            String act = gelu(h, nodes);
            if (act == null) {
                return null;
            }
            NodeProto mm2 = only(act, "MatMul");
            if (mm2 == null || !mm2.getInput(0).equals(act) || !matrix(mm2.getInput(1))) {
                throw refuse(mm2 != null ? mm2 : add1, "GELU's output must feed one MatMul by an fp32 weight matrix");
            }
            long[] w2 = m.shape(mm2.getInput(1));
            if (w2[0] != w1[1]) {
                throw refuse(mm2, "its weight " + mm2.getInput(1) + " has " + w2[0] + " rows, the hidden width is " + w1[1]);
            }
            nodes.add(mm2.getName());
            NodeProto add2 = only(mm2.getOutput(0), "Add");
            String b2 = add2 == null ? null : bias(add2, mm2.getOutput(0));
            if (b2 == null || m.shape(b2)[0] != w2[1]) {
                throw refuse(add2 != null ? add2 : mm2, "the second MatMul must be followed by Add of an fp32 bias of length " + w2[1]);
            }
            nodes.add(add2.getName());
            return new Block(prefix(b1, b2, index), mm1.getInput(0), mm1.getInput(1), b1, mm2.getInput(1), b2, add2.getOutput(0),
                    (int) w1[0], (int) w1[1], (int) w2[1], List.copyOf(nodes));
        }

        /** The output of GELU applied to {@code h}, adding its nodes; null when h feeds no GELU (not an MLP block). */
        String gelu(String h, List<String> nodes) {
            List<NodeProto> cs = consumers.getOrDefault(h, List.of());
            if (cs.size() == 1 && cs.get(0).getOpType().equals("Gelu")) {
                NodeProto g = cs.get(0);
                String approx = stringAttribute(g, "approximate");
                if (approx != null && !approx.equals("none")) {
                    throw refuse(g, "Gelu with approximate='" + approx + "' is not supported (exact GELU only)");
                }
                nodes.add(g.getName());
                return g.getOutput(0);
            }
            NodeProto div = cs.stream().filter(c -> c.getOpType().equals("Div") || c.getOpType().equals("Mul")).filter(c -> only(
                    c.getOutput(0), "Erf") != null).findFirst().orElse(null);
            if (div == null) {
                return null;
            }
            Double s = scalar(other(div, h));
            boolean ok = s != null && (div.getOpType().equals("Div") ? near(s, SQRT2) : near(s, 1 / SQRT2));
            if (!ok) {
                throw refuse(div, "an Erf pattern whose scale is " + s + ", not GELU's 1/sqrt(2)");
            }
            NodeProto erf = only(div.getOutput(0), "Erf");
            NodeProto plus = only(erf.getOutput(0), "Add");
            if (plus == null || !near(scalar(other(plus, erf.getOutput(0))), 1)) {
                throw refuse(erf, "Erf must be followed by Add(1) in GELU's exact form");
            }
            NodeProto times = only(plus.getOutput(0), "Mul");
            if (times == null || !other(times, plus.getOutput(0)).equals(h)) {
                throw refuse(plus, "erf(h / sqrt 2) + 1 must be multiplied by h in GELU's exact form");
            }
            NodeProto half = only(times.getOutput(0), "Mul");
            if (half == null || !near(scalar(other(half, times.getOutput(0))), 0.5)) {
                throw refuse(times, "h (erf(h / sqrt 2) + 1) must be multiplied by 0.5 in GELU's exact form");
            }
            for (NodeProto n : List.of(div, erf, plus, times, half)) {
                nodes.add(n.getName());
            }
            return half.getOutput(0);
        }

        WgException refuse(NodeProto n, String why) {
            return new WgException(m.source() + ": node '" + n.getName() + "' (" + n.getOpType() + "): " + why + "; the graph's MLP"
                    + " block is not supported (WeightGames reads MatMul -> Add(bias) -> GELU -> MatMul -> Add(bias))");
        }

        boolean matrix(String name) {
            return m.isInitializer(name) && m.shape(name).length == 2;
        }

        /** The bias an Add node adds to {@code x}: an initializer vector, or null. */
        String bias(NodeProto add, String x) {
            if (add.getInputCount() != 2) {
                return null;
            }
            String o = other(add, x);
            return o != null && m.isInitializer(o) && m.shape(o).length == 1 ? o : null;
        }

        /** The single consumer of {@code value} when it is of type {@code op}. */
        NodeProto only(String value, String op) {
            List<NodeProto> cs = consumers.getOrDefault(value, List.of());
            return cs.size() == 1 && cs.get(0).getOpType().equals(op) ? cs.get(0) : null;
        }

        static String other(NodeProto n, String x) {
            if (n.getInputCount() != 2) {
                return null;
            }
            return n.getInput(0).equals(x) ? n.getInput(1) : n.getInput(1).equals(x) ? n.getInput(0) : null;
        }

        /** A scalar from a Constant node or an initializer, or null. */
        Double scalar(String name) {
            if (name == null) {
                return null;
            }
            TensorProto t = null;
            if (m.isInitializer(name)) {
                t = m.proto().getGraph().getInitializerList().stream().filter(i -> i.getName().equals(name)).findFirst().get();
            } else if (producer.containsKey(name) && producer.get(name).getOpType().equals("Constant")) {
                for (AttributeProto a : producer.get(name).getAttributeList()) {
                    if (a.getName().equals("value")) {
                        t = a.getT();
                    }
                }
            }
            if (t == null || t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                return null;
            }
            if (t.getFloatDataCount() == 1) {
                return (double) t.getFloatData(0);
            }
            if (t.getRawData().size() == 4) {
                return (double) t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat();
            }
            return null;
        }

        static String stringAttribute(NodeProto n, String name) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return a.getS().toStringUtf8();
                }
            }
            return null;
        }

        static boolean near(Double v, double want) {
            return v != null && Math.abs(v - want) <= 1e-6 * Math.abs(want);
        }

        static String prefix(String b1, String b2, int index) {
            int n = 0;
            while (n < Math.min(b1.length(), b2.length()) && b1.charAt(n) == b2.charAt(n)) {
                n++;
            }
            int dot = b1.lastIndexOf('.', n - 1);
            return dot > 0 ? b1.substring(0, dot + 1) : "mlp." + index + ".";
        }
    }
}
