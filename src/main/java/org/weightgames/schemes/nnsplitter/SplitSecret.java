package org.weightgames.schemes.nnsplitter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Nd;
import org.weightgames.game.Secret;

/**
 * NNSplitter's model secret, kept in the trusted execution environment: the positions of the
 * obfuscated weights and their original values, bound to the artifact they restore (its SHA-256).
 * The ground truth for the games is the original values, named {@code <layer>.W[obfuscated]}.
 */
public final class SplitSecret implements Secret {
    private final String artifactSha256;
    private final List<Obfuscation.Changed> changed;

    SplitSecret(String artifactSha256, List<Obfuscation.Changed> changed) {
        this.artifactSha256 = artifactSha256;
        this.changed = List.copyOf(changed);
    }

    String artifactSha256() {
        return artifactSha256;
    }

    List<Obfuscation.Changed> changed() {
        return changed;
    }

    @Override
    public Map<String, INDArray> protectedParameters() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Obfuscation.Changed c : changed) {
            out.put(c.tensor() + "[obfuscated]", Nd.vector(c.original().clone()));
        }
        return out;
    }

    @Override
    public String toString() {
        return "nnsplitter secret (" + changed.stream().mapToInt(c -> c.index().length).sum() + " weights in "
                + changed.size() + " tensors)";
    }
}
