package org.weightgames.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.weightgames.core.WgException;
import org.weightgames.core.Resources;

/**
 * Signed reports (Ed25519, Bouncy Castle). Signing writes {@code signature.json} beside the report:
 * the SHA-256 of every report file in the folder ({@code report.json}, {@code report.md},
 * {@code report.html}, {@code timing.json}), the signer's public key, and the signature over that
 * manifest in a canonical form. Checking recomputes each hash and verifies the signature, so any
 * edit to a signed file, to the manifest or to the signature is detected; with a trusted public key
 * it also checks who signed. Keys are 32-byte Ed25519 keys written as hex; the private key file is
 * readable by its owner only.
 */
public final class Signing {
    public static final String SIGNATURE_FILE = "signature.json";
    static final List<String> REPORT_FILES = List.of("report.json", "report.md", "report.html", "timing.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Signing() {
    }

    /** Writes {@code <name>.key} (private) and {@code <name>.pub} in dir; refuses to overwrite. */
    public static Path[] keygen(Path dir, String name) {
        Path priv = dir.resolve(name + ".key");
        Path pub = dir.resolve(name + ".pub");
        if (Files.exists(priv) || Files.exists(pub)) {
            throw new WgException(priv + " or " + pub + " exists already; move it away or choose another --out");
        }
        Ed25519KeyPairGenerator gen = new Ed25519KeyPairGenerator();
        gen.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        AsymmetricCipherKeyPair kp = gen.generateKeyPair();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".key-", ".tmp");
            try {
                Files.writeString(tmp, hex(((Ed25519PrivateKeyParameters) kp.getPrivate()).getEncoded()) + "\n");
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the temporary file is already private to its creator on most
                }
                Files.move(tmp, priv);
            } finally {
                Files.deleteIfExists(tmp);
            }
            Files.writeString(pub, hex(((Ed25519PublicKeyParameters) kp.getPublic()).getEncoded()) + "\n");
        } catch (IOException e) {
            throw new WgException("cannot write the key pair to " + dir + " (" + e.getMessage() + "); choose another --out");
        }
        return new Path[] {priv, pub};
    }

    /** Signs the report in dir with the private key file; returns the signature file. */
    public static Path sign(Path dir, Path keyFile) {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(readKey(keyFile, "private"), 0);
        Map<String, String> files = manifest(dir);
        if (!files.containsKey("report.json")) {
            throw new WgException(dir + " holds no report.json; sign the folder an audit wrote");
        }
        byte[] message = canonical(files);
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, key);
        s.update(message, 0, message.length);
        ObjectNode root = JSON.createObjectNode();
        root.put("algorithm", "Ed25519");
        root.put("public_key", hex(key.generatePublicKey().getEncoded()));
        ObjectNode f = root.putObject("files");
        files.forEach(f::put);
        root.put("signed", "the canonical manifest: one line per file, \"<name> <sha256>\", sorted by name");
        root.put("signature", hex(s.generateSignature()));
        ReportWriter.write(dir, Map.of(SIGNATURE_FILE, ReportWriter.json(root)));
        return dir.resolve(SIGNATURE_FILE);
    }

    /** The outcome of a check: the signer's key and every problem found (none when valid). */
    public record Check(String publicKey, List<String> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /** Checks a signed report folder (or the folder of the given report.json). */
    public static Check check(Path dirOrReport, Path trustedPublicKey) {
        Path dir = Files.isDirectory(dirOrReport) ? dirOrReport : dirOrReport.toAbsolutePath().getParent();
        Path sigFile = dir.resolve(SIGNATURE_FILE);
        if (!Files.isRegularFile(sigFile)) {
            throw new WgException(dir + " has no " + SIGNATURE_FILE + ": the report was not signed (sign it with ./wg sign "
                    + dir + " --key FILE)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(sigFile));
        } catch (IOException e) {
            throw new WgException(sigFile + " is not valid JSON (" + e.getMessage() + "); it was damaged: re-sign the report");
        }
        List<String> problems = new ArrayList<>();
        if (!"Ed25519".equals(root.path("algorithm").asText())) {
            problems.add(SIGNATURE_FILE + ": algorithm is '" + root.path("algorithm").asText() + "', expected Ed25519");
        }
        byte[] pub = hexOrNull(root.path("public_key").asText());
        byte[] sig = hexOrNull(root.path("signature").asText());
        Map<String, String> signed = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.path("files").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            signed.put(e.getKey(), e.getValue().asText());
        }
        if (pub == null || pub.length != 32 || sig == null || sig.length != 64) {
            problems.add(SIGNATURE_FILE + ": public_key or signature is not a 32-byte key / 64-byte signature in hex");
        } else {
            Ed25519Signer v = new Ed25519Signer();
            v.init(false, new Ed25519PublicKeyParameters(pub, 0));
            byte[] message = canonical(signed);
            v.update(message, 0, message.length);
            if (!v.verifySignature(sig)) {
                problems.add("the signature does not match the signed manifest: " + SIGNATURE_FILE + " was edited or forged");
            }
            if (trustedPublicKey != null && !java.util.Arrays.equals(pub, readKey(trustedPublicKey, "public"))) {
                problems.add("signed with key " + hex(pub) + ", not with the trusted key in " + trustedPublicKey);
            }
        }
        Map<String, String> now = manifest(dir);
        for (Map.Entry<String, String> e : signed.entrySet()) {
            String actual = now.get(e.getKey());
            if (actual == null) {
                problems.add(e.getKey() + " is signed but missing");
            } else if (!actual.equals(e.getValue())) {
                problems.add(e.getKey() + " was modified after signing (sha256 " + actual + ", signed " + e.getValue() + ")");
            }
        }
        for (String name : now.keySet()) {
            if (!signed.containsKey(name)) {
                problems.add(name + " was added after signing");
            }
        }
        for (String name : uncovered(dir, signed)) {
            problems.add(name + " is in the signed folder but not covered by the signature: it was added after signing;"
                    + " remove it, or sign the folder again with ./wg sign");
        }
        if (!signed.containsKey("report.json")) {
            problems.add("report.json is not among the signed files");
        }
        return new Check(pub == null ? "" : hex(pub), problems);
    }

    /**
     * Every entry of the folder that is neither a report file of the manifest nor the signature:
     * whatever sits in a signed folder is what a reader takes as signed, so nothing may sit there unsigned.
     */
    private static List<String> uncovered(Path dir, Map<String, String> signed) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.map(e -> e.getFileName().toString()).sorted()
                    .filter(n -> !n.equals(SIGNATURE_FILE) && !REPORT_FILES.contains(n) && !signed.containsKey(n))
                    .forEach(out::add);
        } catch (IOException e) {
            throw new WgException("cannot list " + dir + " (" + e.getMessage() + ")");
        }
        return out;
    }

    private static Map<String, String> manifest(Path dir) {
        Map<String, String> files = new TreeMap<>();
        for (String name : REPORT_FILES) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                try {
                    files.put(name, Resources.sha256(Files.readAllBytes(p)));
                } catch (IOException e) {
                    throw new WgException("cannot read " + p + " (" + e.getMessage() + ")");
                }
            }
        }
        return files;
    }

    private static byte[] canonical(Map<String, String> files) {
        StringBuilder sb = new StringBuilder("WeightGames signed report v1\n");
        new TreeMap<>(files).forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] readKey(Path file, String kind) {
        String text;
        try {
            text = Files.readString(file).trim();
        } catch (IOException e) {
            throw new WgException("cannot read the " + kind + " key " + file + " (" + e.getMessage() + "); make one with ./wg keygen");
        }
        byte[] k = hexOrNull(text);
        if (k == null || k.length != 32) {
            throw new WgException(file + " is not an Ed25519 " + kind + " key (64 hex digits, as ./wg keygen writes)");
        }
        return k;
    }

    private static byte[] hexOrNull(String s) {
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
