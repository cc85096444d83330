package org.weightgames.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.util.encoders.Hex;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a scheme publishes: named tensors and string metadata, nothing else. Immutable: tensors
 * are copied in and copied out, so no party can change what another sees. Its SHA-256 covers
 * the scheme id, every metadata entry and every tensor's name, shape and values (IEEE-754 little
 * endian), in a canonical order.
 */
public final class Artifact {
    private final String scheme;
    private final Map<String, String> metadata;
    private final Map<String, INDArray> tensors;
    private final String sha256;

    public Artifact(String scheme, Map<String, String> metadata, Map<String, INDArray> tensors) {
        this.scheme = scheme;
        this.metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
        Map<String, INDArray> t = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            t.put(e.getKey(), e.getValue().dup());
        }
        this.tensors = Collections.unmodifiableMap(t);
        this.sha256 = hash();
    }

    public String scheme() {
        return scheme;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public String meta(String key) {
        String v = metadata.get(key);
        if (v == null) {
            throw new WgException("artifact of scheme '" + scheme + "' has no metadata entry '" + key + "'");
        }
        return v;
    }

    public Set<String> tensorNames() {
        return tensors.keySet();
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** A copy of the named tensor. */
    public INDArray tensor(String name) {
        INDArray t = tensors.get(name);
        if (t == null) {
            throw new WgException("artifact of scheme '" + scheme + "' has no tensor '" + name + "'");
        }
        return t.dup();
    }

    public String sha256() {
        return sha256;
    }

    private String hash() {
        SHA256Digest d = new SHA256Digest();
        update(d, "scheme=" + scheme);
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            update(d, "meta:" + e.getKey() + "=" + e.getValue());
        }
        for (String name : new TreeMap<>(tensors).keySet()) {
            hashTensor(d, name, tensors.get(name));
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return Hex.toHexString(out);
    }

    /** Adds a tensor's name, shape and values to a digest. */
    public static void hashTensor(SHA256Digest d, String name, INDArray t) {
        update(d, "tensor:" + name + java.util.Arrays.toString(t.shape()));
        double[] v = t.dup('c').data().asDouble();
        ByteBuffer buf = ByteBuffer.allocate(8 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            if (!buf.hasRemaining()) {
                d.update(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putDouble(x);
        }
        d.update(buf.array(), 0, buf.position());
    }

    private static void update(SHA256Digest d, String s) {
        byte[] b = (s + "\n").getBytes(StandardCharsets.UTF_8);
        d.update(b, 0, b.length);
    }
}
