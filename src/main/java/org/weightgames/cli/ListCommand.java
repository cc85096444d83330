package org.weightgames.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import org.weightgames.game.Adversary;
import org.weightgames.game.Definition;
import org.weightgames.game.Registry;
import org.weightgames.game.Scheme;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code wg list}: the schemes, definitions and adversaries on the class path, with the games each adversary plays. */
@Command(name = "list", description = "List the schemes, definitions and adversaries on the class path.")
final class ListCommand extends WgCommand {
    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Override
    public Integer call() {
        plugins.install();
        PrintWriter out = out();
        out.println("Schemes:");
        for (Scheme s : Registry.schemes()) {
            out.printf("  %-18s %s%n", s.id(), s.description());
        }
        out.println("Definitions:");
        for (Definition d : Registry.definitions()) {
            out.printf("  %-18s %s%n", d.id(), d.description());
        }
        out.println("Adversaries:");
        for (Adversary a : Registry.adversaries()) {
            List<String> plays = new ArrayList<>();
            for (Scheme s : Registry.schemes()) {
                for (Definition d : Registry.definitions()) {
                    if (Registry.plays(a, d, s)) {
                        plays.add(s.id() + "/" + d.id());
                    }
                }
            }
            out.printf("  %-18s %s%n  %-18s plays: %s%n", a.id(), a.description(), "", String.join(", ", plays));
        }
        out.flush();
        return 0;
    }
}
