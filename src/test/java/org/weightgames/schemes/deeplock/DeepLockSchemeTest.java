package org.weightgames.schemes.deeplock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.weightgames.kit.SchemeTestKit;
import org.weightgames.run.Claims;
import org.weightgames.run.Verify;

/**
 * The kit on Deep-Lock: the contract checks (a release replays from the same coins; the network
 * restored with the key is the original), and the control itself: at p = 0 refill, which trains the
 * locked network as released, gets nothing from it. The claims in schemes/deeplock.json are checked
 * by VerifyTest with every other built-in claim, not played twice.
 */
class DeepLockSchemeTest extends SchemeTestKit {
    @Override
    protected String scheme() {
        return DeepLock.ID;
    }

    @Override
    protected Map<String, Map<String, String>> settings() {
        return Map.of("uc", Map.of("data-fraction", "0", "fresh", "2000"));
    }

    @Override
    protected List<Claims.Claim> claims() {
        return List.of();
    }

    /** Restoration is bit-exact: no output error at all. */
    @Override
    protected double fidelity() {
        return 0.0;
    }

    @Test
    void refillGetsNothingFromTheLockedNetwork() {
        Verify.Check c = play("uc", "refill", 0.1, 36, "holds");
        assertThat(c.matches()).as(c.describe()).isTrue();
    }
}
