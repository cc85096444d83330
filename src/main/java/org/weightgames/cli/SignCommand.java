package org.weightgames.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.weightgames.core.WgException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wg sign}: signs a report folder (signature.json beside it). */
@Command(name = "sign", description = "Sign a report folder with an Ed25519 private key: writes signature.json beside it.")
final class SignCommand extends WgCommand {
    @CommandLine.Parameters(index = "0", description = "The report folder.")
    Path dir;

    @Option(names = "--key", required = true, description = "The private key file (./wg keygen).")
    Path key;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) {
            throw new WgException(dir + " is not a folder; give the folder an audit wrote (it holds report.json)");
        }
        Path sig = org.weightgames.report.Signing.sign(dir, key);
        out().println("signed: " + sig);
        out().flush();
        return 0;
    }
}
