package org.weightgames.game;

import java.util.Arrays;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.WgException;

/**
 * The secret of a scheme whose authorised user receives a sealed key ({@code core.SealedKey}):
 * the recipient's key-encryption key and the sealed bytes, and, for the games, the ground truth of
 * what the key protects. CoreLocker's access key and Deep-Lock's master key.
 */
public final class SealedSecret implements Secret {
    private final String label;
    private final byte[] kek;
    private final byte[] sealed;
    private final Map<String, INDArray> truth;

    /** {@code label} names the key in messages, e.g. "CoreLocker access key". */
    public SealedSecret(String label, byte[] kek, byte[] sealed, Map<String, INDArray> truth) {
        this.label = label;
        this.kek = kek.clone();
        this.sealed = sealed.clone();
        this.truth = truth;
    }

    /**
     * {@code secret} as the sealed key named {@code label}; anything else (another scheme's key, a
     * secret of another kind) is refused, naming {@code scheme}, before anything is opened.
     */
    public static SealedSecret expect(Secret secret, String scheme, String label) {
        if (secret instanceof SealedSecret s && s.label.equals(label)) {
            return s;
        }
        throw new WgException(scheme + ": restoring needs a " + label + ", got "
                + (secret instanceof SealedSecret s ? "a " + s.label : secret.getClass().getSimpleName()));
    }

    public byte[] keyEncryptionKey() {
        return kek.clone();
    }

    public byte[] sealedKey() {
        return sealed.clone();
    }

    @Override
    public Map<String, INDArray> protectedParameters() {
        return Secret.copies(truth);
    }

    @Override
    public String toString() {
        return label + " (" + sealed.length + " sealed bytes, " + Arrays.toString(truth.keySet().toArray()) + ")";
    }
}
