package org.weightgames.schemes.deeplock;

/**
 * The AES S-box (FIPS-197, Section 5.1.1), generated rather than copied: S(b) is the
 * multiplicative inverse of b in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (0 maps to 0), followed
 * by the affine map b'_i = b_i ^ b_(i+4) ^ b_(i+5) ^ b_(i+6) ^ b_(i+7) ^ c_i with c = 0x63. The
 * inverse table is the forward table inverted. Deep-Lock applies it to every byte of every keyed
 * parameter; only its bijectivity matters for unlocking, its nonlinearity for the paper's argument.
 */
final class SBox {
    private static final int[] FORWARD = new int[256];
    private static final int[] INVERSE = new int[256];

    static {
        for (int b = 0; b < 256; b++) {
            int s = affine(gfInverse(b));
            FORWARD[b] = s;
            INVERSE[s] = b;
        }
    }

    private SBox() {
    }

    /** S(b) for a byte value 0..255. */
    static int forward(int b) {
        return FORWARD[b & 0xff];
    }

    /** S^-1(b) for a byte value 0..255. */
    static int inverse(int b) {
        return INVERSE[b & 0xff];
    }

    /** Product in GF(2^8) with the AES polynomial 0x11b (shift and add). */
    static int multiply(int a, int b) {
        int p = 0;
        int x = a & 0xff;
        int y = b & 0xff;
        while (y != 0) {
            if ((y & 1) != 0) {
                p ^= x;
            }
            x <<= 1;
            if ((x & 0x100) != 0) {
                x ^= 0x11b;
            }
            y >>>= 1;
        }
        return p;
    }

    /** The inverse in GF(2^8) as b^254 (b^255 = 1 for b != 0); 0 for 0. */
    static int gfInverse(int b) {
        int result = 1;
        int base = b;
        for (int e = 254; e > 0; e >>>= 1) {
            if ((e & 1) != 0) {
                result = multiply(result, base);
            }
            base = multiply(base, base);
        }
        return b == 0 ? 0 : result;
    }

    private static int affine(int b) {
        int out = 0;
        for (int i = 0; i < 8; i++) {
            int bit = bit(b, i) ^ bit(b, i + 4) ^ bit(b, i + 5) ^ bit(b, i + 6) ^ bit(b, i + 7) ^ bit(0x63, i);
            out |= bit << i;
        }
        return out;
    }

    private static int bit(int b, int i) {
        return (b >>> (i % 8)) & 1;
    }
}
