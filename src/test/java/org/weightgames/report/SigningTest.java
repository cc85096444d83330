package org.weightgames.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.cli.CliTest;

/** Signed reports: a signed audit checks out, and any edit to it is detected. */
class SigningTest {
    @Test
    void aSignedAuditChecksOutAndEveryEditIsDetected(@TempDir Path tmp) throws IOException {
        CliTest.Run k = CliTest.wg("keygen", "--out", tmp.toString(), "--name", "alice");
        assertThat(k.status()).as(k.err()).isZero();
        assertThat(CliTest.wg("keygen", "--out", tmp.toString(), "--name", "alice").err()).contains("exists already");
        CliTest.wg("keygen", "--out", tmp.toString(), "--name", "mallory");
        Path out = tmp.resolve("r");
        CliTest.Run a = CliTest.wg("audit", "--scheme", "plain", "--definition", "ext-w", "--trials", "3", "--out", out.toString(),
                "--sign-key", tmp.resolve("alice.key").toString());
        assertThat(a.status()).as(a.err()).isZero();
        assertThat(out.resolve("signature.json")).exists();

        CliTest.Run ok = CliTest.wg("check-report", out.toString(), "--public-key", tmp.resolve("alice.pub").toString());
        assertThat(ok.status()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("intact", "(trusted)");
        // a valid signature by someone else is not the trusted signer's
        CliTest.Run other = CliTest.wg("check-report", out.resolve("report.json").toString(), "--public-key",
                tmp.resolve("mallory.pub").toString());
        assertThat(other.status()).isEqualTo(1);
        assertThat(other.out()).contains("not with the trusted key");

        // one changed digit in the report
        Path json = out.resolve("report.json");
        String original = Files.readString(json);
        Files.writeString(json, original.replaceFirst("\"wins\" : 3", "\"wins\" : 2"));
        assertThat(Files.readString(json)).isNotEqualTo(original);
        CliTest.Run edited = CliTest.wg("check-report", out.toString());
        assertThat(edited.status()).isEqualTo(1);
        assertThat(edited.out()).contains("TAMPERED: report.json was modified after signing");

        // re-signing the edit with the attacker's key passes only without a trusted key
        CliTest.wg("sign", out.toString(), "--key", tmp.resolve("mallory.key").toString());
        assertThat(CliTest.wg("check-report", out.toString()).status()).isZero();
        assertThat(CliTest.wg("check-report", out.toString(), "--public-key", tmp.resolve("alice.pub").toString()).status())
                .isEqualTo(1);

        // editing the manifest itself breaks the signature
        Files.writeString(json, original);
        Path sig = out.resolve("signature.json");
        String s = Files.readString(sig, StandardCharsets.UTF_8);
        String forged = s.replaceAll("(\"report.json\" : \")[0-9a-f]{64}", "$1" + "0".repeat(64));
        Files.writeString(sig, forged);
        CliTest.Run f = CliTest.wg("check-report", out.toString());
        assertThat(f.status()).isEqualTo(1);
        assertThat(f.out()).contains("does not match the signed manifest");

        // a file added after signing (the audit wrote timing.json: sign the folder without it, then add it back)
        Files.delete(out.resolve("timing.json"));
        CliTest.wg("sign", out.toString(), "--key", tmp.resolve("alice.key").toString());
        Files.writeString(out.resolve("timing.json"), "{}");
        assertThat(CliTest.wg("check-report", out.toString()).out()).contains("timing.json was added after signing");

        // any other file in the folder: not covered by the signature, so the folder is not intact
        Files.delete(out.resolve("timing.json"));
        CliTest.wg("sign", out.toString(), "--key", tmp.resolve("alice.key").toString());
        assertThat(CliTest.wg("check-report", out.toString()).status()).isZero();
        Files.writeString(out.resolve("extra-results.csv"), "a,b\n");
        CliTest.Run added = CliTest.wg("check-report", out.toString());
        assertThat(added.status()).isEqualTo(1);
        assertThat(added.out()).contains("TAMPERED: extra-results.csv is in the signed folder but not covered by the signature");
    }

    @Test
    void badKeysAndUnsignedReportsGetOneClearError(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("bad.key");
        Files.writeString(bad, "not hex");
        Files.createDirectories(tmp.resolve("r"));
        Files.writeString(tmp.resolve("r/report.json"), "{}");
        CliTest.Run r = CliTest.wg("sign", tmp.resolve("r").toString(), "--key", bad.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("is not an Ed25519 private key");
        CliTest.Run u = CliTest.wg("check-report", tmp.resolve("r").toString());
        assertThat(u.status()).isEqualTo(2);
        assertThat(u.err()).contains("was not signed");
        CliTest.Run m = CliTest.wg("audit", "--scheme", "plain", "--trials", "1", "--out", tmp.resolve("x").toString(), "--sign-key",
                tmp.resolve("missing.key").toString());
        assertThat(m.status()).isEqualTo(2);
        assertThat(m.err()).contains("cannot be read");
        assertThat(tmp.resolve("x")).doesNotExist();
    }
}
