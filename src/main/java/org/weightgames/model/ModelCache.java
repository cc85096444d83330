package org.weightgames.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.weightgames.core.Artifact;
import org.weightgames.core.WgException;

/**
 * Trained networks on disk, keyed by a hash of everything that determines them (the training
 * configuration, the data's hash, the seed). An entry is one file {@code <sha256(key)>.wgmodel}:
 * the magic {@code WGMODEL1}, a JSON header (the full key, the layer metadata, tensor names and
 * shapes), the tensors as big-endian doubles, and the SHA-256 of all of that. A file whose hash
 * does not match (corrupt) or whose key differs (stale, or a hash collision) is reported, deleted
 * and rebuilt, never used. Files are written to a temporary name and renamed into place, so an
 * interrupted write leaves no entry. Within a process, each entry is built or read once; callers
 * get private copies.
 *
 * <p>The directory is {@code -Dwg.cache}, else {@code $WG_CACHE}, else
 * {@code ~/.cache/weightgames/models}.
 */
public final class ModelCache {
    private static final byte[] MAGIC = "WGMODEL1".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile ModelCache shared;

    private final Path dir;
    private final Map<String, Network> memory = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final java.io.PrintStream log;

    public ModelCache(Path dir, java.io.PrintStream log) {
        this.dir = dir;
        this.log = log;
    }

    /** The process-wide cache in the configured directory. */
    public static ModelCache shared() {
        if (shared == null) {
            synchronized (ModelCache.class) {
                if (shared == null) {
                    shared = new ModelCache(defaultDirectory(), System.err);
                }
            }
        }
        return shared;
    }

    public static Path defaultDirectory() {
        String p = System.getProperty("wg.cache");
        if (p == null || p.isBlank()) {
            p = System.getenv("WG_CACHE");
        }
        if (p == null || p.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".cache", "weightgames", "models");
        }
        return Path.of(p);
    }

    /** The file of an entry. */
    public Path file(String key) {
        return dir.resolve(sha256(key.getBytes(StandardCharsets.UTF_8)) + ".wgmodel");
    }

    /** The network for {@code key}: from memory, else from disk if intact, else built and stored. */
    public Network get(String key, Supplier<Network> build) {
        Network hit = memory.get(key);
        if (hit == null) {
            synchronized (locks.computeIfAbsent(key, k -> new Object())) {
                hit = memory.get(key);
                if (hit == null) {
                    hit = read(key);
                    if (hit == null) {
                        hit = build.get();
                        write(key, hit);
                    }
                    memory.put(key, hit);
                }
            }
        }
        synchronized (hit) {
            return hit.copy();
        }
    }

    /** The stored network, or null when absent, corrupt or stale (the latter two are deleted with a note). */
    Network read(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        String problem;
        try {
            byte[] all = Files.readAllBytes(f);
            problem = check(all, key);
            if (problem == null) {
                return parse(all);
            }
        } catch (IOException | RuntimeException e) {
            problem = "unreadable (" + e.getMessage() + ")";
        }
        if (log != null) {
            log.println("model cache: " + f + " is " + problem + "; deleting it and training again");
        }
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new WgException("model cache: cannot delete the bad entry " + f + " (" + e.getMessage()
                    + "); delete it by hand or point -Dwg.cache / WG_CACHE elsewhere");
        }
        return null;
    }

    private static String check(byte[] all, String key) throws IOException {
        if (all.length < MAGIC.length + 4 + 32 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            return "not a model cache file";
        }
        byte[] body = Arrays.copyOf(all, all.length - 32);
        byte[] stored = Arrays.copyOfRange(all, all.length - 32, all.length);
        if (!Arrays.equals(digest(body), stored)) {
            return "corrupt (its SHA-256 does not match its content)";
        }
        JsonNode header = header(all);
        if (!key.equals(header.path("key").asText())) {
            return "stale (it was built for a different configuration)";
        }
        return null;
    }

    private static JsonNode header(byte[] all) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(all);
        buf.position(MAGIC.length);
        int len = buf.getInt();
        if (len < 0 || len > all.length - MAGIC.length - 4 - 32) {
            throw new IOException("header length " + len + " out of range");
        }
        return JSON.readTree(new String(all, MAGIC.length + 4, len, StandardCharsets.UTF_8));
    }

    private static Network parse(byte[] all) throws IOException {
        JsonNode header = header(all);
        ByteBuffer buf = ByteBuffer.wrap(all, 0, all.length - 32);
        buf.position(MAGIC.length + 4 + buf.getInt(MAGIC.length));
        Map<String, String> meta = new TreeMap<>();
        header.path("metadata").fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (JsonNode t : header.path("tensors")) {
            long[] shape = new long[t.path("shape").size()];
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.path("shape").get(i).asLong();
                n *= shape[i];
            }
            if (n < 0 || n * 8 > buf.remaining()) {
                throw new IOException("tensor " + t.path("name").asText() + " runs past the end of the file");
            }
            double[] d = new double[(int) n];
            buf.asDoubleBuffer().get(d);
            buf.position(buf.position() + d.length * 8);
            tensors.put(t.path("name").asText(), Nd4j.create(d, shape, org.nd4j.linalg.api.buffer.DataType.DOUBLE));
        }
        if (buf.remaining() != 0) {
            throw new IOException(buf.remaining() + " bytes after the last tensor");
        }
        return NetworkCodec.decode(new Artifact("model-cache", meta, tensors));
    }

    void write(String key, Network net) {
        try {
            Files.createDirectories(dir);
            ObjectNode header = JSON.createObjectNode();
            header.put("key", key);
            ObjectNode meta = header.putObject("metadata");
            NetworkCodec.metadata(net).forEach(meta::put);
            ArrayNode list = header.putArray("tensors");
            Map<String, INDArray> tensors = NetworkCodec.tensors(net);
            for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
                ObjectNode t = list.addObject();
                t.put("name", e.getKey());
                ArrayNode shape = t.putArray("shape");
                for (long s : e.getValue().shape()) {
                    shape.add(s);
                }
            }
            byte[] h = JSON.writeValueAsBytes(header);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(h.length);
            out.write(h);
            for (INDArray t : tensors.values()) {
                for (double v : t.dup('c').data().asDouble()) {
                    out.writeDouble(v);
                }
            }
            out.flush();
            byte[] body = bytes.toByteArray();
            Path tmp = Files.createTempFile(dir, ".entry-", ".tmp");
            try {
                Files.write(tmp, body);
                Files.write(tmp, digest(body), java.nio.file.StandardOpenOption.APPEND);
                try {
                    Files.move(tmp, file(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file(key), StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new WgException("model cache: cannot write to " + dir + " (" + e.getMessage()
                    + "); make it writable or point -Dwg.cache / WG_CACHE at a writable directory");
        }
    }

    private static byte[] digest(byte[] b) {
        SHA256Digest d = new SHA256Digest();
        d.update(b, 0, b.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    static String sha256(byte[] b) {
        return HexFormat.of().formatHex(digest(b));
    }
}
