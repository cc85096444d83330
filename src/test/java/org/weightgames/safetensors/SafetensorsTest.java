package org.weightgames.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.core.Coins;
import org.weightgames.core.WgException;

class SafetensorsTest {
    @TempDir
    Path tmp;

    /** Every one of the 65536 half and bfloat16 bit patterns survives decode then encode. */
    @Test
    void everyHalfAndBf16PatternRoundTrips() {
        for (int bits = 0; bits < 65536; bits++) {
            short h = (short) bits;
            assertThat(Codec.floatToHalf(Codec.halfToFloat(h))).as("F16 %04x", bits).isEqualTo(h);
            float bf = Float.intBitsToFloat(bits << 16);
            assertThat(Codec.floatToBf16(bf)).as("BF16 %04x", bits).isEqualTo(h);
        }
    }

    @Test
    void halfRoundingIsToNearestEven() {
        assertThat(Codec.halfToFloat(Codec.floatToHalf(1 + 0x1p-11f))).isEqualTo(1f); // tie, even
        assertThat(Codec.halfToFloat(Codec.floatToHalf(1 + 3 * 0x1p-11f))).isEqualTo(1 + 0x1p-9f); // tie, up to even
        assertThat(Codec.halfToFloat(Codec.floatToHalf(65520f))).isInfinite(); // rounds past the largest half
        assertThat(Codec.halfToFloat(Codec.floatToHalf(0x1p-24f))).isEqualTo(0x1p-24f); // smallest subnormal
        assertThat(Codec.halfToFloat(Codec.floatToHalf(0x1p-25f))).isEqualTo(0f); // tie to even zero
        assertThat(Codec.halfToFloat(Codec.floatToHalf(1.5f * 0x1p-25f))).isEqualTo(0x1p-24f);
        assertThat(Codec.halfToFloat(Codec.floatToHalf(3.14159f))).isEqualTo(3.140625f);
        assertThat(Float.intBitsToFloat(Codec.floatToBf16(1 + 0x1p-8f) << 16)).isEqualTo(1f);
        assertThat(Float.intBitsToFloat(Codec.floatToBf16(1 + 3 * 0x1p-8f) << 16)).isEqualTo(1 + 0x1p-6f);
    }

    /** Values representable in each dtype come back exactly, through files of several tensors. */
    @Test
    void roundTripIsExactForEveryDtype() throws Exception {
        Coins c = Coins.root(11);
        for (DType t : new DType[] {DType.F64, DType.F32, DType.F16, DType.BF16}) {
            Map<String, Spec> specs = new LinkedHashMap<>();
            specs.put("a", new Spec(t, new long[] {3, 5}));
            specs.put("empty", new Spec(t, new long[] {0, 4}));
            specs.put("b", new Spec(t, new long[] {7}));
            Map<String, double[]> values = new LinkedHashMap<>();
            for (Map.Entry<String, Spec> e : specs.entrySet()) {
                double[] v = new double[(int) e.getValue().elements()];
                for (int i = 0; i < v.length; i++) {
                    double x = c.nextGaussian() * Math.pow(10, c.nextInt(9) - 4);
                    v[i] = representable(t, x);
                }
                if (v.length > 2) {
                    v[0] = Double.POSITIVE_INFINITY;
                    v[1] = -0.0;
                }
                values.put(e.getKey(), v);
            }
            Path f = tmp.resolve("rt-" + t + ".safetensors");
            try (Writer w = Writer.create(f, Map.of("format", "pt", "dtype", t.name()), specs)) {
                values.forEach((k, v) -> w.write(k, 0, v, 0, v.length));
                w.commit();
            }
            try (Safetensors s = Safetensors.open(f)) {
                assertThat(s.metadata()).containsEntry("dtype", t.name());
                assertThat(s.names()).containsExactly("a", "empty", "b");
                for (Map.Entry<String, double[]> e : values.entrySet()) {
                    Tensor tensor = s.tensor(e.getKey());
                    assertThat(tensor.dtype()).isEqualTo(t);
                    assertThat(tensor.shape()).isEqualTo(specs.get(e.getKey()).shape());
                    assertThat(tensor.toDoubles()).as("%s %s", t, e.getKey()).containsExactly(e.getValue());
                    float[] asFloat = new float[e.getValue().length];
                    tensor.read(0, asFloat, 0, asFloat.length);
                    for (int i = 0; i < asFloat.length; i++) {
                        assertThat(asFloat[i]).isEqualTo((float) e.getValue()[i]);
                    }
                }
            }
            try (var files = java.nio.file.Files.list(tmp)) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".partial"))).isEmpty();
            }
        }
    }

    private static double representable(DType t, double x) {
        switch (t) {
            case F64:
                return x;
            case F32:
                return (float) x;
            case F16:
                return Codec.halfToFloat(Codec.floatToHalf((float) x));
            default:
                return Float.intBitsToFloat(Codec.floatToBf16((float) x) << 16);
        }
    }

    @Test
    void partialReadsAtOffsets() {
        Path f = tmp.resolve("m.safetensors");
        double[] v = new double[40];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5;
        }
        try (Writer w = Writer.create(f, Map.of(), Map.of("m", new Spec(DType.F32, new long[] {8, 5})))) {
            w.write("m", 10, v, 10, 30);
            w.write("m", 0, v, 0, 10);
            w.commit();
        }
        try (Safetensors s = Safetensors.open(f)) {
            double[] row = new double[5];
            s.tensor("m").read(15, row, 0, 5);
            assertThat(row).containsExactly(7.5, 8, 8.5, 9, 9.5);
            assertThatThrownBy(() -> s.tensor("m").read(38, row, 0, 5)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> s.tensor("x")).isInstanceOf(WgException.class).hasMessageContaining("no tensor 'x'");
        }
    }

    @Test
    void anUncommittedWriterLeavesNothing() throws Exception {
        Path f = tmp.resolve("never.safetensors");
        try (Writer w = Writer.create(f, Map.of(), Map.of("m", new Spec(DType.F32, new long[] {4})))) {
            w.write("m", 0, new float[] {1, 2}, 0, 2);
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    private Path raw(String header, int dataBytes) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve("hostile-" + Integer.toHexString(header.hashCode()) + "-" + dataBytes + ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private void refused(Path f, String message) {
        assertThatThrownBy(() -> Safetensors.open(f).close()).isInstanceOf(WgException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining(message);
    }

    @Test
    void hostileHeadersAreRefusedWithAClearError() throws Exception {
        String ok = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        try (Safetensors s = Safetensors.open(raw(ok, 16))) {
            assertThat(s.tensor("w").elements()).isEqualTo(4);
        }
        refused(raw(ok, 12), "beyond the 12 data bytes");
        refused(raw(ok, 20), "trailing bytes");
        refused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[4,20]}}", 20), "(gap)");
        refused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", 16), "needs 24 bytes");
        refused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,16]}}", 16),
                "overflows");
        refused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776,1099511627776],\"data_offsets\":[0,16]}}", 16),
                "overflows");
        refused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1,2],\"data_offsets\":[0,16]}}", 16), "non-negative");
        refused(raw("{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16), "dtype 'Q4' is not a safetensors dtype");
        refused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8), "before begin");
        refused(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "(overlap)");
        refused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16), "malformed");
        refused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}", 16), "malformed");
        refused(raw("[1,2]", 0), "does not start with '{'");
        refused(raw("{\"__metadata__\":{\"a\":1}}", 0), "not a string");
        refused(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", 8), "unknown field 'x'");
        // a header length that claims more bytes than the file holds, and absurd lengths
        Path big = tmp.resolve("claims-more.safetensors");
        Files.write(big, ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putInt(0x7b7d2020).array());
        refused(big, "holds only 4");
        Path absurd = tmp.resolve("absurd.safetensors");
        Files.write(absurd, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
        refused(absurd, "not between");
        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 0, 0});
        refused(tiny, "too short");
        refused(tmp.resolve("missing.safetensors"), "no such file");
    }

    /** Tensors larger than one mapping (1 GiB) are read across the boundary; a sparse file keeps it cheap. */
    @Test
    void readsAcrossMappingBoundaries() throws Exception {
        long n = Tensor.CHUNK / 4 + 6;
        Path f = tmp.resolve("big.safetensors");
        try (Writer w = Writer.create(f, Map.of(), Map.of("t", new Spec(DType.F32, new long[] {n})))) {
            w.write("t", Tensor.CHUNK / 4 - 3, new float[] {1, 2, 3, 4, 5, 6}, 0, 6);
            w.commit();
        }
        try (Safetensors s = Safetensors.open(f)) {
            float[] got = new float[8];
            s.tensor("t").read(Tensor.CHUNK / 4 - 4, got, 0, 8);
            assertThat(got).containsExactly(0, 1, 2, 3, 4, 5, 6, 0);
        }
        Files.delete(f);
    }
}
