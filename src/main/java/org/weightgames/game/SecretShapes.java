package org.weightgames.game;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.WgException;
import org.weightgames.model.Network;

/**
 * A scheme's secret must be judgeable: every protected tensor is named after a tensor of the
 * original ({@code <layer>.<name>}, its shape exactly) or a part of one ({@code <layer>.<name>[...]},
 * as {@code 0.W[S]}: no more entries than it). A secret that is not is the scheme's error,
 * refused before any adversary plays: otherwise every answer fails the judge and the scheme looks safe.
 */
public final class SecretShapes {
    private SecretShapes() {
    }

    /** Throws, naming the scheme, the tensor and the fix, when {@code secret} does not fit {@code original}. */
    public static void check(String scheme, Secret secret, Network original) {
        String why = problem(secret.protectedParameters(), original.state());
        if (why != null) {
            throw new WgException("scheme '" + scheme + "' returned a malformed secret: " + why + "; a secret names the"
                    + " original's tensors (<layer>.<name>, e.g. 0.W) with their shapes, or parts of them (0.W[S]) with"
                    + " no more entries (docs/plugins.md)");
        }
    }

    /** Why {@code secret} does not fit the original's tensors, or null when it does. */
    public static String problem(Map<String, INDArray> secret, Map<String, INDArray> original) {
        if (secret.isEmpty()) {
            return "it protects no tensor";
        }
        for (Map.Entry<String, INDArray> e : secret.entrySet()) {
            String name = e.getKey();
            int bracket = name.indexOf('[');
            String base = bracket < 0 ? name : name.substring(0, bracket);
            INDArray of = original.get(base);
            long[] shape = e.getValue().shape();
            if (of == null) {
                List<String> known = original.keySet().stream().limit(8).toList();
                return "'" + name + "' names no tensor of the original (it has " + String.join(", ", known)
                        + (original.size() > 8 ? ", ..." : "") + ")";
            }
            if (bracket < 0 && !Arrays.equals(shape, of.shape())) {
                return "'" + name + "' has shape " + Arrays.toString(shape) + ", the original's is " + Arrays.toString(of.shape());
            }
            if (bracket >= 0 && !part(shape, of.shape())) {
                return "'" + name + "' has shape " + Arrays.toString(shape) + ", not a part of " + base + "'s "
                        + Arrays.toString(of.shape());
            }
        }
        return null;
    }

    /** A part of a tensor: no more entries than it has (its rows, columns or units, in any layout). */
    private static boolean part(long[] shape, long[] of) {
        return Arrays.stream(shape).reduce(1, (x, y) -> x * y) <= Arrays.stream(of).reduce(1, (x, y) -> x * y);
    }
}
