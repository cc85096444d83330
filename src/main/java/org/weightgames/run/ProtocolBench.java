package org.weightgames.run;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.weightgames.core.WgException;
import org.weightgames.data.DataSource;
import org.weightgames.game.Registry;
import org.weightgames.game.TrialRecord;

/**
 * What the plugin protocol costs ({@code wg bench --protocol PLUGIN}): the same ext-w trials at the
 * audit's default block played three times in one run, with the baseline alone (the challenger's
 * share: training, release, judging), with a Java adversary and with a plugin adversary, one trial
 * at a time. Reported: trials per second of each game, each adversary's seconds per turn (its
 * game's time less the baseline-only game's, per trial) and their ratio; the two adversaries' win
 * counts must agree, or the comparison is refused.
 */
public final class ProtocolBench {
    private ProtocolBench() {
    }

    public static Map<String, Object> run(String javaAdversary, String pluginAdversary, int trials, long seed, PrintWriter out) {
        if (trials < 1) {
            throw new WgException("bench --protocol: --trials must be at least 1, got " + trials);
        }
        Registry.require("adversary", pluginAdversary);
        DataSource data = DataSource.load("synthetic");
        Map<String, Object> result = new LinkedHashMap<>();
        double[] secs = new double[3];
        long[] wins = new long[3];
        List<List<String>> games = List.of(List.of("baseline"), List.of(javaAdversary, "baseline"),
                List.of(pluginAdversary, "baseline"));
        new TrialRunner(1).run(new GameSpec("taylormlp", "ext-w", games.get(1), new TreeMap<>(), data, ""), seed, 0, 1, i -> { });
        for (int g = 0; g < games.size(); g++) {
            GameSpec spec = new GameSpec("taylormlp", "ext-w", games.get(g), new TreeMap<>(), data, "");
            long t = System.nanoTime();
            List<TrialRecord> r = new TrialRunner(1).run(spec, seed, 0, trials, i -> { });
            secs[g] = (System.nanoTime() - t) / 1e9;
            for (TrialRecord rec : r) {
                if (rec.outcomes().get(0).failure() != null) {
                    throw new WgException("bench --protocol: " + games.get(g).get(0) + " failed a trial: " + rec.outcomes().get(0).failure());
                }
                wins[g] += rec.outcomes().get(0).won() ? 1 : 0;
            }
            out.printf("  ext-w, %-24s %d trials in %.1f s: %.2f trials/s, %d wins%n", String.join(" + ", games.get(g)), trials,
                    secs[g], trials / secs[g], wins[g]);
        }
        if (wins[1] != wins[2]) {
            throw new WgException("bench --protocol: " + javaAdversary + " won " + wins[1] + " trials and " + pluginAdversary + " "
                    + wins[2] + ": they are not the same adversary");
        }
        double javaTurn = Math.max(0, secs[1] - secs[0]) / trials;
        double pluginTurn = Math.max(0, secs[2] - secs[0]) / trials;
        out.printf("  per turn: %s %.3f s, %s %.3f s (ratio %.1f); whole game: %.2f vs %.2f trials/s (ratio %.2f)%n",
                javaAdversary, javaTurn, pluginAdversary, pluginTurn, pluginTurn / Math.max(javaTurn, 1e-9), trials / secs[1],
                trials / secs[2], secs[2] / secs[1]);
        List<Object> rows = new ArrayList<>();
        for (int g = 0; g < games.size(); g++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("adversaries", games.get(g));
            row.put("seconds", secs[g]);
            row.put("trials_per_second", trials / secs[g]);
            row.put("wins", wins[g]);
            rows.add(row);
        }
        result.put("games", rows);
        result.put("java_seconds_per_turn", javaTurn);
        result.put("plugin_seconds_per_turn", pluginTurn);
        result.put("turn_ratio", pluginTurn / Math.max(javaTurn, 1e-9));
        result.put("game_ratio", secs[2] / secs[1]);
        return result;
    }
}
