package org.weightgames.safetensors;

import java.util.Arrays;

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
