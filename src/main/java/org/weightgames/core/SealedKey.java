package org.weightgames.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A scheme's key in transit to its authorised user: bytes sealed with AES-256-GCM (Bouncy Castle)
 * under the recipient's 32-byte key-encryption key, a 12-byte nonce from the release's coins and
 * the released artifact's SHA-256 as associated data. Layout: nonce (12) || ciphertext || tag (16).
 * Opening checks the 128-bit tag: a flipped bit anywhere, another recipient's key-encryption key,
 * or a key sealed for another artifact is refused with one error, never half-applied. CoreLocker
 * seals its access key (the removed units) this way, Deep-Lock its master key.
 */
public final class SealedKey {
    private static final int NONCE = 12;
    private static final int TAG = 16;

    private SealedKey() {
    }

    /** A fresh key-encryption key from the challenger's coins. */
    public static byte[] newKek(Coins coins) {
        byte[] k = new byte[32];
        coins.nextBytes(k);
        return k;
    }

    /** {@code plain} sealed for the artifact with hash {@code artifactSha256}, the nonce drawn from {@code coins}. */
    public static byte[] seal(byte[] plain, byte[] kek, String artifactSha256, Coins coins) {
        byte[] nonce = new byte[NONCE];
        coins.nextBytes(nonce);
        GCMBlockCipher gcm = cipher(true, kek, nonce, artifactSha256);
        byte[] out = new byte[NONCE + gcm.getOutputSize(plain.length)];
        System.arraycopy(nonce, 0, out, 0, NONCE);
        int n = gcm.processBytes(plain, 0, plain.length, out, NONCE);
        try {
            gcm.doFinal(out, NONCE + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * The bytes sealed in {@code sealed} for the artifact with hash {@code artifactSha256}; a
     * tampered, misaddressed or wrongly keyed one is refused with one error naming {@code scheme}
     * and what was sealed ({@code what}, e.g. "access key").
     */
    public static byte[] open(byte[] sealed, byte[] kek, String artifactSha256, String scheme, String what) {
        if (kek == null || kek.length != 32) {
            throw new WgException(scheme + ": the key-encryption key must be 32 bytes, got "
                    + (kek == null ? "none" : kek.length + " bytes") + "; nothing was restored");
        }
        if (sealed == null || sealed.length < NONCE + TAG) {
            throw new WgException(scheme + ": the sealed " + what + " is truncated (" + (sealed == null ? 0 : sealed.length)
                    + " bytes); ask its sender for the key again; nothing was restored");
        }
        GCMBlockCipher gcm = cipher(false, kek, Arrays.copyOf(sealed, NONCE), artifactSha256);
        byte[] plain = new byte[gcm.getOutputSize(sealed.length - NONCE)];
        int n = gcm.processBytes(sealed, NONCE, sealed.length - NONCE, plain, 0);
        try {
            n += gcm.doFinal(plain, n);
        } catch (InvalidCipherTextException e) {
            throw new WgException(scheme + ": the sealed " + what + " failed authentication: it was altered, or it was sealed"
                    + " for another recipient or another released artifact; nothing was restored");
        }
        return Arrays.copyOf(plain, n);
    }

    private static GCMBlockCipher cipher(boolean encrypt, byte[] kek, byte[] nonce, String artifactSha256) {
        GCMBlockCipher gcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(encrypt, new AEADParameters(new KeyParameter(kek), 128, nonce,
                artifactSha256.getBytes(StandardCharsets.US_ASCII)));
        return gcm;
    }
}
