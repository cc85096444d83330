package org.weightgames.schemes.corelocker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.weightgames.fuzz.Fuzzer;

/** The opened access key's parser under mutated input (what a buggy or hostile sender could seal). */
class AccessKeyFuzzTest {
    @Test
    void openedKeys() throws Exception {
        assertThat(Fuzzer.run("access-key", Fuzzer.corpus("access-key"), AccessKey::deserialise)).isPositive();
    }
}
