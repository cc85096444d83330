package org.weightgames.isolation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Nd;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;
import org.weightgames.core.Artifact;
import org.weightgames.game.Pipe;

/**
 * The framing of the pipe between the challenger and an isolated adversary's process: strings,
 * maps of strings, tensors (rank, shape, little-endian doubles) and networks (as
 * {@link NetworkCodec} metadata and tensors). Everything read is bounded, because the other end
 * may be hostile: at most {@value #MAX_ELEMENTS} elements per tensor, {@value #MAX_ENTRIES} entries
 * per map. {@link Out} and {@link In} are the framing as the games' codecs
 * ({@link org.weightgames.game.Contract.Codec}) see it.
 */
final class Wire {
    static final long MAX_ELEMENTS = 1L << 27;
    static final int MAX_ENTRIES = 100_000;

    private Wire() {
    }

    static void writeMap(DataOutputStream out, Map<String, String> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    static Map<String, String> readMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ENTRIES) {
            throw new IOException("a map of " + n + " entries");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(in.readUTF(), in.readUTF());
        }
        return m;
    }

    static void writeTensor(DataOutputStream out, INDArray t) throws IOException {
        long[] shape = t.shape();
        out.writeInt(shape.length);
        for (long s : shape) {
            out.writeLong(s);
        }
        double[] d = t.dup('c').data().asDouble();
        ByteBuffer b = ByteBuffer.allocate(8 * 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < d.length; i += 4096) {
            b.clear();
            int n = Math.min(4096, d.length - i);
            b.asDoubleBuffer().put(d, i, n);
            out.write(b.array(), 0, 8 * n);
        }
    }

    static INDArray readTensor(DataInputStream in) throws IOException {
        int rank = in.readInt();
        if (rank < 0 || rank > 8) {
            throw new IOException("a tensor of rank " + rank);
        }
        long[] shape = new long[rank];
        long n = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = in.readLong();
            if (shape[i] < 0 || shape[i] > MAX_ELEMENTS) {
                throw new IOException("a tensor dimension of " + shape[i]);
            }
            n *= shape[i];
            if (n > MAX_ELEMENTS) {
                throw new IOException("a tensor of more than " + MAX_ELEMENTS + " elements");
            }
        }
        double[] d = new double[(int) n];
        byte[] buf = new byte[8 * 4096];
        for (int i = 0; i < d.length; i += 4096) {
            int k = Math.min(4096, d.length - i);
            in.readFully(buf, 0, 8 * k);
            ByteBuffer.wrap(buf, 0, 8 * k).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d, i, k);
        }
        if (rank == 0) {
            return Nd.vector(d).reshape();
        }
        return Nd.vector(d).reshape(shape);
    }

    static void writeTensors(DataOutputStream out, Map<String, INDArray> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, INDArray> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            writeTensor(out, e.getValue());
        }
    }

    static Map<String, INDArray> readTensors(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ENTRIES) {
            throw new IOException("a map of " + n + " tensors");
        }
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(in.readUTF(), readTensor(in));
        }
        return m;
    }

    static void writeNetwork(DataOutputStream out, Network net) throws IOException {
        writeMap(out, NetworkCodec.metadata(net));
        writeTensors(out, NetworkCodec.tensors(net));
    }

    /** Reads and validates a network (kinds, shapes, finite values). */
    static Network readNetwork(DataInputStream in) throws IOException {
        Map<String, String> meta = readMap(in);
        Map<String, INDArray> tensors = readTensors(in);
        return NetworkCodec.decode(new Artifact("network", meta, tensors));
    }

    /** Writing end over a stream, for the games' codecs. */
    static class Out implements Pipe.Out {
        final DataOutputStream out;

        Out(DataOutputStream out) {
            this.out = out;
        }

        @Override
        public void writeByte(int v) throws IOException {
            out.writeByte(v);
        }

        @Override
        public void writeInt(int v) throws IOException {
            out.writeInt(v);
        }

        @Override
        public void writeLong(long v) throws IOException {
            out.writeLong(v);
        }

        @Override
        public void writeUTF(String s) throws IOException {
            out.writeUTF(s);
        }

        @Override
        public void writeTensors(Map<String, INDArray> tensors) throws IOException {
            Wire.writeTensors(out, tensors);
        }

        @Override
        public void writeNetwork(Network network) throws IOException {
            Wire.writeNetwork(out, network);
        }
    }

    /** Reading end over a stream, for the games' codecs: tensors and maps bounded, networks validated. */
    static class In implements Pipe.In {
        final DataInputStream in;

        In(DataInputStream in) {
            this.in = in;
        }

        @Override
        public int readInt() throws IOException {
            return in.readInt();
        }

        @Override
        public long readLong() throws IOException {
            return in.readLong();
        }

        @Override
        public String readUTF() throws IOException {
            return in.readUTF();
        }

        @Override
        public Map<String, INDArray> readTensors() throws IOException {
            return Wire.readTensors(in);
        }

        @Override
        public Network readNetwork() throws IOException {
            return Wire.readNetwork(in);
        }
    }
}
