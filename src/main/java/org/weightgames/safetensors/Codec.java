package org.weightgames.safetensors;

import java.nio.ByteBuffer;

/** Conversions between the stored dtypes and Java floats and doubles. */
public final class Codec {
    private Codec() {
    }

    static void decode(DType t, ByteBuffer b, float[] dst, int off, int n) {
        if (t == DType.F32) {
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
        if (t == DType.F64) {
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
        if (t == DType.F32) {
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
        if (t == DType.F64) {
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
