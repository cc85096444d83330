package org.weightgames.schemes.deeplock;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.weightgames.core.WgException;

/**
 * Deep-Lock's cipher on parameter words. Parameter i (its global index in the locking order) is
 * held as its 64-bit IEEE-754 pattern ({@link Double#doubleToRawLongBits}), read as 8 bytes in
 * big-endian order (byte 0 holds the sign and the top of the exponent). Its key k_i is 8 bytes of
 * a keyed PRF of the master key: the AES-CTR key stream under the master key (Bouncy Castle's
 * AESEngine in SIC mode, initial counter block 0^128), bytes 8i to 8i + 7, so that k_i depends on
 * the master key and i only. Lock: byte j becomes S(b_j XOR k_i[j]); unlock: b_j = S^-1(c_j) XOR
 * k_i[j]. The paper derives k_i with an AES-like key schedule instead; that schedule is invertible,
 * so a few known parameters would give every key (schemes/deeplock.md: the deviation).
 */
public final class LockCipher {
    /** The AES key lengths a master key may have, in bytes. */
    static final int[] KEY_LENGTHS = {16, 24, 32};

    private LockCipher() {
    }

    /** Refuses a master key that is not an AES key (16, 24 or 32 bytes), before anything is computed. */
    public static void checkKey(byte[] masterKey) {
        if (masterKey == null || !validLength(masterKey.length)) {
            throw new WgException("deeplock: the master key must be 16, 24 or 32 bytes (an AES key), got "
                    + (masterKey == null ? "none" : masterKey.length + " bytes") + "; set deeplock.key-bytes to 16, 24 or 32");
        }
    }

    static boolean validLength(int n) {
        for (int k : KEY_LENGTHS) {
            if (k == n) {
                return true;
            }
        }
        return false;
    }

    /** k_0 .. k_(count-1), each 8 key-stream bytes read big-endian. */
    static long[] parameterKeys(byte[] masterKey, int count) {
        checkKey(masterKey);
        SICBlockCipher ctr = new SICBlockCipher(AESEngine.newInstance());
        ctr.init(true, new ParametersWithIV(new KeyParameter(masterKey), new byte[16]));
        byte[] stream = new byte[Math.multiplyExact(count, 8)];
        ctr.processBytes(stream, 0, stream.length, stream, 0); // encrypting zeros gives the key stream
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            long k = 0;
            for (int j = 0; j < 8; j++) {
                k = (k << 8) | (stream[8 * i + j] & 0xff);
            }
            keys[i] = k;
        }
        return keys;
    }

    /** Locks the words {@code bits} (parameters 0 .. n-1 of the order) under {@code masterKey}. */
    public static long[] lock(long[] bits, byte[] masterKey) {
        long[] keys = parameterKeys(masterKey, bits.length);
        long[] out = new long[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = lockWord(bits[i], keys[i]);
        }
        return out;
    }

    /** Unlocks locked words under {@code masterKey}; a wrong key gives the true bits XOR the two keys' difference. */
    public static long[] unlock(long[] locked, byte[] masterKey) {
        long[] keys = parameterKeys(masterKey, locked.length);
        long[] out = new long[locked.length];
        for (int i = 0; i < locked.length; i++) {
            out[i] = unlockWord(locked[i], keys[i]);
        }
        return out;
    }

    static long lockWord(long bits, long key) {
        long out = 0;
        for (int shift = 56; shift >= 0; shift -= 8) {
            int b = (int) ((bits ^ key) >>> shift) & 0xff;
            out |= (long) SBox.forward(b) << shift;
        }
        return out;
    }

    static long unlockWord(long locked, long key) {
        long out = 0;
        for (int shift = 56; shift >= 0; shift -= 8) {
            int c = (int) (locked >>> shift) & 0xff;
            out |= (long) SBox.inverse(c) << shift;
        }
        return out ^ key;
    }
}
