package org.weightgames.isolation;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Writer;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.core.WgException;
import org.weightgames.game.Adversary;
import org.weightgames.game.AuxiliaryData;
import org.weightgames.game.Challenge;
import org.weightgames.game.Contract;
import org.weightgames.game.Definition;
import org.weightgames.game.Pipe;
import org.weightgames.game.QueryOracle;
import org.weightgames.game.SampleOracle;
import org.weightgames.game.Scheme;

/**
 * An adversary played in its own JVM ({@link AdversaryHost}), in any game: {@link #of} makes it an
 * adversary of the game's interface, and the game's {@link Contract.Codec} says what of the
 * challenge crosses the pipe and how the answer comes back. The challenger's side writes the
 * public artifact to a file, starts the process with the game's id, the adversary's id and
 * parameters, its coins as 32 bytes of seed (never the run seed, from which the challenger's coins
 * derive), the scheme's id and parameters (its public inference code), the public
 * {@link org.weightgames.model.Architecture} and the rest of the challenge as its codec writes it
 * (for the extraction games the protected tensors' shapes and the oracles' remaining budgets);
 * then it answers the process's sample, query and data requests from the oracles the codec
 * names, which count the budgets. Nothing else crosses: the original, the secret, the
 * challenger's coins and every other object of this JVM stay here.
 *
 * <p>The process gets {@link Isolation#memoryMb()} of heap, its own empty home and model cache,
 * and {@link Isolation#timeoutSeconds()} per turn; a timeout, a crash, an exception or a
 * malformed answer becomes a {@link WgException} with the reason, which the games record as a
 * lost trial.
 */
public final class IsolatedAdversary<C extends Challenge, R> implements Adversary {
    static final String MAGIC = "wg-isolation-v1";
    private final String game;
    private final Contract<?, C, R> contract;
    private final Adversary inner;
    private final Map<String, String> params;
    private final String scheme;
    private final Map<String, String> schemeParams;
    private final Isolation isolation;
    private final Sandbox sandbox;

    private IsolatedAdversary(String game, Contract<?, C, R> contract, Adversary inner, Map<String, String> params,
            String scheme, Map<String, String> schemeParams, Isolation isolation, Sandbox sandbox) {
        this.game = game;
        this.contract = contract;
        this.inner = inner;
        this.params = new TreeMap<>(params);
        this.scheme = scheme;
        this.schemeParams = new TreeMap<>(schemeParams);
        this.isolation = isolation;
        this.sandbox = sandbox;
    }

    /**
     * {@code inner} isolated, as an adversary of {@code definition}'s game interface: each of its
     * turns runs in a fresh process, initialised there with {@code params}, against {@code scheme}
     * initialised with {@code schemeParams}.
     */
    public static Adversary of(Definition definition, Adversary inner, Map<String, String> params, String scheme,
            Map<String, String> schemeParams, Isolation isolation, Sandbox sandbox) {
        return relay(definition.id(), definition.contract(), inner, params, scheme, schemeParams, isolation, sandbox);
    }

    private static <A extends Adversary, C extends Challenge, R> A relay(String game, Contract<A, C, R> contract,
            Adversary inner, Map<String, String> params, String scheme, Map<String, String> schemeParams, Isolation isolation,
            Sandbox sandbox) {
        IsolatedAdversary<C, R> isolated = new IsolatedAdversary<>(game, contract, inner, params, scheme, schemeParams,
                isolation, sandbox);
        return contract.relay(isolated, isolated::play);
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public String description() {
        return inner.description() + " (isolated)";
    }

    @Override
    public void init(Params p) {
        // initialised in its own process from the parameters given at construction
    }

    @Override
    public boolean targets(Scheme s) {
        return inner.targets(s);
    }

    /** One turn in a fresh process. */
    private R play(C ch, Coins coins) {
        Path dir = null;
        Process proc = null;
        AtomicBoolean timedOut = new AtomicBoolean();
        AtomicBoolean overQuota = new AtomicBoolean();
        try {
            dir = Files.createTempDirectory("wg-isolated-");
            Path artifactFile = dir.resolve("artifact.safetensors");
            Map<String, String> meta = new LinkedHashMap<>();
            ch.artifact().metadata().forEach((k, v) -> meta.put("meta." + k, v));
            meta.put("wg.scheme", ch.artifact().scheme());
            Map<String, INDArray> tensors = new LinkedHashMap<>();
            for (String n : ch.artifact().tensorNames()) {
                tensors.put(n, ch.artifact().tensor(n));
            }
            Writer.write(artifactFile, meta, tensors, DType.F64);
            WorkQuota.readable(artifactFile);
            Path home = Files.createDirectories(dir.resolve("home"));
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx" + isolation.memoryMb() + "m");
            cmd.add("-Dorg.bytedeco.javacpp.maxbytes=" + isolation.nativeMb() + "m");
            cmd.add("-Dorg.bytedeco.javacpp.maxphysicalbytes=" + (isolation.memoryMb() + isolation.nativeMb() + 512) + "m");
            cmd.add("-Duser.home=" + home);
            cmd.add("-Dwg.cache=" + home.resolve("cache"));
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(AdversaryHost.class.getName());
            ProcessBuilder pb = new ProcessBuilder(sandbox.wrapJvm(cmd, dir, ClassPath.entries()));
            pb.environment().put("OMP_NUM_THREADS", "1");
            pb.environment().remove("WG_CACHE");
            pb.environment().put("HOME", home.toString());
            Path log = dir.resolve("stderr.txt");
            pb.redirectError(log.toFile());
            proc = pb.start();
            Process p = proc;
            Thread watchdog = new Thread(() -> {
                try {
                    if (!p.waitFor(isolation.timeoutSeconds(), TimeUnit.SECONDS)) {
                        timedOut.set(true);
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }, "wg-isolation-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            if (sandbox.enabled()) {
                new WorkQuota(dir, sandbox.diskBytes()).watch(p, () -> {
                    overQuota.set(true);
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                });
            }
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(proc.getOutputStream()));
                    DataInputStream in = new DataInputStream(new BufferedInputStream(proc.getInputStream()))) {
                Served served = request(out, ch, coins, artifactFile);
                return serve(in, out, served);
            } catch (IOException e) {
                proc.waitFor(5, TimeUnit.SECONDS);
                throw new WgException(reason(timedOut.get(), overQuota.get(), proc, log, e));
            } finally {
                watchdog.interrupt();
            }
        } catch (IOException e) {
            throw new WgException("isolated adversary '" + id() + "' could not be started: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WgException("interrupted while isolated adversary '" + id() + "' played", e);
        } finally {
            if (proc != null) {
                proc.destroyForcibly();
            }
            deleteTree(dir);
        }
    }

    /** Writes the request: the common part, then the challenge as its game's codec writes it. */
    private Served request(DataOutputStream out, C ch, Coins coins, Path artifactFile) throws IOException {
        out.writeUTF(MAGIC);
        out.writeUTF(game);
        out.writeUTF(inner.id());
        Wire.writeMap(out, params);
        byte[] seed = new byte[32];
        coins.derive("isolated").nextBytes(seed);
        out.write(seed);
        out.writeUTF(coins.path() + "/isolated");
        out.writeUTF(artifactFile.toString());
        out.writeUTF(scheme);
        Wire.writeMap(out, schemeParams);
        Wire.writeMap(out, ch.architecture() == null ? Map.of() : ch.architecture().toMap());
        Served served = new Served(out);
        contract.codec().writeChallenge(served, ch);
        out.flush();
        return served;
    }

    /** The challenger's end of a request: the oracles its codec named, which answer the process's requests. */
    private static final class Served extends Wire.Out implements Pipe.ChallengerEnd {
        private SampleOracle samples;
        private QueryOracle api;
        private AuxiliaryData data;

        Served(DataOutputStream out) {
            super(out);
        }

        @Override
        public void serve(SampleOracle oracle) {
            samples = oracle;
        }

        @Override
        public void serve(QueryOracle oracle) {
            api = oracle;
        }

        @Override
        public void serve(AuxiliaryData auxiliary) {
            data = auxiliary;
        }
    }

    /** Answers the process's oracle requests until it sends its answer. */
    private R serve(DataInputStream in, DataOutputStream out, Served served) throws IOException {
        while (true) {
            int type = in.readByte();
            switch (type) {
                case 'R': {
                    int k = in.readInt();
                    if (k < 0 || k > Wire.MAX_ENTRIES * 100) {
                        throw new IOException("a request for " + k + " rows");
                    }
                    int[] idx = new int[k];
                    for (int i = 0; i < k; i++) {
                        idx[i] = in.readInt();
                    }
                    try {
                        if (served.data == null) {
                            throw new WgException("this game gives no auxiliary data");
                        }
                        org.weightgames.data.Dataset d = served.data.rows(idx);
                        out.writeByte('T');
                        Wire.writeTensor(out, d.features());
                        out.writeInt(d.classes());
                        for (int i = 0; i < k; i++) {
                            out.writeInt(d.label(i));
                        }
                    } catch (RuntimeException e) {
                        out.writeByte('E');
                        out.writeUTF(String.valueOf(e.getMessage()));
                    }
                    out.flush();
                    break;
                }
                case 'S': {
                    int n = in.readInt();
                    byte[] seed = new byte[32];
                    in.readFully(seed);
                    try {
                        if (served.samples == null) {
                            throw new WgException("this game gives no sample oracle");
                        }
                        INDArray x = served.samples.draw(n, Coins.fromSeed(seed, "isolated-samples"));
                        out.writeByte('T');
                        Wire.writeTensor(out, x);
                    } catch (RuntimeException e) {
                        out.writeByte('E');
                        out.writeUTF(String.valueOf(e.getMessage()));
                    }
                    out.flush();
                    break;
                }
                case 'Q': {
                    INDArray q = Wire.readTensor(in);
                    QueryOracle api = served.api;
                    try {
                        if (api == null) {
                            throw new UnsupportedOperationException("scheme '" + scheme + "' offers no query API");
                        }
                        INDArray y = api.query(q);
                        out.writeByte('T');
                        Wire.writeTensor(out, y);
                    } catch (RuntimeException e) {
                        out.writeByte('E');
                        out.writeUTF(String.valueOf(e.getMessage()));
                    }
                    out.flush();
                    break;
                }
                default:
                    return answer(contract.codec(), type, new Wire.In(in));
            }
        }
    }

    /**
     * The process's final message: the game's answer (its codec's tag) or the adversary's error
     * ({@code 'X'}). Hostile bytes give an IOException or a WgException (fuzzed), nothing else.
     */
    static <R> R answer(Contract.Codec<?, R> codec, int type, Pipe.In in) throws IOException {
        if (type == 'X') {
            throw new WgException(in.readUTF());
        }
        if (type != codec.answerTag()) {
            throw new IOException("unknown message type " + type);
        }
        return codec.readAnswer(in);
    }

    private String reason(boolean timedOut, boolean overQuota, Process p, Path log, Exception e) {
        if (timedOut) {
            return "isolated adversary '" + id() + "' ran past its " + isolation.timeoutSeconds() + " s and was stopped";
        }
        if (overQuota) {
            return "isolated adversary '" + id() + "' wrote more than its " + sandbox.diskMb() + " MB into its work folder"
                    + " (plugins.disk) and was stopped";
        }
        String tail = "";
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException ignored) {
            // no log to quote
        }
        String limit = p.isAlive() ? null : sandbox.limitReached(p.exitValue());
        String exit = p.isAlive() ? "still running" : limit != null ? limit : "exit status " + p.exitValue();
        return "isolated adversary '" + id() + "' crashed (" + exit + ", " + e.getClass().getSimpleName() + ")"
                + (tail.isEmpty() ? "" : ": " + tail);
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temporary folder; the OS cleans it
                }
            });
        } catch (IOException ignored) {
            // already gone
        }
    }
}
