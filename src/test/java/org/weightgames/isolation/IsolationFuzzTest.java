package org.weightgames.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.weightgames.fuzz.Fuzzer;
import org.weightgames.core.WgException;

/**
 * What an isolated adversary's process sends back is untrusted: mutated answers (weights, models,
 * bits, errors) must give a clean error (which the games record as a lost trial), never a crash.
 */
class IsolationFuzzTest {
    @Test
    void answersFromTheAdversaryProcess() throws Exception {
        assertThat(Fuzzer.run("isolation-answer", Fuzzer.corpus("isolation-answer"), b -> {
            if (b.length == 0) {
                return;
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(b, 1, b.length - 1));
            IsolatedAdversary.answer(b[0], in);
        }, t -> t instanceof WgException || t instanceof IOException)).isPositive();
    }
}
