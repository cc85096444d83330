package org.weightgames.game;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.model.Network;

/**
 * An adversary of one game that has another adversary's identity (id, description, parameters,
 * targets) and hands its turns to a {@link Contract.Turn}: how an isolated adversary plays as the
 * game's interface ({@link Contract#relay}). One subclass per game interface.
 */
abstract class Relay<C extends Challenge, R> implements Adversary {
    private final Adversary identity;
    private final Contract.Turn<C, R> turn;

    Relay(Adversary identity, Contract.Turn<C, R> turn) {
        this.identity = identity;
        this.turn = turn;
    }

    @Override
    public String id() {
        return identity.id();
    }

    @Override
    public String description() {
        return identity.description();
    }

    @Override
    public void init(Params params) {
        identity.init(params);
    }

    @Override
    public boolean targets(Scheme scheme) {
        return identity.targets(scheme);
    }

    final R turn(C challenge, Coins coins) {
        return turn.play(challenge, coins);
    }

    static final class Weights extends Relay<ExtractionChallenge, Map<String, INDArray>> implements WeightExtractor {
        Weights(Adversary identity, Contract.Turn<ExtractionChallenge, Map<String, INDArray>> turn) {
            super(identity, turn);
        }

        @Override
        public Map<String, INDArray> extractWeights(ExtractionChallenge challenge, Coins coins) {
            return turn(challenge, coins);
        }
    }

    static final class Function extends Relay<ExtractionChallenge, Network> implements FunctionExtractor {
        Function(Adversary identity, Contract.Turn<ExtractionChallenge, Network> turn) {
            super(identity, turn);
        }

        @Override
        public Network extractFunction(ExtractionChallenge challenge, Coins coins) {
            return turn(challenge, coins);
        }
    }

    static final class Guess extends Relay<DistinguishChallenge, Integer> implements Distinguisher {
        Guess(Adversary identity, Contract.Turn<DistinguishChallenge, Integer> turn) {
            super(identity, turn);
        }

        @Override
        public int distinguish(DistinguishChallenge challenge, Coins coins) {
            return turn(challenge, coins);
        }
    }

    static final class Usage extends Relay<UsageChallenge, Network> implements KeylessUser {
        Usage(Adversary identity, Contract.Turn<UsageChallenge, Network> turn) {
            super(identity, turn);
        }

        @Override
        public Network useWithoutKey(UsageChallenge challenge, Coins coins) {
            return turn(challenge, coins);
        }
    }

    static final class User extends Relay<UserChallenge, Network> implements AuthorisedUser {
        User(Adversary identity, Contract.Turn<UserChallenge, Network> turn) {
            super(identity, turn);
        }

        @Override
        public Network use(UserChallenge challenge, Coins coins) {
            return turn(challenge, coins);
        }
    }
}
