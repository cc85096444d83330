package org.weightgames.schemes.deeplock;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.weightgames.core.Coins;
import org.weightgames.core.WgException;

/**
 * A Deep-Lock master key in transit to the authorised user: sealed with AES-256-GCM (Bouncy
 * Castle) under the recipient's 32-byte key-encryption key, a 12-byte nonce from the release's
 * coins and the locked artifact's SHA-256 as associated data, as CoreLocker seals its access key.
 * Layout: nonce (12) || ciphertext || tag (16). Opening checks the tag: an altered key, another
 * recipient's, or one sealed for another artifact is refused with one error, and nothing is unlocked.
 */
final class SealedKey {
    private static final int NONCE = 12;
    private static final int TAG = 16;

    private SealedKey() {
    }

    static byte[] newKek(Coins coins) {
        byte[] k = new byte[32];
        coins.nextBytes(k);
        return k;
    }

    static byte[] seal(byte[] masterKey, byte[] kek, String artifactSha256, Coins coins) {
        LockCipher.checkKey(masterKey);
        byte[] nonce = new byte[NONCE];
        coins.nextBytes(nonce);
        GCMBlockCipher gcm = cipher(true, kek, nonce, artifactSha256);
        byte[] out = new byte[NONCE + gcm.getOutputSize(masterKey.length)];
        System.arraycopy(nonce, 0, out, 0, NONCE);
        int n = gcm.processBytes(masterKey, 0, masterKey.length, out, NONCE);
        try {
            gcm.doFinal(out, NONCE + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The master key sealed in {@code sealed} for the artifact with hash {@code artifactSha256}. */
    static byte[] open(byte[] sealed, byte[] kek, String artifactSha256) {
        if (kek == null || kek.length != 32) {
            throw new WgException("deeplock: the key-encryption key must be 32 bytes, got "
                    + (kek == null ? "none" : kek.length + " bytes") + "; nothing was restored");
        }
        if (sealed == null || sealed.length < NONCE + TAG) {
            throw new WgException("deeplock: the sealed master key is truncated (" + (sealed == null ? 0 : sealed.length)
                    + " bytes); ask its sender for the key again; nothing was restored");
        }
        GCMBlockCipher gcm = cipher(false, kek, Arrays.copyOf(sealed, NONCE), artifactSha256);
        byte[] plain = new byte[gcm.getOutputSize(sealed.length - NONCE)];
        int n = gcm.processBytes(sealed, NONCE, sealed.length - NONCE, plain, 0);
        try {
            n += gcm.doFinal(plain, n);
        } catch (InvalidCipherTextException e) {
            throw new WgException("deeplock: the sealed master key failed authentication: it was altered, or it was sealed"
                    + " for another recipient or another released artifact; nothing was restored");
        }
        byte[] key = Arrays.copyOf(plain, n);
        LockCipher.checkKey(key);
        return key;
    }

    private static GCMBlockCipher cipher(boolean encrypt, byte[] kek, byte[] nonce, String artifactSha256) {
        GCMBlockCipher gcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(encrypt, new AEADParameters(new KeyParameter(kek), 128, nonce,
                artifactSha256.getBytes(StandardCharsets.US_ASCII)));
        return gcm;
    }
}
