package org.weightgames.plugin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.data.Dataset;
import org.weightgames.game.Adversary;
import org.weightgames.game.AuxiliaryData;
import org.weightgames.game.DistinguishChallenge;
import org.weightgames.game.Distinguisher;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.game.FunctionExtractor;
import org.weightgames.game.Hosted;
import org.weightgames.game.KeylessUser;
import org.weightgames.game.QueryOracle;
import org.weightgames.game.ReleasesWeights;
import org.weightgames.game.SampleOracle;
import org.weightgames.game.Scheme;
import org.weightgames.game.UsageChallenge;
import org.weightgames.game.UsageControl;
import org.weightgames.game.WeightExtractor;
import org.weightgames.model.Architecture;
import org.weightgames.model.Network;
import org.weightgames.schemes.taylormlp.TaylorLayout;

/**
 * An adversary played by a plugin process (docs/plugins.md), of the game interfaces its
 * manifest's {@code games} name. Each turn is one process in a fresh work folder: it is handed
 * the public artifact as a file, the public architecture, 32 bytes of its own coins and the rest
 * of the challenge (protected shapes and budgets; ind's two candidates as checkpoints; uc's data
 * size and epochs), and answers with a file or a bit. Meanwhile it may call the challenger's
 * oracles ({@code samples}, {@code query}, {@code data}, which count the budgets) and the
 * scheme's public inference code ({@code infer}). A failing turn is a lost trial with the reason.
 */
public final class PluginAdversary extends PluginComponent implements Adversary {
    private PluginAdversary(Manifest manifest) {
        super(manifest);
    }

    /** An uninitialised instance, of the game interfaces its manifest names. */
    static Adversary of(Manifest m) {
        PluginAdversary impl = new PluginAdversary(m);
        List<Class<?>> types = new ArrayList<>(List.of(Adversary.class, Plugin.class));
        for (String g : m.games()) {
            types.add(switch (g) {
                case "ext-w" -> WeightExtractor.class;
                case "ext-f" -> FunctionExtractor.class;
                case "ind" -> Distinguisher.class;
                case "uc" -> KeylessUser.class;
                default -> throw new org.weightgames.core.WgException(m.file() + ": an adversary plugin cannot play '" + g
                        + "' (the scheme's own users play correct)");
            });
        }
        return Proxies.of(impl, types, "plugin adversary " + m.id(), Adversary.class);
    }

    /** By the types its manifest names (any, weights, hosted, usage-control, taylormlp) or a plugin scheme's id. */
    @Override
    public boolean targets(Scheme scheme) {
        for (String t : manifest.targets()) {
            boolean hit = switch (t) {
                case "any" -> true;
                case "weights" -> scheme instanceof ReleasesWeights;
                case "hosted" -> scheme instanceof Hosted;
                case "usage-control" -> scheme instanceof UsageControl;
                case "taylormlp" -> scheme instanceof TaylorLayout;
                default -> scheme instanceof Plugin && scheme.id().equals(t);
            };
            if (hit) {
                return true;
            }
        }
        return false;
    }

    public Map<String, INDArray> extractWeights(ExtractionChallenge ch, Coins coins) {
        return play("ext-w", ch.artifact(), ch.architecture(), coins, ch::releasedModel, (work, r) -> extraction(r, ch),
                oracles(ch, null), (p, reply) -> TensorFiles.read(p.file(reply, "weights"), "plugin '" + id() + "' answer").tensors());
    }

    public Network extractFunction(ExtractionChallenge ch, Coins coins) {
        return play("ext-f", ch.artifact(), ch.architecture(), coins, ch::releasedModel, (work, r) -> extraction(r, ch),
                oracles(ch, null), this::model);
    }

    public int distinguish(DistinguishChallenge ch, Coins coins) {
        return play("ind", ch.artifact(), ch.architecture(), coins, ch.release()::releasedModel, (work, r) -> {
            extraction(r, ch.release());
            work.input("candidate-0.safetensors", f -> TensorFiles.writeNetwork(f, ch.candidate(0), ch.architecture()));
            work.input("candidate-1.safetensors", f -> TensorFiles.writeNetwork(f, ch.candidate(1), ch.architecture()));
            r.putArray("candidates").add("candidate-0.safetensors").add("candidate-1.safetensors");
        }, oracles(ch.release(), null), (p, reply) -> {
            JsonNode bit = reply.path("bit");
            if (!bit.isInt() || (bit.asInt() != 0 && bit.asInt() != 1)) {
                throw p.fail("answered ind with the bit " + bit + "; the answer is 0 or 1");
            }
            return bit.asInt();
        });
    }

    public Network useWithoutKey(UsageChallenge ch, Coins coins) {
        return play("uc", ch.artifact(), ch.architecture(), coins, ch::lockedModel, (work, r) -> {
            ObjectNode d = r.putObject("data");
            d.put("size", ch.data().size());
            d.put("epochs", ch.data().epochs());
        }, oracles(null, ch.data()), this::model);
    }

    private Network model(PluginProcess p, JsonNode reply) {
        return TensorFiles.readNetwork(p.file(reply, "model"), "plugin '" + id() + "' model");
    }

    private static void extraction(ObjectNode r, ExtractionChallenge ch) {
        ObjectNode shapes = r.putObject("protected");
        ch.protectedShapes().forEach((k, v) -> {
            var a = shapes.putArray(k);
            for (long d : v) {
                a.add(d);
            }
        });
        ObjectNode b = r.putObject("budgets");
        b.put("samples", ch.samples() == null ? -1 : ch.samples().remaining());
        b.put("queries", ch.hasApi() ? ch.api().remaining() : -1);
    }

    /** The oracles a turn may call. */
    private record Oracles(SampleOracle samples, QueryOracle api, AuxiliaryData data) {
    }

    private static Oracles oracles(ExtractionChallenge ch, AuxiliaryData data) {
        return ch == null ? new Oracles(null, null, data) : new Oracles(ch.samples(), ch.hasApi() ? ch.api() : null, null);
    }

    private interface Extra {
        void add(Plugins.Work work, ObjectNode request);
    }

    private interface Reader<T> {
        T read(PluginProcess p, JsonNode reply);
    }

    /** One turn: a process in a fresh work folder, its calls answered, its answer read before the folder goes. */
    private <T> T play(String game, Artifact artifact, Architecture architecture, Coins coins, Supplier<Network> released,
            Extra extra, Oracles oracles, Reader<T> read) {
        byte[] seed = new byte[32];
        coins.derive("plugin").nextBytes(seed);
        Coins drawCoins = coins.derive("plugin-samples");
        try (Plugins.Work work = Plugins.work(manifest); PluginProcess p = work.start()) {
            work.input("artifact.safetensors", f -> TensorFiles.writeArtifact(f, artifact, Map.of("wg.scheme", artifact.scheme())));
            ObjectNode r = p.request("play");
            r.put("game", game);
            r.set("params", PluginProcess.JSON.valueToTree(params));
            r.put("scheme", artifact.scheme());
            r.put("artifact", "artifact.safetensors");
            r.set("architecture", PluginProcess.JSON.valueToTree(architecture == null ? Map.of() : architecture.toMap()));
            r.put("coins", HexFormat.of().formatHex(seed));
            extra.add(work, r);
            Network[] model = new Network[1];
            JsonNode reply = p.call(r, call -> answer(p, call, oracles, drawCoins, () -> {
                if (model[0] == null) {
                    model[0] = released.get();
                }
                return model[0];
            }));
            return read.read(p, reply);
        }
    }

    private ObjectNode answer(PluginProcess p, JsonNode call, Oracles o, Coins drawCoins, Supplier<Network> released) {
        String op = call.path("op").asText("");
        ObjectNode ok = PluginProcess.JSON.createObjectNode();
        ok.put("ok", true);
        switch (op) {
            case "samples": {
                if (o.samples() == null) {
                    return PluginProcess.error("this game gives no sample oracle");
                }
                int n = call.path("n").asInt(-1);
                if (n < 1) {
                    return PluginProcess.error("'samples' needs \"n\" >= 1");
                }
                INDArray x = o.samples().draw(n, drawCoins);
                String name = p.names().name("samples");
                p.input(name, f -> TensorFiles.write(f, Map.of(), Map.of("samples", x)));
                ok.put("samples", name);
                return ok;
            }
            case "query":
            case "infer": {
                INDArray x = TensorFiles.tensor(TensorFiles.read(p.file(call, "inputs"), "plugin '" + id() + "' inputs"), "inputs",
                        "plugin '" + id() + "' inputs");
                INDArray y;
                if (op.equals("query")) {
                    if (o.api() == null) {
                        return PluginProcess.error("this scheme offers no query API");
                    }
                    y = o.api().query(x);
                } else {
                    y = released.get().forward(x);
                }
                String name = p.names().name("outputs");
                p.input(name, f -> TensorFiles.write(f, Map.of(), Map.of("outputs", y)));
                ok.put("outputs", name);
                return ok;
            }
            case "data": {
                if (o.data() == null) {
                    return PluginProcess.error("this game gives no auxiliary data");
                }
                JsonNode rows = call.path("rows");
                if (!rows.isArray()) {
                    return PluginProcess.error("'data' needs \"rows\", an array of row indices");
                }
                int[] idx = new int[rows.size()];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = rows.get(i).asInt(-1);
                }
                Dataset d = o.data().rows(idx);
                String name = p.names().name("data");
                p.input(name, f -> TensorFiles.writeData(f, d));
                ok.put("data", name);
                return ok;
            }
            default:
                return null;
        }
    }
}
