package org.weightgames.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.WgException;
import org.weightgames.core.Nd;

/**
 * A network as artifact content and back: metadata {@code layers} and {@code <i>.kind} (plus
 * {@code <i>.activation}, {@code <i>.size} where needed), tensors named as in
 * {@link Network#state()}. Decoding checks every layer's kind, tensors and shapes and refuses
 * non-finite values, naming the tensor.
 */
public final class NetworkCodec {
    private NetworkCodec() {
    }

    public static Map<String, String> metadata(Network net) {
        Map<String, String> meta = new TreeMap<>();
        meta.put("layers", Integer.toString(net.layers().size()));
        for (int i = 0; i < net.layers().size(); i++) {
            Layer l = net.layer(i);
            if (l instanceof MlpBlock) {
                meta.put(i + ".kind", "mlp-block");
                meta.put(i + ".activation", ((MlpBlock) l).activation().id());
            } else if (l instanceof SwiGluBlock) {
                meta.put(i + ".kind", "swiglu-block");
                Activation ga = ((SwiGluBlock) l).activation();
                if (ga != Activation.SILU) { // SwiGLU's entries stay as they always were: their hashes do not change
                    meta.put(i + ".activation", ga.id());
                }
            } else if (l instanceof Dense) {
                meta.put(i + ".kind", "dense");
            } else if (l instanceof BatchNorm) {
                meta.put(i + ".kind", "batchnorm");
                meta.put(i + ".spatial", Integer.toString(((BatchNorm) l).spatial()));
            } else if (l instanceof Conv2d) {
                Conv2d c = (Conv2d) l;
                meta.put(i + ".kind", "conv2d");
                meta.put(i + ".image", c.channels() + "x" + c.height() + "x" + c.width());
                meta.put(i + ".kernel", Integer.toString(c.kernel()));
            } else if (l instanceof MaxPool2d) {
                MaxPool2d p = (MaxPool2d) l;
                meta.put(i + ".kind", "maxpool2d");
                meta.put(i + ".image", p.channels() + "x" + p.height() + "x" + p.width());
            } else if (l instanceof ActivationLayer) {
                meta.put(i + ".kind", "activation");
                meta.put(i + ".activation", ((ActivationLayer) l).activation().id());
                meta.put(i + ".size", Long.toString(l.inputSize()));
            } else {
                throw new WgException("layer " + i + " (" + l.kind() + ") cannot be written as plain weights");
            }
        }
        return meta;
    }

    public static Map<String, INDArray> tensors(Network net) {
        return new LinkedHashMap<>(net.state());
    }

    public static Network decode(Artifact a) {
        int n;
        try {
            n = Integer.parseInt(a.meta("layers"));
        } catch (NumberFormatException e) {
            throw new WgException("artifact of scheme " + a.scheme() + ": metadata 'layers' is not a whole number");
        }
        if (n < 1 || n > 10_000) {
            throw new WgException("artifact of scheme " + a.scheme() + ": metadata 'layers' is " + n + ", expected 1..10000");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String kind = a.meta(i + ".kind");
            try {
                switch (kind) {
                    case "mlp-block":
                        layers.add(new MlpBlock(activation(a, i), t(a, i, "V"), t(a, i, "b"), t(a, i, "W"), t(a, i, "c")));
                        break;
                    case "swiglu-block":
                        layers.add(new SwiGluBlock(a.metadata().containsKey(i + ".activation") ? activation(a, i) : Activation.SILU,
                                t(a, i, "V_gate"), t(a, i, "V_up"), t(a, i, "W_down")));
                        break;
                    case "dense":
                        layers.add(new Dense(t(a, i, "W"), t(a, i, "b")));
                        break;
                    case "batchnorm":
                        layers.add(new BatchNorm(t(a, i, "gamma"), t(a, i, "beta"), t(a, i, "running_mean"),
                                t(a, i, "running_var"), a.metadata().containsKey(i + ".spatial") ? number(a, i, "spatial") : 1));
                        break;
                    case "conv2d": {
                        int[] img = image(a, i);
                        layers.add(new Conv2d(t(a, i, "W"), t(a, i, "b"), img[0], img[1], img[2], number(a, i, "kernel")));
                        break;
                    }
                    case "maxpool2d": {
                        int[] img = image(a, i);
                        layers.add(new MaxPool2d(img[0], img[1], img[2]));
                        break;
                    }
                    case "activation":
                        layers.add(new ActivationLayer(activation(a, i), Long.parseLong(a.meta(i + ".size"))));
                        break;
                    default:
                        throw new WgException("artifact of scheme " + a.scheme() + ": layer " + i + " has unknown kind '" + kind + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new WgException("artifact of scheme " + a.scheme() + ": layer " + i + " (" + kind + ") is malformed: "
                        + e.getMessage());
            }
        }
        try {
            return new Network(layers);
        } catch (IllegalArgumentException e) {
            throw new WgException("artifact of scheme " + a.scheme() + ": " + e.getMessage());
        }
    }

    private static int number(Artifact a, int i, String key) {
        String v = a.meta(i + "." + key);
        try {
            int x = Integer.parseInt(v);
            if (x < 1 || x > 1 << 24) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new WgException("artifact of scheme " + a.scheme() + ": metadata " + i + "." + key + " is '" + v
                    + "', expected a whole number from 1 to 16777216");
        }
    }

    /** Metadata {@code <i>.image} = CxHxW. */
    private static int[] image(Artifact a, int i) {
        String v = a.meta(i + ".image");
        String[] p = v.split("x");
        try {
            if (p.length != 3) {
                throw new NumberFormatException();
            }
            int[] out = new int[3];
            for (int k = 0; k < 3; k++) {
                out[k] = Integer.parseInt(p[k]);
                if (out[k] < 1 || out[k] > 1 << 16) {
                    throw new NumberFormatException();
                }
            }
            return out;
        } catch (NumberFormatException e) {
            throw new WgException("artifact of scheme " + a.scheme() + ": metadata " + i + ".image is '" + v
                    + "', expected channels x height x width, e.g. 16x28x28");
        }
    }

    private static Activation activation(Artifact a, int i) {
        try {
            return Activation.byId(a.meta(i + ".activation"));
        } catch (IllegalArgumentException e) {
            throw new WgException("artifact of scheme " + a.scheme() + ": layer " + i + " has unknown activation '"
                    + a.meta(i + ".activation") + "'");
        }
    }

    private static INDArray t(Artifact a, int i, String name) {
        INDArray x = a.tensor(i + "." + name);
        if (!Nd.finite(x)) {
            throw new WgException("artifact of scheme " + a.scheme() + ": tensor " + i + "." + name
                    + " holds NaN or infinite values; the artifact is corrupt");
        }
        return x;
    }
}
