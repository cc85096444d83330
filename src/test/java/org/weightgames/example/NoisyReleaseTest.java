package org.weightgames.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.weightgames.kit.SchemeTestKit;
import org.weightgames.run.Verify;

/** The kit in use: the claims in schemes/example-noisy.json, the contract checks, and one check of our own. */
class NoisyReleaseTest extends SchemeTestKit {
    @Override
    protected String scheme() {
        return "example-noisy";
    }

    @Override
    protected double fidelity() {
        return 0.2;
    }

    @Override
    protected Map<String, Map<String, String>> settings() {
        return Map.of("ext-f", Map.of("epsilon", "0.3"));
    }

    @Test
    void atALooseToleranceTheReleaseIsTheFunction() {
        Verify.Check c = play("ext-f", "released-model", 0.05, 10, "broken");
        assertThat(c.matches()).as(c.describe()).isTrue();
    }
}
