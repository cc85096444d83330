package org.weightgames.game;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.WgException;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;

/**
 * The games' codecs (wire v1; {@code correct}'s refuses the pipe). An extraction challenge is its protected shapes (count, then
 * name, rank and dimensions of each) and the remaining budgets of its sample oracle and query API
 * (-1: none); {@code ind} adds the two candidates as networks; {@code uc} writes the extraction
 * fields empty (no shapes, no oracles) and then its data's size and epochs. Answers: {@code 'W'}
 * and tensors, {@code 'F'} and a network, {@code 'D'} and a bit.
 */
final class Codecs {
    static final Contract.Codec<ExtractionChallenge, Map<String, INDArray>> WEIGHTS = new ExtractionCodec<>() {
        @Override
        public int answerTag() {
            return 'W';
        }

        @Override
        public void writeAnswer(Pipe.Out out, String adversary, Map<String, INDArray> answer) throws IOException {
            out.writeByte(answerTag());
            out.writeTensors(answer == null ? Map.of() : answer);
        }

        @Override
        public Map<String, INDArray> readAnswer(Pipe.In in) throws IOException {
            return in.readTensors();
        }
    };

    static final Contract.Codec<ExtractionChallenge, Network> FUNCTION = new FunctionCodec();

    static final Contract.Codec<DistinguishChallenge, Integer> GUESS = new Contract.Codec<>() {
        @Override
        public void writeChallenge(Pipe.ChallengerEnd out, DistinguishChallenge challenge) throws IOException {
            writeExtraction(out, challenge.release());
            out.writeNetwork(challenge.candidate(0));
            out.writeNetwork(challenge.candidate(1));
        }

        @Override
        public DistinguishChallenge readChallenge(Pipe.ProcessEnd in) throws IOException {
            ExtractionChallenge release = readExtraction(in);
            Network c0 = in.readNetwork();
            Network c1 = in.readNetwork();
            return new DistinguishChallenge(release, c0, c1);
        }

        @Override
        public int answerTag() {
            return 'D';
        }

        @Override
        public void writeAnswer(Pipe.Out out, String adversary, Integer answer) throws IOException {
            out.writeByte(answerTag());
            out.writeInt(answer);
        }

        @Override
        public Integer readAnswer(Pipe.In in) throws IOException {
            int b = in.readInt();
            if (b != 0 && b != 1) {
                throw new WgException("the isolated adversary answered the bit " + b);
            }
            return b;
        }
    };

    static final Contract.Codec<UsageChallenge, Network> USAGE = new ModelAnswer<>() {
        @Override
        public void writeChallenge(Pipe.ChallengerEnd out, UsageChallenge challenge) throws IOException {
            out.writeInt(0);
            out.writeLong(-1);
            out.writeLong(-1);
            out.writeInt(challenge.data().size());
            out.writeInt(challenge.data().epochs());
            out.serve(challenge.data());
        }

        @Override
        public UsageChallenge readChallenge(Pipe.ProcessEnd in) throws IOException {
            if (in.readInt() != 0 || in.readLong() != -1 || in.readLong() != -1) {
                throw new IOException("a uc request with protected shapes or extraction oracles");
            }
            int size = in.readInt();
            int epochs = in.readInt();
            return new UsageChallenge(in.artifact(), in.scheme(), in.architecture(), in.data(size, epochs));
        }
    };

    /**
     * {@code correct}: its players are the scheme's own users and hold its key, so the game is
     * played in the challenger's process; nothing of it crosses the pipe.
     */
    static final Contract.Codec<UserChallenge, Network> USER = new ModelAnswer<>() {
        @Override
        public void writeChallenge(Pipe.ChallengerEnd out, UserChallenge challenge) {
            throw new WgException("correct is not played in isolation: its player is the scheme's authorised user, who holds "
                    + "the key; run it without --isolate");
        }

        @Override
        public UserChallenge readChallenge(Pipe.ProcessEnd in) throws IOException {
            throw new IOException("a correct request: that game is not played in isolation");
        }
    };

    private Codecs() {
    }

    /** ext-f and uc answer with a model: {@code 'F'} and the network, refused before its tag when the pipe cannot carry it. */
    private interface ModelAnswer<C> extends Contract.Codec<C, Network> {
        @Override
        default int answerTag() {
            return 'F';
        }

        @Override
        default void writeAnswer(Pipe.Out out, String adversary, Network answer) throws IOException {
            if (answer == null) {
                throw new WgException(adversary + " answered no model");
            }
            NetworkCodec.metadata(answer);
            out.writeByte(answerTag());
            out.writeNetwork(answer);
        }

        @Override
        default Network readAnswer(Pipe.In in) throws IOException {
            return in.readNetwork();
        }
    }

    /** ext-f: the extraction challenge, answered with a model. */
    private static final class FunctionCodec extends ExtractionCodec<Network> implements ModelAnswer<ExtractionChallenge> {
    }

    /** ext-w and ext-f hand out the same challenge. */
    private abstract static class ExtractionCodec<R> implements Contract.Codec<ExtractionChallenge, R> {
        @Override
        public void writeChallenge(Pipe.ChallengerEnd out, ExtractionChallenge challenge) throws IOException {
            writeExtraction(out, challenge);
        }

        @Override
        public ExtractionChallenge readChallenge(Pipe.ProcessEnd in) throws IOException {
            return readExtraction(in);
        }
    }

    static void writeExtraction(Pipe.ChallengerEnd out, ExtractionChallenge ch) throws IOException {
        out.writeInt(ch.protectedShapes().size());
        for (Map.Entry<String, long[]> e : ch.protectedShapes().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            for (long d : e.getValue()) {
                out.writeLong(d);
            }
        }
        SampleOracle samples = ch.samples();
        QueryOracle api = ch.hasApi() ? ch.api() : null;
        out.writeLong(samples == null ? -1 : samples.remaining());
        out.writeLong(api == null ? -1 : api.remaining());
        if (samples != null) {
            out.serve(samples);
        }
        if (api != null) {
            out.serve(api);
        }
    }

    static ExtractionChallenge readExtraction(Pipe.ProcessEnd in) throws IOException {
        int shapes = in.readInt();
        Map<String, long[]> protectedShapes = new LinkedHashMap<>();
        for (int i = 0; i < shapes; i++) {
            String name = in.readUTF();
            long[] s = new long[in.readInt()];
            for (int d = 0; d < s.length; d++) {
                s[d] = in.readLong();
            }
            protectedShapes.put(name, s);
        }
        long samples = in.readLong();
        long queries = in.readLong();
        return new ExtractionChallenge(in.artifact(), in.scheme(), in.architecture(), protectedShapes,
                samples < 0 ? null : in.samples(samples), queries < 0 ? null : in.api(queries));
    }
}
