package org.weightgames.safetensors;

import org.weightgames.core.WgException;

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
