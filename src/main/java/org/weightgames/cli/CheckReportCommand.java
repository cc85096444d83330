package org.weightgames.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.weightgames.core.WgException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wg check-report}: checks a signed report; exit 1 when anything was edited. */
@Command(name = "check-report", description = "Check a signed report: every file's hash and the Ed25519 signature. "
        + "Exit 0 when intact, 1 when anything was edited.")
final class CheckReportCommand extends WgCommand {
    @CommandLine.Parameters(index = "0", description = "The report folder or its report.json.")
    Path report;

    @Option(names = "--public-key", description = "The signer's public key you trust; without it any valid signature passes and its key is printed.")
    Path publicKey;

    @Override
    public Integer call() {
        if (!Files.exists(report)) {
            throw new WgException(report + " does not exist; give a report folder or its report.json");
        }
        org.weightgames.report.Signing.Check c = org.weightgames.report.Signing.check(report, publicKey);
        PrintWriter o = out();
        if (c.valid()) {
            o.println("intact: signed by Ed25519 key " + c.publicKey() + (publicKey == null ? " (no trusted key given)" : " (trusted)"));
        } else {
            c.problems().forEach(p -> o.println("TAMPERED: " + p));
        }
        o.flush();
        return c.valid() ? 0 : 1;
    }
}
