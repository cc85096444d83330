package org.weightgames.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.bouncycastle.util.encoders.Hex;
import org.weightgames.core.WgException;
import org.weightgames.core.Nd;
import org.weightgames.onnx.MlpPattern;
import org.weightgames.onnx.OnnxModel;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.safetensors.Tensor;

/**
 * A user's own MLP block read from a safetensors checkpoint into a network the games can play
 * on. Recognised by tensor names:
 * <ul>
 * <li>SwiGLU (Llama, Mistral, Qwen): {@code <prefix>gate_proj.weight}, {@code up_proj.weight},
 * {@code down_proj.weight};</li>
 * <li>plain MLP (OPT, Phi, CLIP, ViT): {@code <prefix>fc1.weight} [hidden, in], {@code fc1.bias},
 * {@code fc2.weight} [out, hidden], {@code fc2.bias}, with the activation given separately.</li>
 * <li>an ONNX model ({@code minilm}, the built-in all-MiniLM-L6-v2, or an .onnx file): its MLP blocks
 * found by the graph ({@link MlpPattern}), named by their biases ({@code encoder.layer.0.}).</li>
 * </ul>
 * The games hold the block in double precision, several copies per trial, so the block's
 * parameters are limited to {@value #MAX_PARAMETERS}; larger blocks (a full Llama MLP) are
 * attacked by the streaming path of {@code wg bench --model}. Loaded once per file and prefix.
 */
public final class Checkpoint {
    public static final long MAX_PARAMETERS = 24_000_000L;
    private static final Map<String, Loaded> LOADED = new ConcurrentHashMap<>();

    /** A block loaded from a file, with the file's SHA-256. */
    public record Loaded(Network network, String kind, String sha256, Path file, String prefix) {
    }

    private Checkpoint() {
    }

    /**
     * Loads the block under {@code prefix} (null: the only or first block found); {@code activation}
     * is used for plain MLP blocks.
     */
    public static Loaded load(Path file, String prefix, Activation activation) {
        if (prefix != null && prefix.isEmpty()) {
            prefix = null;
        }
        String key;
        if (file.toString().equals(OnnxModel.MINILM)) {
            String p = prefix;
            Loaded l = LOADED.computeIfAbsent(OnnxModel.MINILM + "|" + prefix, k -> readOnnx(OnnxModel.MINILM, p));
            return new Loaded(l.network().copy(), l.kind(), l.sha256(), l.file(), l.prefix());
        }
        try {
            key = file.toAbsolutePath().normalize() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file) + "|" + prefix
                    + "|" + activation;
        } catch (IOException e) {
            throw new WgException(file + ": cannot read the checkpoint (" + e.getMessage() + "); check the path given to --model");
        }
        String p = prefix;
        Loaded l = LOADED.computeIfAbsent(key, k -> OnnxModel.isOnnx(file.toString()) ? readOnnx(file.toString(), p)
                : read(file, p, activation));
        return new Loaded(l.network().copy(), l.kind(), l.sha256(), l.file(), l.prefix());
    }

    private static Loaded read(Path file, String prefix, Activation activation) {
        try (Safetensors f = Safetensors.open(file)) {
            List<String> swiglu = SwiGluNames.prefixes(f);
            List<String> plain = plainPrefixes(f);
            String p = prefix;
            boolean gated;
            if (p == null) {
                if (!swiglu.isEmpty()) {
                    p = swiglu.get(0);
                    gated = true;
                } else if (!plain.isEmpty()) {
                    p = plain.get(0);
                    gated = false;
                } else {
                    throw new WgException(file + ": no MLP block found; WeightGames recognises SwiGLU blocks (*gate_proj.weight,"
                            + " *up_proj.weight, *down_proj.weight) and plain ones (*fc1.weight, *fc1.bias, *fc2.weight,"
                            + " *fc2.bias). Tensors in the file: " + Safetensors.abbreviate(f.names()));
                }
            } else if (swiglu.contains(p)) {
                gated = true;
            } else if (plain.contains(p)) {
                gated = false;
            } else {
                List<String> all = new ArrayList<>(swiglu);
                all.addAll(plain);
                throw new WgException(file + ": no MLP block under prefix '" + p + "'; blocks found: " + all
                        + " (pass one of them with --set model.prefix=...)");
            }
            Network net;
            if (gated) {
                SwiGluNames n = SwiGluNames.check(f, new SwiGluNames(p + SwiGluNames.GATE, p + SwiGluNames.UP, p + SwiGluNames.DOWN));
                size(file, f, n.gate(), n.up(), n.down());
                net = Network.of(new SwiGluBlock(matrix(f, n.gate()), matrix(f, n.up()), matrix(f, n.down())));
            } else {
                Tensor w1 = f.tensor(p + "fc1.weight");
                Tensor b1 = f.tensor(p + "fc1.bias");
                Tensor w2 = f.tensor(p + "fc2.weight");
                Tensor b2 = f.tensor(p + "fc2.bias");
                if (w1.shape().length != 2 || w2.shape().length != 2) {
                    throw new WgException(file + ": " + p + "fc1.weight and " + p + "fc2.weight must be matrices");
                }
                b1.requireShape(w1.rows());
                w2.requireShape(w2.rows(), w1.rows());
                b2.requireShape(w2.rows());
                size(file, f, p + "fc1.weight", p + "fc2.weight");
                net = Network.of(new MlpBlock(activation, matrix(f, p + "fc1.weight"), vector(f, p + "fc1.bias"),
                        matrix(f, p + "fc2.weight"), vector(f, p + "fc2.bias")));
            }
            return new Loaded(net, gated ? "swiglu" : "mlp-" + activation.id(), sha256(file), file, p);
        }
    }

    /**
     * A block of an ONNX model ({@code minilm} or an .onnx file): the one under {@code prefix} (null: the
     * first), a plain GELU block as the graph computes it.
     */
    private static Loaded readOnnx(String model, String prefix) {
        OnnxModel m = OnnxModel.load(model);
        MlpPattern.Block b = prefix == null ? m.blocks().get(0) : m.block(prefix);
        return new Loaded(Network.of(onnxBlock(m, b)), "mlp-gelu", m.sha256(), Path.of(model), b.prefix());
    }

    /** An ONNX MLP block as WeightGames' plain block: V = W1' [hidden, in], b = b1, W = W2' [out, hidden], c = b2. */
    public static MlpBlock onnxBlock(OnnxModel m, MlpPattern.Block b) {
        INDArray w1 = Nd.matrix(doubles(m.floats(b.w1())), b.in(), b.hidden());
        INDArray w2 = Nd.matrix(doubles(m.floats(b.w2())), b.hidden(), b.out());
        return new MlpBlock(Activation.GELU, w1.transpose().dup('c'), Nd.vector(doubles(m.floats(b.b1()))),
                w2.transpose().dup('c'), Nd.vector(doubles(m.floats(b.b2()))));
    }

    private static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Prefixes of every complete plain MLP block (fc1/fc2 weights and biases). */
    static List<String> plainPrefixes(Safetensors f) {
        return f.prefixes("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
    }

    private static void size(Path file, Safetensors f, String... names) {
        long total = 0;
        for (String n : names) {
            total += f.tensor(n).elements();
        }
        if (total > MAX_PARAMETERS) {
            throw new WgException(file + ": the block has " + total + " parameters; the in-memory games take at most "
                    + MAX_PARAMETERS + ". Attack a block this large with the streaming path: ./wg bench --model " + file);
        }
    }

    private static org.nd4j.linalg.api.ndarray.INDArray matrix(Safetensors f, String name) {
        Tensor t = f.tensor(name).requireFloat();
        double[] d = finite(f, t);
        return Nd.matrix(d, t.rows(), t.columns());
    }

    private static org.nd4j.linalg.api.ndarray.INDArray vector(Safetensors f, String name) {
        return Nd.vector(finite(f, f.tensor(name).requireFloat()));
    }

    private static double[] finite(Safetensors f, Tensor t) {
        double[] d = t.toDoubles();
        for (int i = 0; i < d.length; i++) {
            if (!Double.isFinite(d[i])) {
                throw new WgException(f.file() + ": tensor '" + t.name() + "' has a NaN or infinite value at element " + i
                        + "; the checkpoint is damaged (re-export it)");
            }
        }
        return d;
    }

    /** SHA-256 of a file, streamed. */
    public static String sha256(Path file) {
        SHA256Digest d = new SHA256Digest();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new WgException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return Hex.toHexString(out);
    }
}
