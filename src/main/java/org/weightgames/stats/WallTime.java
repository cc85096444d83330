package org.weightgames.stats;

/**
 * The wall-clock time one game took in this run and the trials it played in it (a resumed game
 * counts only the trials it played after resuming). It depends on the machine and the load, so it
 * goes to timing.json, never into report.json.
 */
public record WallTime(String game, int trials, double seconds) {
}
