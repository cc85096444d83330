package org.weightgames.game;

import org.weightgames.core.Coins;

/**
 * The contract of one game: the adversary interface that plays it ({@link #type()}) and its one
 * method ({@link #play}). Each game interface holds its contract ({@link WeightExtractor#CONTRACT},
 * {@link FunctionExtractor#CONTRACT}, {@link Distinguisher#CONTRACT}, {@link KeylessUser#CONTRACT});
 * a definition names the one it plays ({@link Definition#contract()}).
 *
 * @param <A> the adversary interface
 * @param <C> the challenge
 * @param <R> the answer
 */
public final class Contract<A extends Adversary, C, R> {
    /** The game's method, called on an adversary of the game's interface. */
    @FunctionalInterface
    public interface Move<A, C, R> {
        R play(A adversary, C challenge, Coins coins);
    }

    private final String game;
    private final Class<A> type;
    private final Move<A, C, R> move;

    /** @param game the game's id, for messages */
    public Contract(String game, Class<A> type, Move<A, C, R> move) {
        this.game = game;
        this.type = type;
        this.move = move;
    }

    /** The adversary interface that plays the game. */
    public Class<A> type() {
        return type;
    }

    /**
     * Plays {@code adversary}'s turn on {@code challenge}.
     *
     * @throws UnsupportedOperationException when it does not implement the game's interface
     */
    public R play(Adversary adversary, C challenge, Coins coins) {
        if (!type.isInstance(adversary)) {
            throw new UnsupportedOperationException(adversary.id() + " does not play " + game);
        }
        return move.play(type.cast(adversary), challenge, coins);
    }

    @Override
    public String toString() {
        return game + " (" + type.getSimpleName() + ")";
    }
}
