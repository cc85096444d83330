package org.weightgames.cli;

import java.nio.file.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wg keygen}: an Ed25519 key pair for signing reports. */
@Command(name = "keygen", description = "Make an Ed25519 key pair for signing reports: <name>.key (private) and <name>.pub.")
final class KeygenCommand extends WgCommand {
    @Option(names = "--out", defaultValue = ".", description = "Folder for the two files (default: the current folder).")
    Path out;

    @Option(names = "--name", defaultValue = "wg-signing", description = "File name stem (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() {
        Path[] k = org.weightgames.report.Signing.keygen(out, name);
        out().println("private key " + k[0] + " (keep it), public key " + k[1] + " (publish it)");
        out().flush();
        return 0;
    }
}
