package org.weightgames.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.WgException;
import org.weightgames.core.Nd;

/**
 * The safetensors checkpoint format (Hugging Face): an 8-byte little-endian header length n, n
 * bytes of JSON mapping tensor names to {@code {"dtype", "shape", "data_offsets": [begin, end]}}
 * (plus an optional {@code "__metadata__"} object of strings), then the raw little-endian tensor
 * bytes. Supported dtypes: F64, F32, F16, BF16.
 *
 * <p>Reading maps the file into memory (no copy on open: a tensor's bytes are touched only when
 * read) and trusts nothing in the header: its length, the JSON, every dtype, shape and offset are
 * checked, products of dimensions with overflow checks, before any allocation; the tensors must
 * tile the data section exactly (no gap, no overlap, nothing beyond the file's end), as the
 * reference implementation requires. Every error names the file and what to do.
 *
 * <p>Writing declares every tensor first (the header is known before any data), fills a temporary
 * file beside the target with positional writes (so written pages stay in the page cache, not in
 * the process's memory), and renames it into place on
 * {@link Writer#commit()}: a crash leaves no half-written checkpoint under the final name.
 * Reads and writes of disjoint ranges may run on several threads at once.
 */
public final class Safetensors implements AutoCloseable {
    /** Largest header accepted, as the reference implementation: 100 MB. */
    public static final long MAX_HEADER = 100_000_000L;
    /** Bytes per mapping; a multiple of every element size so no element straddles two mappings. */
    static final long CHUNK = 1L << 30;

    /** Element types. */
    public enum DType {
        F64(8), F32(4), F16(2), BF16(2);

        public final int size;

        DType(int size) {
            this.size = size;
        }

        static DType parse(String s, String where) {
            for (DType d : values()) {
                if (d.name().equals(s)) {
                    return d;
                }
            }
            throw new WgException(where + ": dtype '" + s + "' is not supported; WeightGames reads F64, F32, F16 and BF16"
                    + " (convert the checkpoint, e.g. with torch: tensor.float())");
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, Tensor> tensors;

    private Safetensors(Path file, FileChannel channel, long dataStart, Map<String, String> metadata,
            Map<String, Tensor> tensors) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** Opens and validates a safetensors file. */
    public static Safetensors open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new WgException(file + ": no such file; give the path of a .safetensors checkpoint");
        } catch (IOException e) {
            throw new WgException(file + ": cannot open (" + e.getMessage() + "); check the path and its permissions", e);
        }
        try {
            return parse(file, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static Safetensors parse(Path file, FileChannel ch) {
        String where = file.toString();
        long size;
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try {
            size = ch.size();
            if (size < 8) {
                throw new WgException(where + ": " + size + " bytes is too short for a safetensors file (8-byte header length"
                        + " missing); the file is truncated or not a safetensors checkpoint");
            }
            readFully(ch, lenBuf, 0);
        } catch (IOException e) {
            throw new WgException(where + ": cannot read (" + e.getMessage() + ")", e);
        }
        long n = lenBuf.flip().getLong();
        if (n < 2 || n > MAX_HEADER) {
            throw new WgException(where + ": header length " + Long.toUnsignedString(n) + " is not between 2 and " + MAX_HEADER
                    + " bytes; the file is corrupt or not a safetensors checkpoint");
        }
        if (n > size - 8) {
            throw new WgException(where + ": header claims " + n + " bytes but the file holds only " + (size - 8)
                    + " after the length; the file is truncated");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        try {
            readFully(ch, hb, 8);
        } catch (IOException e) {
            throw new WgException(where + ": cannot read the header (" + e.getMessage() + ")", e);
        }
        byte[] headerBytes = hb.array();
        if (headerBytes[0] != '{') {
            throw new WgException(where + ": the header does not start with '{'; the file is not a safetensors checkpoint");
        }
        JsonNode root;
        try {
            ObjectMapper json = new ObjectMapper();
            json.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = json.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new WgException(where + ": the JSON header is malformed (" + e.getOriginalMessage() + ")"
                    + "; the file is corrupt or not a safetensors checkpoint");
        }
        if (root == null || !root.isObject()) {
            throw new WgException(where + ": the JSON header is not an object; the file is not a safetensors checkpoint");
        }
        long dataStart = 8 + n;
        long dataLen = size - dataStart;
        Map<String, String> meta = new TreeMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        List<String> rangeNames = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new WgException(where + ": __metadata__ must be an object of strings");
                }
                v.fields().forEachRemaining(m -> {
                    if (!m.getValue().isTextual()) {
                        throw new WgException(where + ": __metadata__ entry '" + m.getKey() + "' is not a string");
                    }
                    meta.put(m.getKey(), m.getValue().asText());
                });
                continue;
            }
            String at = where + ": tensor '" + name + "'";
            if (!v.isObject()) {
                throw new WgException(at + " is not an object with dtype, shape and data_offsets");
            }
            v.fieldNames().forEachRemaining(f -> {
                if (!f.equals("dtype") && !f.equals("shape") && !f.equals("data_offsets")) {
                    throw new WgException(at + " has an unknown field '" + f + "'; expected dtype, shape, data_offsets");
                }
            });
            JsonNode dt = v.get("dtype");
            if (dt == null || !dt.isTextual()) {
                throw new WgException(at + " has no dtype string");
            }
            DType dtype = DType.parse(dt.asText(), at);
            JsonNode sh = v.get("shape");
            if (sh == null || !sh.isArray()) {
                throw new WgException(at + " has no shape array");
            }
            if (sh.size() > 16) {
                throw new WgException(at + " has " + sh.size() + " dimensions; at most 16 are accepted");
            }
            long[] shape = new long[sh.size()];
            long elements = 1;
            for (int d = 0; d < shape.length; d++) {
                JsonNode x = sh.get(d);
                if (!x.isIntegralNumber() || !x.canConvertToLong() || x.asLong() < 0) {
                    throw new WgException(at + ": shape entry " + d + " (" + x + ") is not a non-negative integer");
                }
                shape[d] = x.asLong();
                try {
                    elements = Math.multiplyExact(elements, shape[d]);
                } catch (ArithmeticException ex) {
                    throw new WgException(at + ": shape " + sh + " overflows 64 bits; the header is corrupt");
                }
            }
            JsonNode off = v.get("data_offsets");
            if (off == null || !off.isArray() || off.size() != 2) {
                throw new WgException(at + " has no data_offsets [begin, end]");
            }
            long[] be = new long[2];
            for (int i = 0; i < 2; i++) {
                JsonNode x = off.get(i);
                if (!x.isIntegralNumber() || !x.canConvertToLong() || x.asLong() < 0) {
                    throw new WgException(at + ": data_offsets entry " + i + " (" + x + ") is not a non-negative integer");
                }
                be[i] = x.asLong();
            }
            if (be[1] < be[0]) {
                throw new WgException(at + ": data_offsets end " + be[1] + " is before begin " + be[0]);
            }
            if (be[1] > dataLen) {
                throw new WgException(at + ": data_offsets end " + be[1] + " is beyond the " + dataLen
                        + " data bytes the file holds; the file is truncated or the header is wrong");
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(elements, (long) dtype.size);
            } catch (ArithmeticException ex) {
                throw new WgException(at + ": shape " + sh + " is too large");
            }
            if (bytes != be[1] - be[0]) {
                throw new WgException(at + ": shape " + sh + " of " + dtype + " needs " + bytes + " bytes but data_offsets span "
                        + (be[1] - be[0]) + "; the header is inconsistent");
            }
            tensors.put(name, new Tensor(name, dtype, shape, elements, dataStart + be[0], ch, where));
            ranges.add(be);
            rangeNames.add(name);
        }
        Integer[] order = new Integer[ranges.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Long.compare(ranges.get(a)[0], ranges.get(b)[0]);
            return c != 0 ? c : Long.compare(ranges.get(a)[1], ranges.get(b)[1]);
        });
        long end = 0;
        for (Integer i : order) {
            long[] r = ranges.get(i);
            if (r[0] != end) {
                throw new WgException(where + ": tensor '" + rangeNames.get(i) + "' starts at data byte " + r[0] + " but the previous"
                        + " tensor ends at " + end + (r[0] < end ? " (overlap)" : " (gap)") + "; the header is corrupt");
            }
            end = r[1];
        }
        if (end != dataLen) {
            throw new WgException(where + ": the tensors cover " + end + " data bytes but the file holds " + dataLen
                    + " after the header; the file has trailing bytes or the header is wrong");
        }
        return new Safetensors(file, ch, dataStart, Collections.unmodifiableMap(meta), Collections.unmodifiableMap(tensors));
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    public Path file() {
        return file;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /**
     * Prefixes p, in header order, such that p + suffix and p + each companion are all tensors of
     * this file: how the blocks of a checkpoint are found by their tensor names.
     */
    public List<String> prefixes(String suffix, String... companions) {
        List<String> out = new ArrayList<>();
        for (String n : tensors.keySet()) {
            if (n.endsWith(suffix)) {
                String p = n.substring(0, n.length() - suffix.length());
                boolean all = true;
                for (String c : companions) {
                    all &= tensors.containsKey(p + c);
                }
                if (all) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new WgException(file + ": no tensor '" + name + "'; it holds " + abbreviate(tensors.keySet()));
        }
        return t;
    }

    static String abbreviate(java.util.Collection<String> names) {
        List<String> l = new ArrayList<>(names);
        return l.size() <= 12 ? l.toString() : l.subList(0, 12) + " and " + (l.size() - 12) + " more";
    }

    /** Offset of the first data byte (8 + header length). */
    public long dataStart() {
        return dataStart;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to flush on a read-only channel
        }
    }

    /** A tensor of an open file, read on demand through read-only mappings. */
    public static final class Tensor {
        private final String name;
        private final DType dtype;
        private final long[] shape;
        private final long elements;
        private final long start;
        private final FileChannel channel;
        private final String where;
        private final MappedByteBuffer[] maps;

        Tensor(String name, DType dtype, long[] shape, long elements, long start, FileChannel channel, String where) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.elements = elements;
            this.start = start;
            this.channel = channel;
            this.where = where;
            long bytes = elements * dtype.size;
            this.maps = new MappedByteBuffer[(int) ((bytes + CHUNK - 1) / CHUNK)];
        }

        public String name() {
            return name;
        }

        public DType dtype() {
            return dtype;
        }

        public long[] shape() {
            return shape.clone();
        }

        public long elements() {
            return elements;
        }

        /** Rows of a matrix (the first dimension), columns the product of the others. */
        public long rows() {
            return shape.length == 0 ? 1 : shape[0];
        }

        public long columns() {
            return shape.length == 0 ? 1 : elements / Math.max(1, shape[0]);
        }

        /** Checks the tensor is a [rows, cols] matrix. */
        public Tensor requireShape(long... want) {
            if (!Arrays.equals(shape, want)) {
                throw new WgException(where + ": tensor '" + name + "' has shape " + Arrays.toString(shape) + ", expected "
                        + Arrays.toString(want));
            }
            return this;
        }

        private synchronized MappedByteBuffer map(int chunk) {
            MappedByteBuffer m = maps[chunk];
            if (m == null) {
                long off = (long) chunk * CHUNK;
                long len = Math.min(CHUNK, elements * dtype.size - off);
                try {
                    m = channel.map(FileChannel.MapMode.READ_ONLY, start + off, len);
                } catch (IOException e) {
                    throw new WgException(where + ": cannot map tensor '" + name + "' (" + e.getMessage() + ")", e);
                }
                maps[chunk] = m;
            }
            return m;
        }

        private void check(long from, int len) {
            if (from < 0 || len < 0 || from + len > elements) {
                throw new IndexOutOfBoundsException("elements [" + from + ", " + (from + len) + ") of tensor '" + name + "' of "
                        + elements);
            }
        }

        /** One stretch of elements inside one mapping: the buffer positioned at its first byte. */
        interface Span {
            void accept(ByteBuffer b, int done, int n);
        }

        /** Visits elements {@code from .. from+len} mapping by mapping (an element never straddles two). */
        private void spans(long from, int len, Span span) {
            check(from, len);
            int done = 0;
            while (done < len) {
                long byteOff = (from + done) * dtype.size;
                int chunk = (int) (byteOff / CHUNK);
                ByteBuffer b = map(chunk).duplicate().order(ByteOrder.LITTLE_ENDIAN);
                int pos = (int) (byteOff - (long) chunk * CHUNK);
                int n = (int) Math.min(len - done, (b.limit() - pos) / dtype.size);
                b.position(pos);
                span.accept(b, done, n);
                done += n;
            }
        }

        /** Reads elements {@code from .. from+len} (row-major) as floats. */
        public void read(long from, float[] dst, int off, int len) {
            spans(from, len, (b, done, n) -> Codec.decode(dtype, b, dst, off + done, n));
        }

        /** Reads elements {@code from .. from+len} (row-major) as doubles. */
        public void read(long from, double[] dst, int off, int len) {
            spans(from, len, (b, done, n) -> Codec.decode(dtype, b, dst, off + done, n));
        }

        /** Every element as doubles (for tensors of fewer than 2^31 elements). */
        public double[] toDoubles() {
            if (elements > Integer.MAX_VALUE - 16) {
                throw new WgException(where + ": tensor '" + name + "' has " + elements + " elements, too many for one array");
            }
            double[] d = new double[(int) elements];
            read(0, d, 0, d.length);
            return d;
        }

        /** The tensor as a double-precision ND4J array of its shape. */
        public INDArray toNd() {
            double[] d = toDoubles();
            if (shape.length == 1) {
                return Nd.vector(d);
            }
            if (shape.length == 2) {
                return Nd.matrix(d, shape[0], shape[1]);
            }
            return Nd.vector(d).reshape(shape);
        }
    }

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

    /** A tensor to be written: its dtype and shape. */
    public record Spec(DType dtype, long[] shape) {
        public long elements() {
            long n = 1;
            for (long s : shape) {
                if (s < 0) {
                    throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
                }
                n = Math.multiplyExact(n, s);
            }
            return n;
        }
    }

    /** A file being written; nothing appears under the target name before {@link #commit()}. */
    public static final class Writer implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final FileChannel channel;
        private final Map<String, Spec> specs;
        private final Map<String, Long> starts = new LinkedHashMap<>();
        private static final ThreadLocal<ByteBuffer> STAGING = new ThreadLocal<>();
        private final boolean durable;
        private boolean committed;

        Writer(Path target, Map<String, String> metadata, Map<String, Spec> specs, boolean durable) {
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

    /** Conversions between the stored dtypes and Java floats and doubles. */
    public static final class Codec {
        private Codec() {
        }

        static void decode(DType t, ByteBuffer b, float[] dst, int off, int n) {
            switch (t) {
                case F32:
                    b.asFloatBuffer().get(dst, off, n);
                    break;
                case F64: {
                    var d = b.asDoubleBuffer();
                    for (int i = 0; i < n; i++) {
                        dst[off + i] = (float) d.get(i);
                    }
                    break;
                }
                case F16: {
                    var s = b.asShortBuffer();
                    for (int i = 0; i < n; i++) {
                        dst[off + i] = halfToFloat(s.get(i));
                    }
                    break;
                }
                default: {
                    var s = b.asShortBuffer();
                    for (int i = 0; i < n; i++) {
                        dst[off + i] = Float.intBitsToFloat((s.get(i) & 0xffff) << 16);
                    }
                }
            }
        }

        static void decode(DType t, ByteBuffer b, double[] dst, int off, int n) {
            switch (t) {
                case F64:
                    b.asDoubleBuffer().get(dst, off, n);
                    break;
                case F32: {
                    var d = b.asFloatBuffer();
                    for (int i = 0; i < n; i++) {
                        dst[off + i] = d.get(i);
                    }
                    break;
                }
                case F16: {
                    var s = b.asShortBuffer();
                    for (int i = 0; i < n; i++) {
                        dst[off + i] = halfToFloat(s.get(i));
                    }
                    break;
                }
                default: {
                    var s = b.asShortBuffer();
                    for (int i = 0; i < n; i++) {
                        dst[off + i] = Float.intBitsToFloat((s.get(i) & 0xffff) << 16);
                    }
                }
            }
        }

        static void encode(DType t, float[] src, int off, int n, ByteBuffer b) {
            switch (t) {
                case F32:
                    b.asFloatBuffer().put(src, off, n);
                    break;
                case F64: {
                    var d = b.asDoubleBuffer();
                    for (int i = 0; i < n; i++) {
                        d.put(i, src[off + i]);
                    }
                    break;
                }
                case F16: {
                    var s = b.asShortBuffer();
                    for (int i = 0; i < n; i++) {
                        s.put(i, floatToHalf(src[off + i]));
                    }
                    break;
                }
                default: {
                    var s = b.asShortBuffer();
                    for (int i = 0; i < n; i++) {
                        s.put(i, floatToBf16(src[off + i]));
                    }
                }
            }
        }

        static void encode(DType t, double[] src, int off, int n, ByteBuffer b) {
            switch (t) {
                case F64:
                    b.asDoubleBuffer().put(src, off, n);
                    break;
                case F32: {
                    var d = b.asFloatBuffer();
                    for (int i = 0; i < n; i++) {
                        d.put(i, (float) src[off + i]);
                    }
                    break;
                }
                case F16: {
                    var s = b.asShortBuffer();
                    for (int i = 0; i < n; i++) {
                        s.put(i, floatToHalf((float) src[off + i]));
                    }
                    break;
                }
                default: {
                    var s = b.asShortBuffer();
                    for (int i = 0; i < n; i++) {
                        s.put(i, floatToBf16((float) src[off + i]));
                    }
                }
            }
        }

        /** IEEE binary16 to float (exact). */
        public static float halfToFloat(short h) {
            int bits = h & 0xffff;
            int sign = (bits & 0x8000) << 16;
            int exp = (bits >>> 10) & 0x1f;
            int mant = bits & 0x3ff;
            if (exp == 0x1f) {
                return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
            }
            if (exp == 0) {
                if (mant == 0) {
                    return Float.intBitsToFloat(sign);
                }
                float v = mant * 0x1p-24f;
                return sign != 0 ? -v : v;
            }
            return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
        }

        /** Float to IEEE binary16, rounding to nearest even; NaN payloads keep their top bits. */
        public static short floatToHalf(float f) {
            int bits = Float.floatToRawIntBits(f);
            int sign = (bits >>> 16) & 0x8000;
            int exp = (bits >>> 23) & 0xff;
            int mant = bits & 0x7fffff;
            if (exp == 0xff) {
                if (mant == 0) {
                    return (short) (sign | 0x7c00);
                }
                int m = mant >>> 13;
                return (short) (sign | 0x7c00 | (m == 0 ? 0x200 : m));
            }
            int e = exp - 127 + 15;
            if (e >= 0x1f) {
                return (short) (sign | 0x7c00);
            }
            if (e <= 0) {
                if (e < -10) {
                    return (short) sign;
                }
                int m = mant | 0x800000;
                int shift = 14 - e;
                int half = m >>> shift;
                int rest = m & ((1 << shift) - 1);
                int mid = 1 << (shift - 1);
                if (rest > mid || (rest == mid && (half & 1) != 0)) {
                    half++;
                }
                return (short) (sign | half);
            }
            int half = (e << 10) | (mant >>> 13);
            int rest = mant & 0x1fff;
            if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }

        /** Float to bfloat16, rounding to nearest even; NaN payloads keep their top bits. */
        public static short floatToBf16(float f) {
            int bits = Float.floatToRawIntBits(f);
            if ((bits & 0x7f800000) == 0x7f800000 && (bits & 0x7fffff) != 0) {
                int top = bits >>> 16;
                return (short) ((top & 0x7f) == 0 ? top | 0x40 : top);
            }
            int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
            return (short) (rounded >>> 16);
        }
    }
}
