package org.weightgames.safetensors;

import org.weightgames.core.WgException;

/**
 * Every element type of the safetensors format. Floating types are read as floats or doubles
 * ({@link Codec}); integer and boolean tensors as indices ({@link Tensor#toLongs}) or as numbers;
 * any tensor, of any type, can be copied through byte for byte ({@link Writer#copy}). Writing
 * values is supported for every type but the 8-bit floats, which WeightGames only copies.
 */
public enum DType {
    BOOL(1, Kind.BOOL), U8(1, Kind.UNSIGNED), I8(1, Kind.SIGNED), F8_E5M2(1, Kind.FLOAT), F8_E4M3(1, Kind.FLOAT),
    I16(2, Kind.SIGNED), U16(2, Kind.UNSIGNED), F16(2, Kind.FLOAT), BF16(2, Kind.FLOAT), I32(4, Kind.SIGNED),
    U32(4, Kind.UNSIGNED), F32(4, Kind.FLOAT), F64(8, Kind.FLOAT), I64(8, Kind.SIGNED), U64(8, Kind.UNSIGNED);

    /** What the bits hold. */
    public enum Kind {
        FLOAT, SIGNED, UNSIGNED, BOOL
    }

    public final int size;
    public final Kind kind;

    DType(int size, Kind kind) {
        this.size = size;
        this.kind = kind;
    }

    public boolean isFloat() {
        return kind == Kind.FLOAT;
    }

    /** Integer or boolean: values that can serve as indices. */
    public boolean isIntegral() {
        return kind != Kind.FLOAT;
    }

    static DType parse(String s, String where) {
        for (DType d : values()) {
            if (d.name().equals(s)) {
                return d;
            }
        }
        throw new WgException(where + ": dtype '" + s + "' is not a safetensors dtype (BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16,"
                + " F16, BF16, I32, U32, F32, F64, I64, U64); the header is corrupt or was written by a newer format version");
    }
}
