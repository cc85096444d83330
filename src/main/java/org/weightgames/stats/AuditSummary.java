package org.weightgames.stats;

import java.util.List;
import java.util.Map;

import org.weightgames.data.DataSource;

/** A whole audit as the reports render it: the run's seed, level, settings and data, and each game's result. */
public record AuditSummary(long seed, double level, Map<String, Map<String, String>> settings, DataSource data,
        List<GameSummary> games) {

    public AuditSummary {
        games = List.copyOf(games);
    }
}
