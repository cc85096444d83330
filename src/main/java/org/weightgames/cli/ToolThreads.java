package org.weightgames.cli;

import org.weightgames.core.WgException;

import picocli.CommandLine.Option;

/** {@code --threads} of the checkpoint tools (bench, release, attack): two unless given. */
class ToolThreads {
    @Option(names = "--threads", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
    int threads;

    /** The thread count, refused below one with a message naming the command. */
    int atLeastOne(String command) {
        if (threads < 1) {
            throw new WgException(command + ": --threads must be at least 1, got " + threads);
        }
        return threads;
    }
}
