package org.weightgames.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The regression suite of claimed guarantees. */
class VerifyTest {
    /** Every built-in claim, at the trial count its file gives: CI checks all of them here. */
    @Test
    void builtInClaimsHaveTheirExpectedVerdicts() {
        CliTest.Run r = CliTest.wg("verify", "--claims", "schemes/taylormlp.json", "--claims", "schemes/plain.json", "--claims",
                "schemes/oracle.json", "--claims", "schemes/corelocker.json", "--claims", "schemes/nnsplitter.json", "--claims",
                "schemes/shadownet.json", "--claims", "schemes/soter.json", "--claims", "schemes/deeplock.json");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("39 claims: 39 as expected, 0 mismatched, 0 undecided", "taylormlp-outputs-match-deep-layers", "ok       corelocker-restoration-hard-tuned", "corelocker-restoration-exact", "taylormlp-shipped-release-is-slow", "got holds",
                "oracle-weights-hidden-at-small-budget", "oracle-function-solved-from-1000-queries", "corelocker-key-not-recoverable",
                "ok       corelocker-lock-near-chance", "ok       corelocker-locked-network-unusable-bn-mlp (corelocker/uc vs finetune): expected broken",
                "ok       nnsplitter-secret-needed (nnsplitter/uc vs groupcover): expected broken", "ok       shadownet-weights-confidential",
                "ok       soter-weights-within-ten-percent", "ok       deeplock-finetune-robust");
    }

    /** Without --claims, verify finds the claims of every scheme on the class path (here the test's example too). */
    @Test
    void claimsAreFoundForEverySchemeOnTheClassPath() {
        CliTest.Run r = CliTest.wg("verify", "--claim", "plain-weights-readable", "--claim", "example-noisy-distinguishable");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("2 claims: 2 as expected");
        assertThat(CliTest.wg("verify", "--claim", "no-such-claim").err()).contains("no claim 'no-such-claim'");
    }

    static final String CLAIM = "{\n  \"id\": \"plain\",\n  \"claims\": [\n    {\n      \"id\": \"plain-weights-readable\",\n"
            + "      \"definition\": \"ext-w\",\n      \"adversary\": \"read-weights\",\n      \"bound\": 0.05,\n"
            + "      \"statement\": \"s\",\n      \"source\": \"t\",\n      \"expected\": \"%s\",\n      \"trials\": 5%s\n    }\n  ]\n}\n";

    @Test
    void aChangedVerdictExitsOneNamingTheClaim(@TempDir Path tmp) throws IOException {
        Path ok = tmp.resolve("ok.json");
        Files.writeString(ok, String.format(CLAIM, "broken", ""));
        assertThat(CliTest.wg("verify", "--claims", ok.toString()).status()).isZero();
        Path flipped = tmp.resolve("flipped.json");
        Files.writeString(flipped, String.format(CLAIM, "holds", ""));
        CliTest.Run r = CliTest.wg("verify", "--claims", flipped.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("MISMATCH plain-weights-readable (plain/ext-w vs read-weights): expected holds, got broken: 5/5 wins",
                "1 claims: 0 as expected, 1 mismatched, 0 undecided",
                "MISMATCH: plain-weights-readable (plain/ext-w vs read-weights): expected holds, got broken: 5/5 wins", flipped + ", line 4");
    }

    /** A claim too few trials cannot decide is UNDECIDED, with the trials that would decide it: nothing changed. */
    @Test
    void aClaimTooFewTrialsCannotDecideIsUndecidedNotChanged(@TempDir Path tmp) throws IOException {
        Path few = tmp.resolve("few.json");
        Files.writeString(few, "{\"id\": \"plain\", \"claims\": [{\"id\": \"plain-user-exact\", \"definition\": \"correct\","
                + " \"adversary\": \"authorised-user\", \"bound\": 0.05, \"statement\": \"s\", \"source\": \"t\","
                + " \"expected\": \"holds\", \"trials\": 5}]}\n");
        CliTest.Run r = CliTest.wg("verify", "--claims", few.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("UNDECIDED plain-user-exact (plain/correct vs authorised-user): expected holds, got inconclusive: 0/5",
                "5 trials cannot decide it: about 72 would", "1 claims: 0 as expected, 0 mismatched, 1 undecided")
                .doesNotContain("MISMATCH");
    }

    @Test
    void malformedClaimsAreRefusedWithFileAndLine(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("c.json");
        Files.writeString(f, String.format(CLAIM, "brokn", ""));
        assertRefused(f, f + ", line 4: claim 'plain-weights-readable': 'expected' must be \"holds\" or \"broken\", got \"brokn\"");
        Files.writeString(f, String.format(CLAIM, "broken", ",\n      \"budget\": {}"));
        assertRefused(f, f + ", line 4: unknown field 'budget'");
        Files.writeString(f, String.format(CLAIM, "broken", ",\n      \"budgets\": {\"tokens\": 3}"));
        assertRefused(f, "unknown budget 'tokens'");
        Files.writeString(f, String.format(CLAIM, "broken", "").replace("read-weights", "taylor-inversion"));
        assertRefused(f, "adversary 'taylor-inversion' does not play plain/ext-w");
        Files.writeString(f, String.format(CLAIM, "broken", "").replace("\"trials\": 5", "\"trials\": 0"));
        assertRefused(f, "'trials' must be a whole number from 1 to 100000");
        Files.writeString(f, String.format(CLAIM, "broken", "").replace("\"bound\": 0.05,", "\"bound\": 0.05"));
        assertRefused(f, f + ", line 9: not valid JSON");
        Files.writeString(f, String.format(CLAIM, "broken", ",\n      \"budgets\": {\"queries\": 0}"));
        assertRefused(f, "claim 'plain-weights-readable': ext-w: parameter 'queries' must be between 1");
    }

    static void assertRefused(Path f, String message) {
        CliTest.Run r = CliTest.wg("verify", "--claims", f.toString());
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
    }
}
