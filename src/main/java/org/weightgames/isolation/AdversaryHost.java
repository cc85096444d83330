package org.weightgames.isolation;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.model.Architecture;
import org.weightgames.core.Nd;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.core.WgException;
import org.weightgames.core.Artifact;
import org.weightgames.game.Challenge;
import org.weightgames.game.Contract;
import org.weightgames.game.Definition;
import org.weightgames.game.Pipe;
import org.weightgames.game.Scheme;
import org.weightgames.game.Adversary;
import org.weightgames.game.Registry;
import org.weightgames.game.SampleOracle;
import org.weightgames.game.AuxiliaryData;
import org.weightgames.game.QueryOracle;

/**
 * The process an isolated adversary plays in (see {@link IsolatedAdversary}). It reads one request
 * from standard input, rebuilds the public challenge from it (the artifact from its file, the
 * scheme's public code, the architecture, and the rest as the game's {@link Contract.Codec} reads
 * it, with oracles that forward to the challenger over the pipe), plays the adversary's turn by
 * the game's contract, and writes its answer to standard output. The adversary's own output to
 * System.out is diverted to standard error so it cannot corrupt the pipe.
 */
public final class AdversaryHost {
    private AdversaryHost() {
    }

    public static void main(String[] args) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        try {
            if (!IsolatedAdversary.MAGIC.equals(in.readUTF())) {
                throw new WgException("not a WeightGames isolation request");
            }
            String game = in.readUTF();
            String id = in.readUTF();
            Map<String, String> params = Wire.readMap(in);
            byte[] seed = new byte[32];
            in.readFully(seed);
            Coins coins = Coins.fromSeed(seed, in.readUTF());
            Path artifactFile = Path.of(in.readUTF());
            String schemeId = in.readUTF();
            Map<String, String> schemeParams = Wire.readMap(in);
            Map<String, String> arch = Wire.readMap(in);
            Nd.init();
            Artifact artifact = readArtifact(artifactFile);
            Scheme scheme = Registry.scheme(schemeId, new Params(schemeId, schemeParams));
            Architecture architecture = arch.isEmpty() ? null : Architecture.fromMap(arch);
            Adversary adversary = Registry.adversary(id, new Params(id, params));
            Definition definition = Registry.definitions().stream().filter(d -> d.id().equals(game)).findFirst()
                    .orElseThrow(() -> new WgException("unknown game '" + game + "'"));
            play(definition.contract(), adversary, coins, new Remote(in, out, artifact, scheme, architecture), new Wire.Out(out));
            out.flush();
            System.exit(0);
        } catch (Throwable e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            try {
                out.writeByte('X');
                out.writeUTF(msg.length() > 2000 ? msg.substring(0, 2000) : msg);
                out.flush();
            } catch (IOException ignored) {
                // the challenger is gone
            }
            e.printStackTrace();
            System.exit(3);
        }
    }

    /** Reads the challenge as the game's codec wrote it, plays the adversary's turn and writes its answer. */
    private static <C extends Challenge, R> void play(Contract<?, C, R> contract, Adversary adversary, Coins coins,
            Pipe.ProcessEnd request, Pipe.Out out) throws IOException {
        C challenge = contract.codec().readChallenge(request);
        R answer = contract.play(adversary, challenge, coins);
        contract.codec().writeAnswer(out, adversary.id(), answer);
    }

    /** The process's end of the request: its common part, and oracles that forward over the pipe. */
    private static final class Remote extends Wire.In implements Pipe.ProcessEnd {
        private final DataOutputStream out;
        private final Artifact artifact;
        private final Scheme scheme;
        private final Architecture architecture;

        Remote(DataInputStream in, DataOutputStream out, Artifact artifact, Scheme scheme, Architecture architecture) {
            super(in);
            this.out = out;
            this.artifact = artifact;
            this.scheme = scheme;
            this.architecture = architecture;
        }

        @Override
        public Artifact artifact() {
            return artifact;
        }

        @Override
        public Scheme scheme() {
            return scheme;
        }

        @Override
        public Architecture architecture() {
            return architecture;
        }

        @Override
        public SampleOracle samples(long budget) {
            return new SampleOracle(budget, (n, c) -> {
                byte[] s = new byte[32];
                c.nextBytes(s);
                return remote(out, in, 'S', n, s, null);
            });
        }

        @Override
        public QueryOracle api(long budget) {
            return new QueryOracle("api", budget, q -> remote(out, in, 'Q', 0, null, q));
        }

        @Override
        public AuxiliaryData data(int size, int epochs) {
            return new AuxiliaryData(size, epochs, idx -> rows(out, in, idx));
        }
    }

    /** One oracle request over the pipe; the challenger's refusal becomes the same exception in here. */
    private static INDArray remote(DataOutputStream out, DataInputStream in, int type, int n, byte[] seed, INDArray q) {
        synchronized (out) {
            try {
                out.writeByte(type);
                if (type == 'S') {
                    out.writeInt(n);
                    out.write(seed);
                } else {
                    Wire.writeTensor(out, q);
                }
                out.flush();
                int r = in.readByte();
                if (r == 'T') {
                    return Wire.readTensor(in);
                }
                throw new WgException("the challenger refused: " + in.readUTF());
            } catch (IOException e) {
                throw new WgException("the pipe to the challenger broke: " + e.getMessage(), e);
            }
        }
    }

    /** Rows of the auxiliary data, over the pipe. */
    private static org.weightgames.data.Dataset rows(DataOutputStream out, DataInputStream in, int[] idx) {
        synchronized (out) {
            try {
                out.writeByte('R');
                out.writeInt(idx.length);
                for (int i : idx) {
                    out.writeInt(i);
                }
                out.flush();
                int r = in.readByte();
                if (r != 'T') {
                    throw new WgException("the challenger refused: " + in.readUTF());
                }
                INDArray x = Wire.readTensor(in);
                int classes = in.readInt();
                int[] labels = new int[idx.length];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = in.readInt();
                }
                return new org.weightgames.data.Dataset(x, labels, classes);
            } catch (IOException e) {
                throw new WgException("the pipe to the challenger broke: " + e.getMessage(), e);
            }
        }
    }

    static Artifact readArtifact(Path file) {
        try (Safetensors f = Safetensors.open(file)) {
            Map<String, String> meta = new TreeMap<>();
            f.metadata().forEach((k, v) -> {
                if (k.startsWith("meta.")) {
                    meta.put(k.substring(5), v);
                }
            });
            Map<String, INDArray> tensors = new LinkedHashMap<>();
            for (String n : f.names()) {
                tensors.put(n, f.tensor(n).toNd());
            }
            return new Artifact(f.metadata().getOrDefault("wg.scheme", "?"), meta, tensors);
        }
    }
}
