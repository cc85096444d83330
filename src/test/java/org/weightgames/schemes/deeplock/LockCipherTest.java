package org.weightgames.schemes.deeplock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.weightgames.core.WgException;

/** The cipher on 64-bit words: exact round trip for every pattern, NaN payloads included; wrong keys give XOR noise. */
class LockCipherTest {
    static byte[] key(int seed, int n) {
        byte[] k = new byte[n];
        for (int i = 0; i < n; i++) {
            k[i] = (byte) (seed * 31 + i * 7);
        }
        return k;
    }

    static final long[] PATTERNS = {
        0x7ff0000000000123L, // signalling NaN with a payload
        0xfff8000000000001L, // quiet negative NaN with a payload
        0x7ff8000000000000L, // the canonical NaN
        0x7ff0000000000000L, // +Inf
        0x8000000000000000L, // -0.0
        0x0000000000000001L, // the smallest subnormal
        Double.doubleToRawLongBits(0.125), Double.doubleToRawLongBits(-3.5e-3), 0L, -1L,
    };

    @Test
    void lockThenUnlockIsBitExactForEveryPattern() {
        byte[] k = key(1, 32);
        long[] locked = LockCipher.lock(PATTERNS, k);
        assertThat(LockCipher.unlock(locked, k)).containsExactly(PATTERNS);
        assertThat(locked).isNotEqualTo(PATTERNS);
    }

    @Test
    void theLockIsTheSBoxOfEachBigEndianByteXorItsKey() {
        long key = 0x0123456789abcdefL;
        long bits = Double.doubleToRawLongBits(1.0); // 3f f0 00 00 00 00 00 00
        long c = LockCipher.lockWord(bits, key);
        assertThat((int) (c >>> 56) & 0xff).isEqualTo(SBox.forward(0x3f ^ 0x01));
        assertThat((int) (c >>> 48) & 0xff).isEqualTo(SBox.forward(0xf0 ^ 0x23));
        assertThat((int) c & 0xff).isEqualTo(SBox.forward(0xef));
    }

    @Test
    void aWrongMasterKeyGivesTheTrueBitsXorTheKeyDifference() {
        byte[] right = key(1, 32);
        byte[] wrong = key(2, 32);
        long[] locked = LockCipher.lock(PATTERNS, right);
        long[] guessed = LockCipher.unlock(locked, wrong);
        long[] kr = LockCipher.parameterKeys(right, PATTERNS.length);
        long[] kw = LockCipher.parameterKeys(wrong, PATTERNS.length);
        for (int i = 0; i < PATTERNS.length; i++) {
            assertThat(guessed[i]).isEqualTo(PATTERNS[i] ^ kr[i] ^ kw[i]);
            assertThat(guessed[i]).isNotEqualTo(PATTERNS[i]);
        }
    }

    @Test
    void parameterKeysArePerIndexAndDependOnTheMasterKey() {
        long[] a = LockCipher.parameterKeys(key(1, 32), 1000);
        long[] b = LockCipher.parameterKeys(key(1, 32), 10);
        assertThat(a).startsWith(b); // the PRF of index i does not depend on how many are drawn
        assertThat(Arrays.stream(a).distinct().count()).isEqualTo(1000);
        assertThat(LockCipher.parameterKeys(key(3, 32), 10)).isNotEqualTo(b);
    }

    @Test
    void aMasterKeyOfTheWrongLengthIsRefused() {
        for (int n : new int[] {0, 15, 31, 33}) {
            assertThatThrownBy(() -> LockCipher.lock(PATTERNS, new byte[n])).isInstanceOf(WgException.class)
                    .hasMessageContaining("16, 24 or 32 bytes").hasMessageContaining(n + " bytes");
        }
        assertThat(LockCipher.unlock(LockCipher.lock(PATTERNS, key(5, 16)), key(5, 16))).containsExactly(PATTERNS);
    }
}
