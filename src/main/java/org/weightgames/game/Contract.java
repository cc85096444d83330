package org.weightgames.game;

import java.io.IOException;
import java.util.function.BiFunction;

import org.weightgames.core.Coins;

/**
 * The contract of one game: the adversary interface that plays it ({@link #type()}), its one
 * method ({@link #play}), and how its challenge and answer cross the pipe to an isolated
 * adversary's process ({@link #codec()}). Each game interface holds its contract
 * ({@link WeightExtractor#CONTRACT}, {@link FunctionExtractor#CONTRACT},
 * {@link Distinguisher#CONTRACT}, {@link KeylessUser#CONTRACT}); a definition names the one it
 * plays ({@link Definition#contract()}).
 *
 * @param <A> the adversary interface
 * @param <C> the challenge
 * @param <R> the answer
 */
public final class Contract<A extends Adversary, C extends Challenge, R> {
    /** The game's method, called on an adversary of the game's interface. */
    @FunctionalInterface
    public interface Move<A, C, R> {
        R play(A adversary, C challenge, Coins coins);
    }

    /** A turn played elsewhere (in an isolated adversary's process). */
    @FunctionalInterface
    public interface Turn<C, R> {
        R play(C challenge, Coins coins);
    }

    /**
     * How a game's challenge and answer cross the pipe. The challenger writes the challenge and
     * names the oracles the process may call; the process rebuilds it around oracles that forward
     * over the pipe, plays, and writes the answer, which the challenger reads back. What the
     * challenger reads comes from a process that may be hostile: {@link #readAnswer} gives a
     * valid answer, an {@link IOException} or a {@link org.weightgames.core.WgException}, nothing else.
     */
    public interface Codec<C, R> {
        void writeChallenge(Pipe.ChallengerEnd out, C challenge) throws IOException;

        C readChallenge(Pipe.ProcessEnd in) throws IOException;

        /** The byte that opens the answer message. */
        int answerTag();

        /**
         * Writes the answer message ({@link #answerTag()}, then the answer); an answer that cannot
         * be sent throws {@link org.weightgames.core.WgException}, naming {@code adversary}, before
         * anything is written.
         */
        void writeAnswer(Pipe.Out out, String adversary, R answer) throws IOException;

        /** Reads the answer that follows its tag. */
        R readAnswer(Pipe.In in) throws IOException;
    }

    private final String game;
    private final Class<A> type;
    private final Move<A, C, R> move;
    private final BiFunction<Adversary, Turn<C, R>, A> relay;
    private final Codec<C, R> codec;

    /**
     * @param game  the game's id, for messages
     * @param relay an adversary of type {@code A} with the id, description, init and targets of
     *              its first argument whose turns are played by its second
     */
    public Contract(String game, Class<A> type, Move<A, C, R> move, BiFunction<Adversary, Turn<C, R>, A> relay,
            Codec<C, R> codec) {
        this.game = game;
        this.type = type;
        this.move = move;
        this.relay = relay;
        this.codec = codec;
    }

    /** The adversary interface that plays the game. */
    public Class<A> type() {
        return type;
    }

    public Codec<C, R> codec() {
        return codec;
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

    /** An adversary of this game with the identity of {@code identity}, whose turns {@code turn} plays. */
    public A relay(Adversary identity, Turn<C, R> turn) {
        return relay.apply(identity, turn);
    }

    @Override
    public String toString() {
        return game + " (" + type.getSimpleName() + ")";
    }
}
