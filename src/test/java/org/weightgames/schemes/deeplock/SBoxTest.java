package org.weightgames.schemes.deeplock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The generated S-box against FIPS-197's values, and its inverse. */
class SBoxTest {
    @Test
    void knownValuesOfFips197() {
        assertThat(SBox.forward(0x00)).isEqualTo(0x63);
        assertThat(SBox.forward(0x53)).isEqualTo(0xED);
        assertThat(SBox.forward(0x01)).isEqualTo(0x7C);
        assertThat(SBox.forward(0xFF)).isEqualTo(0x16);
        assertThat(SBox.inverse(0x63)).isEqualTo(0x00);
        // FIPS-197 Section 4.2: {57} . {83} = {c1}
        assertThat(SBox.multiply(0x57, 0x83)).isEqualTo(0xC1);
        assertThat(SBox.multiply(0x53, SBox.gfInverse(0x53))).isEqualTo(1);
    }

    @Test
    void isAPermutationAndTheInverseUndoesIt() {
        Set<Integer> images = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            images.add(SBox.forward(b));
            assertThat(SBox.inverse(SBox.forward(b))).isEqualTo(b);
            assertThat(SBox.forward(b)).isNotEqualTo(b); // the AES S-box has no fixed point
        }
        assertThat(images).hasSize(256);
    }
}
