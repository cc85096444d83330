package org.weightgames.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.weightgames.core.WgException;

/**
 * One of {@code count} shards of an audit for a batch system (a Slurm array, a Kubernetes indexed
 * Job): the trials of every planned game, listed in plan order and by index within a game, are its
 * keys; key {@code k} belongs to shard {@code k mod count + 1}. The assignment depends on the plan
 * and trial count alone, and deals each game's trials round-robin, so every shard gets a share of
 * every game (a slow game does not land on one shard).
 */
public record Shard(int index, int count) {

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new WgException("--shard must be i/n with 1 <= i <= n, got " + index + "/" + count);
        }
    }

    /** Reads {@code i/n}. */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/");
        try {
            if (parts.length == 2) {
                return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new WgException("--shard must be i/n with 1 <= i <= n (e.g. 2/3), got '" + text + "'");
    }

    /** Per game label, in plan order, the trial indices this shard plays. */
    public Map<String, List<Integer>> keys(List<Audit.PlannedGame> plan, int trials) {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        long key = 0;
        for (Audit.PlannedGame g : plan) {
            List<Integer> mine = new ArrayList<>();
            for (int t = 0; t < trials; t++, key++) {
                if (key % count == index - 1) {
                    mine.add(t);
                }
            }
            out.put(g.spec().label(), mine);
        }
        return out;
    }

    /** The shard that plays trial {@code trial} of the {@code game}-th planned game (counted from 0). */
    public static Shard owner(int game, int trial, int trials, int count) {
        return new Shard((int) (((long) game * trials + trial) % count) + 1, count);
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
