package org.weightgames.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.weightgames.fuzz.Fuzzer;
import org.weightgames.core.WgException;
import org.weightgames.game.Definition;
import org.weightgames.game.Registry;

/**
 * What an isolated adversary's process sends back is untrusted: mutated answers (weights, models,
 * bits, errors), read by each game's answer codec, must give a clean error (which the games
 * record as a lost trial), never a crash.
 */
class IsolationFuzzTest {
    @Test
    void answersFromTheAdversaryProcess() throws Exception {
        assertThat(Fuzzer.run("isolation-answer", Fuzzer.corpus("isolation-answer"), b -> {
            if (b.length == 0) {
                return;
            }
            // every game's answer codec reads the same hostile bytes; only clean errors may come out
            Exception clean = null;
            for (Definition d : Registry.definitions()) {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(b, 1, b.length - 1));
                try {
                    IsolatedAdversary.answer(d.contract().codec(), b[0], new Wire.In(in));
                } catch (WgException | IOException e) {
                    clean = e;
                }
            }
            if (clean != null) {
                throw clean;
            }
        }, t -> t instanceof WgException || t instanceof IOException)).isPositive();
    }
}
