package org.weightgames.schemes.soter;

import java.util.Map;

import org.weightgames.kit.SchemeTestKit;

/** The kit on SOTER: its claims (schemes/soter.json) and the contract checks. */
class SoterKitTest extends SchemeTestKit {
    @Override
    protected String scheme() {
        return Soter.ID;
    }

    /** The scheme's own family (its modelDefaults), which the kit's contract checks do not read. */
    @Override
    protected Map<String, Map<String, String>> settings() {
        return Map.of("model", Map.of("arch", "bn-mlp"));
    }

    /** The released part alone is not meant to compute the function (correct measures the user's, with the TEE's layers). */
    @Override
    protected double fidelity() {
        return Double.POSITIVE_INFINITY;
    }
}
