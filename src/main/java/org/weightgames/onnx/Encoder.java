package org.weightgames.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

import org.weightgames.core.WgException;
import org.weightgames.onnx.proto.OnnxProtos.GraphProto;
import org.weightgames.onnx.proto.OnnxProtos.ModelProto;
import org.weightgames.onnx.proto.OnnxProtos.TensorProto;
import org.weightgames.onnx.proto.OnnxProtos.TypeProto;
import org.weightgames.onnx.proto.OnnxProtos.ValueInfoProto;

/**
 * A transformer encoder run by ONNX Runtime (CPU, one thread), one sentence at a time: its first
 * output (the last hidden state, [1, tokens, d]) and, on request, the values named in
 * {@code taps} made extra graph outputs (how WeightGames reads each MLP block's real input). The
 * sentence embedding is sentence-transformers': the mean of the last hidden state over the
 * attention mask, L2-normalised.
 */
public final class Encoder implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<String> inputs;
    private final String output;
    private final List<String> taps;
    private final String source;

    /** What one sentence gives: its tokens, the embedding and each tap's rows [tokens * width]. */
    public record Run(int tokens, double[] embedding, Map<String, float[]> taps) {
    }

    private Encoder(String source, byte[] model, List<String> taps) {
        this.source = source;
        this.taps = List.copyOf(taps);
        try {
            env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setIntraOpNumThreads(1);
                o.setInterOpNumThreads(1);
                // warnings only about initializers a rewritten graph no longer uses (GELU's constants); errors still show
                o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                session = env.createSession(model, o);
            }
            inputs = new ArrayList<>(session.getInputNames());
            output = session.getOutputNames().iterator().next();
        } catch (OrtException e) {
            throw new WgException(source + ": ONNX Runtime cannot load the model (" + e.getMessage() + ")", e);
        }
        for (String i : inputs) {
            if (!List.of("input_ids", "attention_mask", "token_type_ids").contains(i)) {
                throw new WgException(source + ": graph input '" + i + "' is not one a BERT-style encoder takes (input_ids,"
                        + " attention_mask, token_type_ids)");
            }
        }
    }

    /** Runs {@code model} as it is. */
    public static Encoder of(OnnxModel model) {
        return of(model.source(), model.proto().toByteArray(), List.of());
    }

    /** Runs {@code model} with the fp32 values {@code taps} exposed as extra outputs. */
    public static Encoder tapping(OnnxModel model, List<String> taps) {
        GraphProto.Builder g = model.proto().getGraph().toBuilder();
        for (String t : taps) {
            g.addOutput(ValueInfoProto.newBuilder().setName(t).setType(TypeProto.newBuilder().setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
        }
        ModelProto p = model.proto().toBuilder().setGraph(g).build();
        return of(model.source(), p.toByteArray(), taps);
    }

    /** Runs serialised model bytes (a rewritten or recovered model). */
    public static Encoder of(String source, byte[] model, List<String> taps) {
        return new Encoder(source, model, taps);
    }

    /** One sentence through the encoder. */
    public Run run(SentenceTokenizer.Tokens t) {
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (String i : inputs) {
                long[] v = switch (i) {
                    case "input_ids" -> t.ids();
                    case "attention_mask" -> t.mask();
                    default -> t.types();
                };
                feed.put(i, OnnxTensor.createTensor(env, new long[][] {v}));
            }
            try (OrtSession.Result r = session.run(feed)) {
                float[][] h = ((float[][][]) r.get(0).getValue())[0];
                Map<String, float[]> tapped = new LinkedHashMap<>();
                for (String tap : taps) {
                    OnnxValue v = r.get(tap).orElseThrow();
                    tapped.put(tap, flatten(((float[][][]) v.getValue())[0]));
                }
                return new Run(t.length(), meanPool(h, t.mask()), tapped);
            }
        } catch (OrtException e) {
            throw new WgException(source + ": ONNX Runtime failed on a sentence of " + t.length() + " tokens (" + e.getMessage() + ")",
                    e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    /** Mean over the tokens the mask keeps, then L2 normalisation. */
    static double[] meanPool(float[][] h, long[] mask) {
        double[] e = new double[h[0].length];
        double n = 0;
        for (int k = 0; k < h.length; k++) {
            if (mask[k] != 0) {
                for (int i = 0; i < e.length; i++) {
                    e[i] += h[k][i];
                }
                n++;
            }
        }
        double norm = 0;
        for (int i = 0; i < e.length; i++) {
            e[i] /= Math.max(n, 1);
            norm += e[i] * e[i];
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        for (int i = 0; i < e.length; i++) {
            e[i] /= norm;
        }
        return e;
    }

    private static float[] flatten(float[][] rows) {
        int w = rows[0].length;
        float[] f = new float[rows.length * w];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(rows[k], 0, f, k * w, w);
        }
        return f;
    }

    /** The cosine similarity of two embeddings. */
    public static double cosine(double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new WgException(source + ": cannot close the ONNX Runtime session (" + e.getMessage() + ")", e);
        }
    }
}
