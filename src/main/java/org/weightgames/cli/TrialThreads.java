package org.weightgames.cli;

import picocli.CommandLine.Option;

/** {@code --threads} of the commands that play games (audit, verify, sweep): how many trials run at once. */
class TrialThreads {
    @Option(names = "--threads", description = "Trials played at once (default: the number of cores).")
    Integer threads;

    /** The number given, else the number of cores. */
    int threadCount() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }
}
