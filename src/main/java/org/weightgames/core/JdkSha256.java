package org.weightgames.core;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.bouncycastle.crypto.Digest;

/**
 * SHA-256 behind Bouncy Castle's {@link Digest} interface, computed by the JDK's provider, whose
 * compression function the JIT replaces with the CPU's SHA instructions where there are any: about
 * four times the throughput of Bouncy Castle's pure-Java {@code SHA256Digest}, the same bytes (it is
 * the same function). {@link Coins}' Hash_DRBG spends nearly all its time in it.
 */
final class JdkSha256 implements Digest {
    private final MessageDigest md;

    JdkSha256() {
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public String getAlgorithmName() {
        return "SHA-256";
    }

    @Override
    public int getDigestSize() {
        return 32;
    }

    @Override
    public void update(byte in) {
        md.update(in);
    }

    @Override
    public void update(byte[] in, int off, int len) {
        md.update(in, off, len);
    }

    @Override
    public int doFinal(byte[] out, int off) {
        try {
            return md.digest(out, off, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void reset() {
        md.reset();
    }
}
