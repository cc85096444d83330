package org.weightgames.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

import org.weightgames.core.WgException;

/**
 * A safetensors header, parsed and validated: trusts nothing in it. Its length, the JSON, every
 * dtype, shape and offset are checked, products of dimensions with overflow checks, before any
 * allocation; the tensors must tile the data section exactly (no gap, no overlap, nothing beyond
 * the file's end), as the reference implementation requires. Every error names the file and what
 * to do.
 */
final class Header {
    /** Largest header accepted, as the reference implementation: 100 MB. */
    static final long MAX_HEADER = 100_000_000L;

    /** Offset of the first data byte (8 + header length). */
    final long dataStart;
    /** The {@code __metadata__} strings, sorted by key. */
    final Map<String, String> metadata;
    /** The tensors in header order, reading through the channel they were parsed from. */
    final Map<String, Tensor> tensors;

    private Header(long dataStart, Map<String, String> metadata, Map<String, Tensor> tensors) {
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** Reads and validates the header of an open file; its tensors read through {@code ch}. */
    static Header parse(Path file, FileChannel ch) {
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
        return new Header(dataStart, Collections.unmodifiableMap(meta), Collections.unmodifiableMap(tensors));
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
