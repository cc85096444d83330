package org.weightgames.game;

import java.util.List;
import org.weightgames.core.Params;

/**
 * A security game. One trial: the challenger draws its model(s) with its own coins, releases,
 * hands each adversary the same challenge (each with its own coins and fresh oracles), and judges
 * each answer. Its adversaries implement the game's interface ({@link #plays()}). Its formal text
 * lives in {@code definitions/<id>.md}. Found with ServiceLoader
 * ({@code META-INF/services/org.weightgames.game.Definition}); life cycle as {@link Scheme}.
 */
public interface Definition {
    String id();

    /** One line for {@code wg list}. */
    String description();

    void init(Params params);

    /** Whether advantage is |2 Pr[win] - 1| (a guessing game) rather than Pr[win]. */
    default boolean guessing() {
        return false;
    }

    /**
     * Whether {@code --isolate} plays this game's players in another process: true for games
     * against adversaries; false for a game whose players are the scheme's own legitimate users
     * ({@code correct}), who hold its key and are not hostile.
     */
    default boolean isolates() {
        return true;
    }

    /**
     * The adversary whose success is the reference for advantage: the trivial {@code baseline}
     * unless the game names a stronger one (e.g. {@code scratch} for {@code uc}).
     */
    default String baseline() {
        return "baseline";
    }

    /**
     * The game's contract: the adversary interface that plays it, its method and how its challenge
     * and answer cross the isolation pipe. Known before {@link #init}.
     */
    Contract<?, ?, ?> contract();

    /** The adversary interface that plays this game: an adversary plays it by implementing it. */
    default Class<? extends Adversary> plays() {
        return contract().type();
    }

    /** Plays one trial against every adversary, in order; one outcome each. */
    TrialRecord play(TrialContext context, List<Adversary> adversaries);
}
