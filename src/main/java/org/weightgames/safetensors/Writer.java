package org.weightgames.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.WgException;

/**
 * A safetensors file being written; nothing appears under the target name before {@link #commit()}.
 * Every tensor is declared first (the header is known before any data); the data fill a temporary
 * file beside the target by positional writes (so written pages stay in the page cache, not in the
 * process's memory), and the commit renames it into place: a crash leaves no half-written
 * checkpoint under the final name. Writes of disjoint ranges may run on several threads at once.
 */
public final class Writer implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private final FileChannel channel;
    private final Map<String, Spec> specs;
    private final Map<String, Long> starts = new LinkedHashMap<>();
    private static final ThreadLocal<ByteBuffer> STAGING = new ThreadLocal<>();
    private final boolean durable;
    private boolean committed;

    /** Starts writing a file: the tensors (name to dtype and shape) in the order they are laid out. */
    public static Writer create(Path target, Map<String, String> metadata, Map<String, Spec> specs) {
        return new Writer(target, metadata, specs, true);
    }

    /**
     * As {@link #create(Path, Map, Map)}; with {@code durable} false the commit renames without
     * forcing the bytes to disk first (for scratch files deleted within the run, such as a bench's).
     */
    public static Writer create(Path target, Map<String, String> metadata, Map<String, Spec> specs, boolean durable) {
        return new Writer(target, metadata, specs, durable);
    }

    /** Writes whole ND4J tensors in one go, in the given dtype. */
    public static void write(Path target, Map<String, String> metadata, Map<String, INDArray> tensors, DType dtype) {
        Map<String, Spec> specs = new LinkedHashMap<>();
        tensors.forEach((k, v) -> specs.put(k, new Spec(dtype, v.shape())));
        try (Writer w = create(target, metadata, specs)) {
            for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
                double[] d = e.getValue().dup('c').data().asDouble();
                w.write(e.getKey(), 0, d, 0, d.length);
            }
            w.commit();
        }
    }

    private Writer(Path target, Map<String, String> metadata, Map<String, Spec> specs, boolean durable) {
        this.target = target;
        this.durable = durable;
        this.specs = new LinkedHashMap<>(specs);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = root.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Spec> e : specs.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("a tensor cannot be named __metadata__");
            }
            Spec s = e.getValue();
            long bytes = Math.multiplyExact(s.elements(), (long) s.dtype().size);
            ObjectNode t = root.putObject(e.getKey());
            t.put("dtype", s.dtype().name());
            var sh = t.putArray("shape");
            for (long d : s.shape()) {
                sh.add(d);
            }
            var off = t.putArray("data_offsets");
            off.add(offset);
            off.add(offset + bytes);
            starts.put(e.getKey(), offset);
            offset += bytes;
        }
        byte[] header;
        try {
            header = json.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int padded = (header.length + 7) / 8 * 8;
        long dataStart = 8 + padded;
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            this.tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".partial");
            this.channel = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE);
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded);
            head.put(header);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            head.flip();
            while (head.hasRemaining()) {
                channel.write(head, head.position());
            }
            if (offset > 0) {
                channel.write(ByteBuffer.allocate(1), dataStart + offset - 1);
            }
        } catch (IOException e) {
            throw new WgException(target + ": cannot write (" + e.getMessage() + "); check the directory and free space", e);
        }
        starts.replaceAll((k, v) -> v + dataStart);
    }

    /** A per-thread staging buffer of at least {@code bytes}, little-endian. */
    private ByteBuffer staging(int bytes) {
        ByteBuffer b = STAGING.get();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocate(Math.max(bytes, 1 << 16)).order(ByteOrder.LITTLE_ENDIAN);
            STAGING.set(b);
        }
        b.clear().limit(bytes);
        return b;
    }

    private void put(String name, long from, ByteBuffer b) {
        long pos = starts.get(name) + from * specs.get(name).dtype().size;
        try {
            while (b.hasRemaining()) {
                pos += channel.write(b, pos);
            }
        } catch (IOException e) {
            throw new WgException(target + ": cannot write tensor '" + name + "' (" + e.getMessage() + "); check free space", e);
        }
    }

    private Spec spec(String name, long from, int len) {
        Spec s = specs.get(name);
        if (s == null) {
            throw new IllegalArgumentException("tensor '" + name + "' was not declared for " + target);
        }
        if (from < 0 || len < 0 || from + len > s.elements()) {
            throw new IndexOutOfBoundsException("elements [" + from + ", " + (from + len) + ") of '" + name + "'");
        }
        return s;
    }

    /** Writes {@code len} values at element {@code from} of a declared tensor, rounding to its dtype. */
    public void write(String name, long from, float[] src, int off, int len) {
        Spec s = spec(name, from, len);
        stage(name, from, len, s.dtype(), (b, done, n) -> Codec.encode(s.dtype(), src, off + done, n, b));
    }

    /** Writes {@code len} values at element {@code from} of a declared tensor, rounding to its dtype. */
    public void write(String name, long from, double[] src, int off, int len) {
        Spec s = spec(name, from, len);
        stage(name, from, len, s.dtype(), (b, done, n) -> Codec.encode(s.dtype(), src, off + done, n, b));
    }

    /**
     * Copies a tensor of an open file byte for byte into the declared tensor {@code name}, which must
     * have its dtype and element count: any dtype, exactly (integer indices, bool masks, FP8, NaN
     * payloads), 1 MiB at a time.
     */
    public void copy(Tensor t, String name) {
        Spec s = spec(name, 0, 0);
        if (s.dtype() != t.dtype() || s.elements() != t.elements()) {
            throw new IllegalArgumentException("tensor '" + name + "' was declared " + s.dtype() + " x " + s.elements()
                    + ", cannot copy '" + t.name() + "' (" + t.dtype() + " x " + t.elements() + ")");
        }
        int step = Math.max(1, (1 << 20) / s.dtype().size);
        for (long from = 0; from < t.elements(); from += step) {
            int n = (int) Math.min(step, t.elements() - from);
            long at = from;
            t.rawSpans(from, n, (b, done, k) -> {
                ByteBuffer slice = b.slice();
                slice.limit(k * s.dtype().size);
                put(name, at + done, slice);
            });
        }
    }

    /** Writes integer values (indices) at element {@code from} of a declared integer or boolean tensor. */
    public void write(String name, long from, long[] src, int off, int len) {
        Spec s = spec(name, from, len);
        if (!s.dtype().isIntegral()) {
            throw new IllegalArgumentException("tensor '" + name + "' is " + s.dtype() + ", not an integer tensor");
        }
        stage(name, from, len, s.dtype(), (b, done, n) -> {
            for (int i = 0; i < n; i++) {
                Codec.putIntegral(s.dtype(), b, i, src[off + done + i]);
            }
        });
    }

    /** Encodes the values 1 MiB at a time into a staging buffer and writes each stretch in place. */
    private void stage(String name, long from, int len, DType dtype, Tensor.Span encode) {
        int step = Math.max(1, (1 << 20) / dtype.size);
        for (int done = 0; done < len; done += step) {
            int n = Math.min(step, len - done);
            ByteBuffer b = staging(n * dtype.size);
            encode.accept(b, done, n);
            put(name, from + done, b);
        }
    }

    /** Flushes everything to disk and renames the file into place. */
    public void commit() {
        try {
            if (durable) {
                channel.force(true);
            }
            channel.close();
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            committed = true;
        } catch (IOException e) {
            throw new WgException(target + ": cannot finish writing (" + e.getMessage() + "); check free space", e);
        }
    }

    /** Without a commit: deletes the temporary file. */
    @Override
    public void close() {
        if (!committed) {
            try {
                channel.close();
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the temporary name never shadows a real checkpoint
            }
        }
    }
}
