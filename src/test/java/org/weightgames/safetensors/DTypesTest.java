package org.weightgames.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.core.WgException;

/** Every safetensors dtype: read from a file built byte by byte here (not by our writer), copied through exactly. */
class DTypesTest {
    @TempDir
    Path dir;

    /** A file of the given tensors (name -> dtype, shape, little-endian bytes), laid out in order. */
    private Path file(Object... nameDtypeShapeBytes) throws Exception {
        StringBuilder h = new StringBuilder("{");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < nameDtypeShapeBytes.length; i += 4) {
            byte[] b = (byte[]) nameDtypeShapeBytes[i + 3];
            if (h.length() > 1) {
                h.append(',');
            }
            h.append('"').append(nameDtypeShapeBytes[i]).append("\":{\"dtype\":\"").append(nameDtypeShapeBytes[i + 1])
                    .append("\",\"shape\":").append(nameDtypeShapeBytes[i + 2]).append(",\"data_offsets\":[")
                    .append(data.size()).append(',').append(data.size() + b.length).append("]}");
            data.write(b);
        }
        byte[] header = h.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + header.length + data.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header).put(data.toByteArray());
        Path f = dir.resolve("t" + System.nanoTime() + ".safetensors");
        Files.write(f, out.array());
        return f;
    }

    private static byte[] le(int width, long... v) {
        ByteBuffer b = ByteBuffer.allocate(width * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            switch (width) {
                case 1:
                    b.put((byte) x);
                    break;
                case 2:
                    b.putShort((short) x);
                    break;
                case 4:
                    b.putInt((int) x);
                    break;
                default:
                    b.putLong(x);
            }
        }
        return b.array();
    }

    @Test
    void integerAndBoolTensorsReadAsIndicesAndNumbers() throws Exception {
        long big = (1L << 53) + 1; // not a double: must survive as a long and as a copy
        Path f = file("i64", "I64", "[3]", le(8, -5, 0, big), "u8", "U8", "[2]", le(1, 255, 7), "i8", "I8", "[2]", le(1, -128, 127),
                "i16", "I16", "[1]", le(2, -300), "u16", "U16", "[1]", le(2, 65535), "i32", "I32", "[2]", le(4, -70000, 3),
                "u32", "U32", "[1]", le(4, 4294967295L), "u64", "U64", "[1]", le(8, 12), "mask", "BOOL", "[3]", le(1, 1, 0, 1));
        try (Safetensors s = Safetensors.open(f)) {
            assertThat(s.tensor("i64").toLongs()).containsExactly(-5, 0, big);
            assertThat(s.tensor("u8").toLongs()).containsExactly(255, 7);
            assertThat(s.tensor("i8").toLongs()).containsExactly(-128, 127);
            assertThat(s.tensor("i16").toLongs()).containsExactly(-300);
            assertThat(s.tensor("u16").toLongs()).containsExactly(65535);
            assertThat(s.tensor("i32").toLongs()).containsExactly(-70000, 3);
            assertThat(s.tensor("u32").toLongs()).containsExactly(4294967295L);
            assertThat(s.tensor("u64").toLongs()).containsExactly(12);
            assertThat(s.tensor("mask").toLongs()).containsExactly(1, 0, 1);
            assertThat(s.tensor("i32").toDoubles()).containsExactly(-70000, 3);
            assertThat(s.tensor("u8").dtype().isIntegral()).isTrue();
            assertThatThrownBy(() -> s.tensor("i64").requireFloat()).isInstanceOf(WgException.class)
                    .hasMessageContaining("'i64' is I64 but must hold weights");
        }
    }

    @Test
    void eightBitFloatsDecodeExactly() throws Exception {
        // E4M3: 0x38 = 1.0, 0xC0 = -2.0, 0x01 = 2^-9 (smallest subnormal), 0x7E = 448 (largest), 0x7F = NaN
        // E5M2: 0x3C = 1.0, 0xC2 = -3.0, 0x7C = +inf
        Path f = file("a", "F8_E4M3", "[5]", le(1, 0x38, 0xC0, 0x01, 0x7E, 0x7F), "b", "F8_E5M2", "[3]", le(1, 0x3C, 0xC2, 0x7C));
        try (Safetensors s = Safetensors.open(f)) {
            double[] a = s.tensor("a").toDoubles();
            assertThat(a[0]).isEqualTo(1.0);
            assertThat(a[1]).isEqualTo(-2.0);
            assertThat(a[2]).isEqualTo(Math.scalb(1.0, -9));
            assertThat(a[3]).isEqualTo(448.0);
            assertThat(a[4]).isNaN();
            assertThat(s.tensor("b").toDoubles()).containsExactly(1.0, -3.0, Double.POSITIVE_INFINITY);
            assertThatThrownBy(() -> s.tensor("a").toLongs()).hasMessageContaining("not an integer tensor");
        }
    }

    @Test
    void everyDtypeIsCopiedThroughByteForByte() throws Exception {
        Object[] spec = new Object[4 * DType.values().length];
        int i = 0;
        for (DType d : DType.values()) {
            byte[] b = new byte[3 * d.size];
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) (31 * k + 7 * d.ordinal() + (d == DType.BOOL ? 0 : 129));
            }
            if (d == DType.BOOL) {
                b = new byte[] {1, 0, 1};
            }
            spec[i++] = "t_" + d;
            spec[i++] = d.name();
            spec[i++] = "[3]";
            spec[i++] = b;
        }
        Path src = file(spec);
        Path dst = dir.resolve("copy.safetensors");
        try (Safetensors s = Safetensors.open(src)) {
            Map<String, Spec> specs = new LinkedHashMap<>();
            for (String n : s.names()) {
                specs.put(n, new Spec(s.tensor(n).dtype(), s.tensor(n).shape()));
            }
            try (Writer w = Writer.create(dst, Map.of(), specs)) {
                for (String n : s.names()) {
                    w.copy(s.tensor(n), n);
                }
                w.commit();
            }
            try (Safetensors c = Safetensors.open(dst)) {
                for (String n : s.names()) {
                    Tensor a = s.tensor(n);
                    Tensor b = c.tensor(n);
                    assertThat(b.dtype()).isEqualTo(a.dtype());
                    byte[] x = bytes(src, s, a);
                    byte[] y = bytes(dst, c, b);
                    assertThat(y).as(n).isEqualTo(x);
                }
            }
        }
    }

    @Test
    void integerValuesAreWrittenAndRangeChecked() throws Exception {
        Path f = dir.resolve("idx.safetensors");
        Map<String, Spec> specs = new LinkedHashMap<>();
        specs.put("sampled_dim", new Spec(DType.I64, new long[] {3}));
        specs.put("small", new Spec(DType.U8, new long[] {1}));
        try (Writer w = Writer.create(f, Map.of(), specs)) {
            w.write("sampled_dim", 0, new long[] {9, 2, 1L << 40}, 0, 3);
            assertThatThrownBy(() -> w.write("small", 0, new long[] {256}, 0, 1)).hasMessageContaining("outside the range of U8");
            w.write("small", 0, new long[] {255}, 0, 1);
            w.commit();
        }
        try (Safetensors s = Safetensors.open(f)) {
            assertThat(s.tensor("sampled_dim").toLongs()).containsExactly(9, 2, 1L << 40);
            assertThat(s.tensor("small").toLongs()).containsExactly(255);
        }
    }

    private static byte[] bytes(Path file, Safetensors s, Tensor t) throws Exception {
        byte[] all = Files.readAllBytes(file);
        int hl = (int) ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // find the tensor's offset by reading its elements' position through the header: data section order may differ
        Map<String, long[]> off = new LinkedHashMap<>();
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(new String(all, 8, hl, StandardCharsets.UTF_8));
        var o = root.get(t.name()).get("data_offsets");
        int from = 8 + hl + o.get(0).asInt();
        int to = 8 + hl + o.get(1).asInt();
        return java.util.Arrays.copyOfRange(all, from, to);
    }
}
