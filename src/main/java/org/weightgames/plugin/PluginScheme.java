package org.weightgames.plugin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.data.Dataset;
import org.weightgames.game.Release;
import org.weightgames.game.ReleasesWeights;
import org.weightgames.game.Scheme;
import org.weightgames.game.Secret;
import org.weightgames.game.UsageControl;
import org.weightgames.model.Network;
import org.weightgames.schemes.taylormlp.TaylorLayout;

/**
 * A release scheme played by a plugin process (docs/plugins.md). {@link #release} hands the
 * process the original as a checkpoint, the calibration data and 32 bytes of the challenger's
 * coins, and reads back the artifact, the secret and the names of the protected tensors;
 * {@link #inference} is a network whose forward pass is the plugin's {@code infer} on the
 * artifact ({@link RemoteLayer}); {@link #restore} asks the plugin for the restored network. The
 * scheme is seen through the types its manifest declares ({@link #of}): a {@code layout} of
 * {@code taylormlp} or {@code weights} makes it a {@link TaylorLayout} or {@link ReleasesWeights}
 * scheme, {@code usage-control} a {@link UsageControl} one, so the built-in adversaries of those
 * types attack it.
 */
public class PluginScheme extends PluginComponent implements Scheme {
    PluginScheme(Manifest manifest) {
        super(manifest);
    }

    /** An uninitialised instance, of every type the manifest declares. */
    static Scheme of(Manifest m) {
        PluginScheme impl = new PluginScheme(m);
        List<Class<?>> types = new ArrayList<>(List.of(Scheme.class, Plugin.class));
        if (m.layout().equals("taylormlp")) {
            types.add(TaylorLayout.class);
        } else if (m.layout().equals("weights")) {
            types.add(ReleasesWeights.class);
        }
        if (m.usageControl()) {
            types.add(UsageControl.class);
        }
        return Proxies.of(impl, types, "plugin scheme " + m.id(), Scheme.class);
    }

    /** In the games its manifest names. */
    @Override
    public boolean playedIn(String definition) {
        return manifest.games().contains(definition);
    }

    @Override
    public Map<String, String> modelDefaults() {
        return manifest.model();
    }

    @Override
    public List<Map<String, Map<String, String>>> auditVariants(String definition) {
        return manifest.variants().getOrDefault(definition, List.of());
    }

    @Override
    public Optional<Path> claimsFile() {
        return manifest.hasClaims() ? Optional.of(manifest.file()) : Optional.empty();
    }

    @Override
    public Release release(Network original, Dataset calibration, Coins coins) {
        byte[] seed = new byte[32];
        coins.nextBytes(seed);
        try (Plugins.Work work = Plugins.work(manifest); PluginProcess p = work.start()) {
            work.input("model.safetensors", f -> TensorFiles.writeNetwork(f, original, null));
            work.input("calibration.safetensors", f -> TensorFiles.writeData(f, calibration));
            ObjectNode r = p.request("release");
            r.set("params", PluginProcess.JSON.valueToTree(params));
            r.put("model", "model.safetensors");
            r.put("calibration", "calibration.safetensors");
            r.put("coins", HexFormat.of().formatHex(seed));
            JsonNode reply = p.call(r, null);
            TensorFiles.Read art = TensorFiles.read(p.file(reply, "artifact"), "plugin '" + id() + "' artifact");
            TensorFiles.Read sec = TensorFiles.read(p.file(reply, "secret"), "plugin '" + id() + "' secret");
            Map<String, INDArray> secret = new LinkedHashMap<>();
            JsonNode names = reply.path("protected");
            if (!names.isArray() || names.isEmpty()) {
                throw p.fail("answered 'release' without \"protected\", the names of the tensors its secret protects");
            }
            for (JsonNode n : names) {
                INDArray t = sec.tensors().get(n.asText());
                if (t == null) {
                    throw p.fail("named the protected tensor '" + n.asText() + "', which its secret file does not hold");
                }
                secret.put(n.asText(), t);
            }
            Artifact artifact = new Artifact(id(), art.metadata(), art.tensors());
            if (manifest.layout().equals("taylormlp") && !"taylormlp".equals(artifact.metadata().get(TaylorLayout.LAYOUT))) {
                throw p.fail("declares the taylormlp layout but its artifact lacks the metadata layout=taylormlp");
            }
            Map<String, INDArray> truth = java.util.Collections.unmodifiableMap(secret);
            Secret s = () -> {
                Map<String, INDArray> c = new TreeMap<>();
                truth.forEach((k, v) -> c.put(k, v.dup()));
                return c;
            };
            return new Release(artifact, s);
        }
    }

    @Override
    public Network inference(Artifact artifact) {
        return Network.of(new RemoteLayer(manifest, params, artifact));
    }

    /** Asks the plugin to restore the original from artifact and secret (usage-control plugins). */
    @Override
    public Optional<Network> restore(Artifact artifact, Secret secret) {
        if (!manifest.usageControl()) {
            return Optional.empty();
        }
        try (Plugins.Work work = Plugins.work(manifest); PluginProcess p = work.start()) {
            work.input("artifact.safetensors", f -> TensorFiles.writeArtifact(f, artifact, Map.of()));
            work.input("secret.safetensors", f -> TensorFiles.write(f, Map.of(), secret.protectedParameters()));
            ObjectNode r = p.request("restore");
            r.set("params", PluginProcess.JSON.valueToTree(params));
            r.put("artifact", "artifact.safetensors");
            r.put("secret", "secret.safetensors");
            JsonNode reply = p.call(r, null);
            return Optional.of(TensorFiles.readNetwork(p.file(reply, "model"), "plugin '" + id() + "' restored model"));
        }
    }
}
