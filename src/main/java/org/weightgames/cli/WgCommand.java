package org.weightgames.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine;

/** What every {@code wg} subcommand has: its picocli spec, for the output stream the command line was given. */
abstract class WgCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Standard output as the command line was set up (tests capture it). */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
