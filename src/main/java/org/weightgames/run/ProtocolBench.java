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
 * at a time, in rounds that take the three in turn. Reported: trials per second of each game, their
 * ratio and the plugin's extra seconds per trial; the two adversaries' win counts must agree, or
 * the comparison is refused.
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
        new TrialRunner(1).run(new GameSpec("taylormlp", "ext-w", games.get(2), new TreeMap<>(), data, ""), seed, 0, 1, i -> { });
        // rounds of a few trials each, the three games in turn, so that drift of the machine's load touches all alike
        int rounds = Math.min(4, trials);
        for (int round = 0; round < rounds; round++) {
            int from = trials * round / rounds;
            int to = trials * (round + 1) / rounds;
            for (int k = 0; k < games.size(); k++) {
                int g = (k + round) % games.size();
                GameSpec spec = new GameSpec("taylormlp", "ext-w", games.get(g), new TreeMap<>(), data, "");
                long t = System.nanoTime();
                List<TrialRecord> r = new TrialRunner(1).run(spec, seed, from, to, i -> { });
                secs[g] += (System.nanoTime() - t) / 1e9;
                for (TrialRecord rec : r) {
                    if (rec.outcomes().get(0).failure() != null) {
                        throw new WgException("bench --protocol: " + games.get(g).get(0) + " failed a trial: "
                                + rec.outcomes().get(0).failure());
                    }
                    wins[g] += rec.outcomes().get(0).won() ? 1 : 0;
                }
            }
        }
        for (int g = 0; g < games.size(); g++) {
            out.printf("  ext-w, %-40s %d trials in %.1f s: %.2f trials/s, %d wins%n", String.join(" + ", games.get(g)), trials,
                    secs[g], trials / secs[g], wins[g]);
        }
        if (wins[1] != wins[2]) {
            throw new WgException("bench --protocol: " + javaAdversary + " won " + wins[1] + " trials and " + pluginAdversary + " "
                    + wins[2] + ": they are not the same adversary");
        }
        double extra = (secs[2] - secs[1]) / trials;
        out.printf("  %s: %.2f trials/s; %s: %.2f trials/s; ratio %.2f (the plugin's turn costs %.3f s more per trial: process,"
                + " files, numpy); the challenger's share alone: %.2f trials/s%n", javaAdversary, trials / secs[1], pluginAdversary,
                trials / secs[2], secs[1] / secs[2], extra, trials / secs[0]);
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
        result.put("plugin_extra_seconds_per_trial", extra);
        result.put("trials_per_second_ratio", secs[1] / secs[2]);
        return result;
    }
}
