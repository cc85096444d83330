package org.weightgames.schemes.corelocker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.weightgames.core.Coins;
import org.weightgames.core.SealedKey;
import org.weightgames.core.WgException;

/**
 * A CoreLocker access key in transit: its tensors serialised (name, shape, big-endian doubles) and
 * sealed for the recipient and the released artifact as {@link SealedKey} seals (AES-256-GCM, the
 * artifact's SHA-256 as associated data): a flipped bit anywhere, a different key-encryption key,
 * or a key sealed for another artifact is refused, never half-applied.
 */
public final class AccessKey {
    private static final int MAX_TENSORS = 100_000;

    private AccessKey() {
    }

    /** A fresh key-encryption key from the challenger's coins. */
    public static byte[] newKek(Coins coins) {
        return SealedKey.newKek(coins);
    }

    /** nonce (12 bytes) || ciphertext || tag (16 bytes), as {@link SealedKey} seals. */
    public static byte[] seal(Map<String, INDArray> key, byte[] kek, String artifactSha256, Coins coins) {
        return SealedKey.seal(serialise(key), kek, artifactSha256, coins);
    }

    /** Opens a sealed key; a tampered, misaddressed or wrongly keyed one is refused with one clear error. */
    public static Map<String, INDArray> open(byte[] sealed, byte[] kek, String artifactSha256) {
        return deserialise(SealedKey.open(sealed, kek, artifactSha256, CoreLocker.ID, "access key"));
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
