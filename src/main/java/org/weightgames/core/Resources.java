package org.weightgames.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.util.encoders.Hex;

/** Texts shipped in the jar: the definitions' Markdown, the schemes' claims, the versions used. */
public final class Resources {
    private Resources() {
    }

    /** The text of a resource, or null when absent. */
    public static String text(String path) {
        try (InputStream in = Resources.class.getClassLoader().getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + path, e);
        }
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 of bytes, in hex. */
    public static String sha256(byte[] b) {
        SHA256Digest d = new SHA256Digest();
        d.update(b, 0, b.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return Hex.toHexString(out);
    }

    /** Versions of WeightGames and its numerical dependencies, filled in by the build. */
    public static Properties versions() {
        Properties p = new Properties();
        try (InputStream in = Resources.class.getClassLoader().getResourceAsStream("weightgames-versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read versions", e);
        }
        p.setProperty("java", System.getProperty("java.version"));
        String commit = System.getenv("WG_GIT_COMMIT");
        if (commit != null && !commit.isBlank()) {
            p.setProperty("git-commit", commit);
        }
        return p;
    }
}
