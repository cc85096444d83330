package org.weightgames.schemes.soter;

import java.util.List;

import org.weightgames.kit.SchemeTestKit;
import org.weightgames.run.Claims;

/** The kit on SOTER: the contract checks (its claims, schemes/soter.json, are checked by VerifyTest). */
class SoterKitTest extends SchemeTestKit {
    @Override
    protected String scheme() {
        return Soter.ID;
    }

    /** The kit checks what the trusted part restores, which is the original function (up to rounding). */
    @Override
    protected double fidelity() {
        return 1e-9;
    }

    /** The claims are checked by VerifyTest with every other built-in claim, not played twice. */
    @Override
    protected List<Claims.Claim> claims() {
        return List.of();
    }
}
