package org.weightgames.game;

import java.io.IOException;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.model.Architecture;
import org.weightgames.model.Network;

/**
 * The two ends of the pipe between the challenger and an isolated adversary's process, as a
 * game's {@link Contract.Codec} writes and reads them. Implemented by
 * {@code org.weightgames.isolation}, which frames the values and bounds everything it reads
 * (tensors, maps, networks), because the other end may be hostile.
 */
public final class Pipe {
    private Pipe() {
    }

    /** Values written to the pipe. */
    public interface Out {
        void writeByte(int v) throws IOException;

        void writeInt(int v) throws IOException;

        void writeLong(long v) throws IOException;

        void writeUTF(String s) throws IOException;

        void writeTensors(Map<String, INDArray> tensors) throws IOException;

        void writeNetwork(Network network) throws IOException;
    }

    /** Values read from the pipe, bounded and (networks) validated. */
    public interface In {
        int readInt() throws IOException;

        long readLong() throws IOException;

        String readUTF() throws IOException;

        Map<String, INDArray> readTensors() throws IOException;

        Network readNetwork() throws IOException;
    }

    /**
     * The challenger's end of a request. Besides the challenge's values, a codec names the oracles
     * of the challenge the process may call (none unless named); the challenger answers those
     * calls from them, so their budgets are counted here.
     */
    public interface ChallengerEnd extends Out {
        void serve(SampleOracle samples);

        void serve(QueryOracle api);

        void serve(AuxiliaryData data);
    }

    /**
     * The process's end of a request: the public part every challenge shares, already read, and
     * oracles that forward each call over the pipe to the ones the challenger serves.
     */
    public interface ProcessEnd extends In {
        Artifact artifact();

        /** The scheme's public code, initialised with the game's parameters. */
        Scheme scheme();

        Architecture architecture();

        SampleOracle samples(long budget);

        QueryOracle api(long budget);

        AuxiliaryData data(int size, int epochs);
    }
}
