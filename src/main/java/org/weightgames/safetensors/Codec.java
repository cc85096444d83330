package org.weightgames.safetensors;

import java.nio.ByteBuffer;

/** Conversions between the stored dtypes and Java floats and doubles. */
public final class Codec {
    private Codec() {
    }

    static void decode(DType t, ByteBuffer b, float[] dst, int off, int n) {
        if (t.isIntegral() || t.size == 1) {
            for (int i = 0; i < n; i++) {
                dst[off + i] = (float) other(t, b, i);
            }
        } else if (t == DType.F32) {
            b.asFloatBuffer().get(dst, off, n);
        } else if (t == DType.F64) {
            var d = b.asDoubleBuffer();
            for (int i = 0; i < n; i++) {
                dst[off + i] = (float) d.get(i);
            }
        } else {
            var s = b.asShortBuffer();
            for (int i = 0; i < n; i++) {
                dst[off + i] = fromShort(t, s.get(i));
            }
        }
    }

    static void decode(DType t, ByteBuffer b, double[] dst, int off, int n) {
        if (t.isIntegral() || t.size == 1) {
            for (int i = 0; i < n; i++) {
                dst[off + i] = other(t, b, i);
            }
        } else if (t == DType.F64) {
            b.asDoubleBuffer().get(dst, off, n);
        } else if (t == DType.F32) {
            var d = b.asFloatBuffer();
            for (int i = 0; i < n; i++) {
                dst[off + i] = d.get(i);
            }
        } else {
            var s = b.asShortBuffer();
            for (int i = 0; i < n; i++) {
                dst[off + i] = fromShort(t, s.get(i));
            }
        }
    }

    static void encode(DType t, float[] src, int off, int n, ByteBuffer b) {
        if (t.isIntegral() || t.size == 1) {
            for (int i = 0; i < n; i++) {
                putIntegral(t, b, i, src[off + i]);
            }
        } else if (t == DType.F32) {
            b.asFloatBuffer().put(src, off, n);
        } else if (t == DType.F64) {
            var d = b.asDoubleBuffer();
            for (int i = 0; i < n; i++) {
                d.put(i, src[off + i]);
            }
        } else {
            var s = b.asShortBuffer();
            for (int i = 0; i < n; i++) {
                s.put(i, toShort(t, src[off + i]));
            }
        }
    }

    static void encode(DType t, double[] src, int off, int n, ByteBuffer b) {
        if (t.isIntegral() || t.size == 1) {
            for (int i = 0; i < n; i++) {
                putIntegral(t, b, i, src[off + i]);
            }
        } else if (t == DType.F64) {
            b.asDoubleBuffer().put(src, off, n);
        } else if (t == DType.F32) {
            var d = b.asFloatBuffer();
            for (int i = 0; i < n; i++) {
                d.put(i, (float) src[off + i]);
            }
        } else {
            var s = b.asShortBuffer();
            for (int i = 0; i < n; i++) {
                s.put(i, toShort(t, (float) src[off + i]));
            }
        }
    }

    /**
     * Element i of a buffer of an integer, boolean or 8-bit float type as a double (exact for
     * integers up to 2^53 in magnitude; U64 read unsigned).
     */
    static double other(DType t, ByteBuffer b, int i) {
        switch (t) {
            case U64: {
                long v = integral(t, b, i);
                return v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1);
            }
            case F8_E4M3:
                return f8e4m3(b.get(b.position() + i));
            case F8_E5M2:
                return halfToFloat((short) ((b.get(b.position() + i) & 0xff) << 8));
            default:
                return integral(t, b, i);
        }
    }

    /** Element i of an integer or boolean buffer as a long (U64 above 2^63 is refused by the caller's check). */
    static long integral(DType t, ByteBuffer b, int i) {
        int p = b.position();
        switch (t) {
            case BOOL:
                return b.get(p + i) != 0 ? 1 : 0;
            case U8:
                return b.get(p + i) & 0xff;
            case I8:
                return b.get(p + i);
            case I16:
                return b.getShort(p + 2 * i);
            case U16:
                return b.getShort(p + 2 * i) & 0xffff;
            case I32:
                return b.getInt(p + 4 * i);
            case U32:
                return b.getInt(p + 4 * i) & 0xffffffffL;
            case I64:
            case U64:
                return b.getLong(p + 8 * i);
            default:
                throw new IllegalStateException(t.name());
        }
    }

    /** Stores an integral value (refusing fractions, values out of range and the 8-bit floats, which are only copied). */
    static void putIntegral(DType t, ByteBuffer b, int i, double v) {
        if (t.size == 1 && t.isFloat()) {
            throw new org.weightgames.core.WgException("writing values as " + t + " is not supported; WeightGames copies "
                    + t + " tensors through unchanged but writes floats as F32, F16 or BF16");
        }
        if (v != Math.rint(v) || Double.isNaN(v)) {
            throw new IllegalArgumentException(v + " is not an integer, cannot be stored as " + t);
        }
        putIntegral(t, b, i, (long) v);
    }

    static void putIntegral(DType t, ByteBuffer b, int i, long v) {
        long[] range = range(t);
        if (v < range[0] || (t != DType.U64 && v > range[1])) {
            throw new IllegalArgumentException(v + " is outside the range of " + t);
        }
        int p = b.position() + t.size * i;
        switch (t.size) {
            case 1:
                b.put(p, (byte) v);
                break;
            case 2:
                b.putShort(p, (short) v);
                break;
            case 4:
                b.putInt(p, (int) v);
                break;
            default:
                b.putLong(p, v);
        }
    }

    private static long[] range(DType t) {
        switch (t) {
            case BOOL:
                return new long[] {0, 1};
            case U8:
                return new long[] {0, 0xff};
            case I8:
                return new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
            case I16:
                return new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
            case U16:
                return new long[] {0, 0xffff};
            case I32:
                return new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            case U32:
                return new long[] {0, 0xffffffffL};
            case U64:
                return new long[] {0, Long.MAX_VALUE};
            default:
                return new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
        }
    }

    /** An OCP FP8 E4M3 ("fn": no infinities, S.1111.111 is NaN) byte as a float: exact. */
    public static float f8e4m3(byte v) {
        int bits = v & 0xff;
        float sign = (bits & 0x80) != 0 ? -1 : 1;
        int exp = (bits >>> 3) & 0xf;
        int mant = bits & 0x7;
        if (exp == 0xf && mant == 0x7) {
            return Float.NaN;
        }
        if (exp == 0) {
            return sign * mant * 0x1p-9f;
        }
        return sign * (1 + mant / 8f) * (float) Math.scalb(1.0, exp - 7);
    }

    /** v as it reads back after being stored as {@code t} (a floating type): the rounding a write applies. */
    public static double round(DType t, double v) {
        switch (t) {
            case F64:
                return v;
            case F32:
                return (float) v;
            case F16:
                return halfToFloat(floatToHalf((float) v));
            case BF16:
                return Float.intBitsToFloat((floatToBf16((float) v) & 0xffff) << 16);
            default:
                throw new IllegalArgumentException(t + " is not a floating type WeightGames writes");
        }
    }

    /** A 16-bit stored value (F16 or BF16) as a float: exact, both formats are subsets of float. */
    private static float fromShort(DType t, short v) {
        return t == DType.F16 ? halfToFloat(v) : Float.intBitsToFloat((v & 0xffff) << 16);
    }

    /** A float stored in 16 bits (F16 or BF16), rounded to nearest even. */
    private static short toShort(DType t, float v) {
        return t == DType.F16 ? floatToHalf(v) : floatToBf16(v);
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
