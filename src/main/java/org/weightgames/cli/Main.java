package org.weightgames.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.weightgames.core.WgException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code wg} command line. Exit status: 0 success, 2 bad input (one message), 1 internal error. */
@Command(name = "wg", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "WeightGames: security definitions of model weight release schemes as executable games.",
        subcommands = {ListCommand.class, AuditCommand.class, VerifyCommand.class, SweepCommand.class, ReplayCommand.class,
            KeygenCommand.class, SignCommand.class, CheckReportCommand.class, BenchCommand.class, ReleaseCommand.class, RealModelCommand.class,
            AttackCommand.class, KitCommand.class, MergeCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line with the given streams; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("wg: " + ex.getMessage() + " (see wg " + (ex.getCommandLine().getCommandName().equals("wg") ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof WgException) {
                err.println("wg: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"WeightGames " + org.weightgames.core.Resources.versions().getProperty("weightgames", "dev")};
        }
    }
}
