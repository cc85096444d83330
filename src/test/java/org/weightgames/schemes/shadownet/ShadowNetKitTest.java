package org.weightgames.schemes.shadownet;

import java.util.Map;

import org.weightgames.kit.SchemeTestKit;

/** The kit on ShadowNet: its claims (schemes/shadownet.json) and the contract checks. */
class ShadowNetKitTest extends SchemeTestKit {
    @Override
    protected String scheme() {
        return ShadowNet.ID;
    }

    /** The scheme's own family (its modelDefaults), which the kit's contract checks do not read. */
    @Override
    protected Map<String, Map<String, String>> settings() {
        return Map.of("model", Map.of("arch", "bn-mlp"));
    }

    /** The released part alone is not meant to compute the function (correct measures the user's, restored in the TEE). */
    @Override
    protected double fidelity() {
        return Double.POSITIVE_INFINITY;
    }
}
