package org.weightgames.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.junit.jupiter.api.Test;

/**
 * The coins' stream is part of every report's identity: a speed-up of {@link Coins} (the JDK's
 * SHA-256 behind the Hash_DRBG, longs read from the buffer at once, bulk nextBytes) must leave it
 * bit for bit as it was.
 */
class CoinsStreamTest {
    @Test
    void theStreamIsPinned() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String label : new String[] {"x", "trial/7/adversary/distillation"}) {
            Coins c = Coins.root(1).derive(label);
            ByteBuffer bb = ByteBuffer.allocate(8);
            // mixed draws, so that longs and byte runs straddle the 4096-byte buffer's refills
            for (int i = 0; i < 3000; i++) {
                bb.clear();
                bb.putLong(c.nextLong());
                md.update(bb.array());
                byte[] b = new byte[i % 13];
                c.nextBytes(b);
                md.update(b);
                bb.clear();
                bb.putLong(c.nextInt(1 + i));
                md.update(bb.array());
                bb.clear();
                bb.putDouble(c.nextGaussian());
                md.update(bb.array());
                if (c.nextBoolean()) {
                    md.update((byte) 1);
                }
            }
            for (int v : c.permutation(1000)) {
                md.update((byte) v);
            }
        }
        // computed with the Coins of commit 245dfc3 (Bouncy Castle's SHA256Digest, byte-by-byte reads)
        assertThat(HexFormat.of().formatHex(md.digest()))
                .isEqualTo("4bd714923f8c507939b4917d72fa4124fbc9fb06b810d3ddf900f7ab526998df");
    }

    @Test
    void theJdkDigestIsBouncyCastlesSha256() {
        byte[] in = new byte[300];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) (i * 31 + 7);
        }
        for (int len : new int[] {0, 1, 55, 56, 64, 65, 300}) {
            SHA256Digest bc = new SHA256Digest();
            JdkSha256 jdk = new JdkSha256();
            bc.update((byte) 3);
            jdk.update((byte) 3);
            bc.update(in, 0, len);
            jdk.update(in, 0, len);
            byte[] x = new byte[40];
            byte[] y = new byte[40];
            assertThat(jdk.doFinal(y, 5)).isEqualTo(bc.doFinal(x, 5));
            assertThat(y).isEqualTo(x);
        }
        assertThat(new JdkSha256().getAlgorithmName()).isEqualTo(new SHA256Digest().getAlgorithmName());
    }
}
