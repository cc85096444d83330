package org.weightgames.schemes.corelocker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.weightgames.core.Coins;
import org.weightgames.core.WgException;

/**
 * A CoreLocker access key in transit: its tensors serialised (name, shape, big-endian doubles) and
 * sealed with AES-256-GCM (Bouncy Castle) under the recipient's 32-byte key-encryption key, with a
 * 12-byte nonce and the released artifact's SHA-256 as associated data. Opening checks the 128-bit
 * tag: a flipped bit anywhere, a different key-encryption key, or a key sealed for another
 * artifact is refused, never half-applied.
 */
public final class AccessKey {
    private static final int MAX_TENSORS = 100_000;

    private AccessKey() {
    }

    /** A fresh key-encryption key from the challenger's coins. */
    public static byte[] newKek(Coins coins) {
        byte[] k = new byte[32];
        coins.nextBytes(k);
        return k;
    }

    /** nonce (12 bytes) || ciphertext || tag (16 bytes). */
    public static byte[] seal(Map<String, INDArray> key, byte[] kek, String artifactSha256, Coins coins) {
        byte[] nonce = new byte[12];
        coins.nextBytes(nonce);
        byte[] plain = serialise(key);
        GCMBlockCipher gcm = cipher(true, kek, nonce, artifactSha256);
        byte[] out = new byte[12 + gcm.getOutputSize(plain.length)];
        System.arraycopy(nonce, 0, out, 0, 12);
        int n = gcm.processBytes(plain, 0, plain.length, out, 12);
        try {
            gcm.doFinal(out, 12 + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Opens a sealed key; a tampered, misaddressed or wrongly keyed one is refused with one clear error. */
    public static Map<String, INDArray> open(byte[] sealed, byte[] kek, String artifactSha256) {
        if (kek == null || kek.length != 32) {
            throw new WgException("corelocker: the key-encryption key must be 32 bytes, got "
                    + (kek == null ? "none" : kek.length + " bytes"));
        }
        if (sealed == null || sealed.length < 12 + 16) {
            throw new WgException("corelocker: the sealed access key is truncated (" + (sealed == null ? 0 : sealed.length)
                    + " bytes); ask its sender for the key again");
        }
        GCMBlockCipher gcm = cipher(false, kek, Arrays.copyOf(sealed, 12), artifactSha256);
        byte[] plain = new byte[gcm.getOutputSize(sealed.length - 12)];
        int n = gcm.processBytes(sealed, 12, sealed.length - 12, plain, 0);
        try {
            gcm.doFinal(plain, n);
        } catch (InvalidCipherTextException e) {
            throw new WgException("corelocker: the access key failed authentication: it was altered, or it was sealed for"
                    + " another recipient or another released artifact; nothing was restored");
        }
        return deserialise(plain);
    }

    private static GCMBlockCipher cipher(boolean encrypt, byte[] kek, byte[] nonce, String artifactSha256) {
        GCMBlockCipher gcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(encrypt, new AEADParameters(new KeyParameter(kek), 128, nonce,
                artifactSha256.getBytes(StandardCharsets.US_ASCII)));
        return gcm;
    }

    static byte[] serialise(Map<String, INDArray> key) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(key.size());
            for (Map.Entry<String, INDArray> e : key.entrySet()) {
                out.writeUTF(e.getKey());
                long[] shape = e.getValue().shape();
                out.writeInt(shape.length);
                for (long s : shape) {
                    out.writeLong(s);
                }
                for (double v : e.getValue().dup('c').data().asDouble()) {
                    out.writeDouble(v);
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, INDArray> deserialise(byte[] b) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
            int n = in.readInt();
            if (n < 0 || n > MAX_TENSORS) {
                throw new IOException("tensor count " + n);
            }
            Map<String, INDArray> key = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                int rank = in.readInt();
                if (rank < 1 || rank > 4) {
                    throw new IOException("rank " + rank);
                }
                long[] shape = new long[rank];
                long size = 1;
                for (int k = 0; k < rank; k++) {
                    shape[k] = in.readLong();
                    if (shape[k] < 0 || shape[k] > b.length) {
                        throw new IOException("shape entry " + shape[k]);
                    }
                    size *= shape[k];
                }
                if (size * 8 > in.available()) {
                    throw new IOException("tensor " + name + " runs past the end");
                }
                double[] d = new double[(int) size];
                for (int k = 0; k < d.length; k++) {
                    d[k] = in.readDouble();
                }
                key.put(name, Nd4j.create(d, shape, DataType.DOUBLE));
            }
            if (in.available() != 0) {
                throw new IOException(in.available() + " trailing bytes");
            }
            return key;
        } catch (IOException e) {
            throw new WgException("corelocker: the opened access key is malformed (" + e.getMessage() + ")");
        }
    }
}
