package org.weightgames.schemes.deeplock;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.weightgames.core.Artifact;
import org.weightgames.core.Nd;
import org.weightgames.core.WgException;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;

/**
 * How a locked network is laid out in the artifact. The locking order is {@link Network#state()},
 * the order {@link NetworkCodec} writes tensors: every layer's parameters in layer order, then every
 * layer's buffers (batch-norm running mean and variance) in layer order, each tensor's entries in
 * row-major order. Batch-norm running statistics are locked too (left in the clear they would be
 * known plaintext). A locked 64-bit word is stored as two 32-bit integers, high word first, in an
 * INT32 tensor named as the original tensor with one more trailing dimension of 2: integers survive
 * every path an artifact takes (the hash, the F64 safetensors of an isolated adversary) exactly,
 * where a NaN pattern held as a float may not.
 */
final class LockedState {
    private LockedState() {
    }

    /** The raw 64-bit patterns of the network's state, in the locking order. */
    static long[] bits(Network net) {
        long count = 0;
        for (INDArray t : net.state().values()) {
            count += t.length();
        }
        long[] out = new long[Math.toIntExact(count)];
        int i = 0;
        for (INDArray t : net.state().values()) {
            for (double v : t.dup('c').data().asDouble()) {
                out[i++] = Double.doubleToRawLongBits(v);
            }
        }
        return out;
    }

    /** The artifact's tensors for locked words of {@code net}'s state (same names, INT32, a trailing 2). */
    static Map<String, INDArray> tensors(Network net, long[] locked) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, INDArray> e : net.state().entrySet()) {
            int n = Math.toIntExact(e.getValue().length());
            int[] halves = new int[2 * n];
            for (int k = 0; k < n; k++, i++) {
                halves[2 * k] = (int) (locked[i] >>> 32);
                halves[2 * k + 1] = (int) locked[i];
            }
            long[] shape = Arrays.copyOf(e.getValue().shape(), e.getValue().rank() + 1);
            shape[shape.length - 1] = 2;
            out.put(e.getKey(), Nd4j.createFromArray(halves).reshape('c', shape));
        }
        return out;
    }

    /** The network the artifact's metadata describes, every entry zero (shapes from the locked tensors). */
    static Network skeleton(Artifact a) {
        Map<String, INDArray> zeros = new LinkedHashMap<>();
        for (String name : a.tensorNames()) {
            long[] shape = a.tensor(name).shape();
            if (shape.length < 2 || shape[shape.length - 1] != 2) {
                throw new WgException("deeplock artifact: tensor " + name + " has shape " + Arrays.toString(shape)
                        + ", expected a locked tensor (a trailing dimension of 2); the artifact is not a Deep-Lock release");
            }
            zeros.put(name, Nd.zeros(Arrays.copyOf(shape, shape.length - 1)));
        }
        return NetworkCodec.decode(new Artifact(a.scheme(), a.metadata(), zeros));
    }

    /** The locked words of the artifact, in the locking order of {@code skeleton}. */
    static long[] words(Artifact a, Network skeleton) {
        Map<String, INDArray> state = skeleton.state();
        if (!state.keySet().equals(a.tensorNames())) {
            throw new WgException("deeplock artifact: its tensors " + a.tensorNames() + " are not the network's " + state.keySet());
        }
        long[] out = new long[Math.toIntExact(state.values().stream().mapToLong(INDArray::length).sum())];
        int i = 0;
        for (String name : state.keySet()) {
            double[] halves = a.tensor(name).dup('c').data().asDouble();
            for (int k = 0; k < halves.length; k += 2) {
                out[i++] = (word(halves[k], name) << 32) | (word(halves[k + 1], name) & 0xffffffffL);
            }
        }
        return out;
    }

    private static long word(double v, String name) {
        if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new WgException("deeplock artifact: tensor " + name + " holds " + v
                    + ", not a 32-bit integer; the artifact is corrupt");
        }
        return (long) v;
    }

    /** {@code skeleton} with its state set to the 64-bit patterns {@code bits} (in the locking order); returned for chaining. */
    static Network withBits(Network skeleton, long[] bits) {
        int i = 0;
        for (INDArray t : skeleton.state().values()) {
            double[] v = new double[Math.toIntExact(t.length())];
            for (int k = 0; k < v.length; k++) {
                v[k] = Double.longBitsToDouble(bits[i++]);
            }
            t.assign(Nd4j.create(v, t.shape(), DataType.DOUBLE));
        }
        return skeleton;
    }
}
