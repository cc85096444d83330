package org.weightgames.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.Nd;
import org.weightgames.core.WgException;
import org.weightgames.data.Dataset;
import org.weightgames.model.Architecture;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.safetensors.Writer;

/**
 * The files of the plugin protocol: safetensors, every tensor written as F64 (labels as whole
 * numbers in F64). A network is a checkpoint in {@link NetworkCodec}'s layout whose metadata
 * describes its architecture ({@code format} = {@value #NETWORK}, {@code layers}, each layer's
 * {@code kind} and activation; shapes are the tensors'); a data set is {@code features} [n, d]
 * and {@code labels} [n] with metadata {@code classes}. What a plugin writes is read back with
 * its size bounded and, for networks, every kind, shape and value checked.
 */
final class TensorFiles {
    static final String NETWORK = "weightgames-network-v1";
    static final long MAX_BYTES = 4L << 30;

    private TensorFiles() {
    }

    static void write(Path file, Map<String, String> meta, Map<String, INDArray> tensors) {
        Writer.write(file, meta, tensors, DType.F64);
    }

    /** A public artifact as a file: its metadata, with {@code extra} on top, and its tensors. */
    static void writeArtifact(Path file, Artifact artifact, Map<String, String> extra) {
        Map<String, String> meta = new LinkedHashMap<>(artifact.metadata());
        meta.putAll(extra);
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (String n : artifact.tensorNames()) {
            tensors.put(n, artifact.tensor(n));
        }
        write(file, meta, tensors);
    }

    static void writeNetwork(Path file, Network net, Architecture architecture) {
        Map<String, String> meta = new LinkedHashMap<>(NetworkCodec.metadata(net));
        meta.put("format", NETWORK);
        if (architecture != null) {
            architecture.toMap().forEach((k, v) -> meta.put("architecture." + k, v));
        }
        write(file, meta, NetworkCodec.tensors(net));
    }

    static void writeData(Path file, INDArray features, int[] labels, int classes) {
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("features", features);
        if (labels != null) {
            double[] l = new double[labels.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = labels[i];
            }
            t.put("labels", Nd.vector(l));
        }
        write(file, classes > 0 ? Map.of("classes", Integer.toString(classes)) : Map.of(), t);
    }

    static void writeData(Path file, Dataset d) {
        int[] labels = new int[d.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = d.label(i);
        }
        writeData(file, d.features(), labels, d.classes());
    }

    /** A file's metadata and tensors, as doubles. */
    record Read(Map<String, String> metadata, Map<String, INDArray> tensors) {
    }

    static Read read(Path file, String what) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new WgException(what + " " + file.getFileName() + " is larger than " + (MAX_BYTES >> 30) + " GiB");
            }
        } catch (java.io.IOException e) {
            throw new WgException(what + " " + file.getFileName() + " cannot be read: " + e.getMessage());
        }
        try (Safetensors s = Safetensors.open(file)) {
            Map<String, INDArray> t = new LinkedHashMap<>();
            for (String n : s.names()) {
                t.put(n, s.tensor(n).toNd());
            }
            return new Read(s.metadata(), t);
        } catch (WgException | IllegalArgumentException e) {
            throw new WgException(what + " " + file.getFileName() + " is not a valid safetensors file: " + e.getMessage());
        }
    }

    /** A network checkpoint a plugin wrote, checked layer by layer. */
    static Network readNetwork(Path file, String what) {
        Read r = read(file, what);
        Map<String, String> meta = new LinkedHashMap<>(r.metadata());
        meta.keySet().removeIf(k -> k.equals("format") || k.startsWith("architecture."));
        return NetworkCodec.decode(new Artifact(what, meta, r.tensors()));
    }

    /** One tensor of a file, which must be there. */
    static INDArray tensor(Read r, String name, String what) {
        INDArray t = r.tensors().get(name);
        if (t == null) {
            throw new WgException(what + " has no tensor '" + name + "'");
        }
        return t;
    }
}
