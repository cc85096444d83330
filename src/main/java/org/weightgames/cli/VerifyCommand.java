package org.weightgames.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.weightgames.core.Nd;
import org.weightgames.core.WgException;
import org.weightgames.data.DataSource;
import org.weightgames.game.Registry;
import org.weightgames.run.Claims;
import org.weightgames.run.Verify;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wg verify}: plays the claimed guarantees and compares each verdict with the one its claims file expects. */
@Command(name = "verify", description = "Play every claimed guarantee and check each verdict against the one its claims file expects. "
        + "Exit 0 when all match, 1 when any verdict changed.")
final class VerifyCommand extends WgCommand {
    @Option(names = "--claims", description = "A claims file to check (repeatable; default: the claims of every built-in scheme).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--claim", description = "Check only the claim with this id (repeatable).")
    List<String> only = new ArrayList<>();

    @Mixin
    RunOptions run = new RunOptions();

    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Option(names = "--trials", description = "Override every claim's trial count.")
    Integer trials;

    @Override
    public Integer call() {
        if (trials != null && trials < 1) {
            throw new WgException("--trials must be at least 1, got " + trials);
        }
        plugins.install();
        List<Claims.Claim> claims = new ArrayList<>();
        if (files.isEmpty()) {
            Registry.schemes().forEach(s -> claims.addAll(Claims.builtIn(s.id())));
        } else {
            files.forEach(f -> claims.addAll(Claims.file(f)));
        }
        if (!only.isEmpty()) {
            for (String id : only) {
                if (claims.stream().noneMatch(c -> c.id().equals(id))) {
                    throw new WgException("no claim '" + id + "'; claims are " + claims.stream().map(Claims.Claim::id).toList());
                }
            }
            claims.removeIf(c -> !only.contains(c.id()));
        }
        if (claims.isEmpty()) {
            throw new WgException("no claims to verify");
        }
        Nd.init();
        DataSource data = DataSource.load(run.dataset);
        PrintWriter out = out();
        List<Verify.Check> checks = Verify.run(claims, run.seed, data, run.threadCount(),
                trials, 0.95, line -> {
                    out.println(line);
                    out.flush();
                });
        long changed = checks.stream().filter(c -> !c.matches()).count();
        long undecided = checks.stream().filter(c -> c.status().equals("UNDECIDED")).count();
        out.printf("%d claims: %d as expected, %d mismatched, %d undecided%n", checks.size(), checks.size() - changed,
                changed - undecided, undecided);
        for (Verify.Check c : checks) {
            if (!c.matches()) {
                out.println(c.status() + ": " + c.describe() + " [" + c.claim().where() + "]");
            }
        }
        out.flush();
        return changed == 0 ? 0 : 1;
    }
}
