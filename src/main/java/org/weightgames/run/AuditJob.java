package org.weightgames.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.weightgames.core.Nd;
import org.weightgames.core.WgException;
import org.weightgames.data.DataSource;
import org.weightgames.model.Datasets;
import org.weightgames.plugin.Plugins;

/**
 * An audit as canonical JSON: everything that decides its plan and its trials (the selection, trial
 * count, seed, data set, settings, level, sequential mode, replay flags, plugin folders), with keys
 * in a fixed order, and nothing that does not (thread count, executor, output folder). Spark's
 * executors rebuild the audit from it, once per JVM; a shard folder keeps it, and {@code wg merge}
 * rebuilds the audit from it to summarise the shards' trials.
 */
public record AuditJob(Audit.Config config, List<String> plugins) {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** An audit rebuilt from its JSON: its plan, its data, the fingerprint of the plan. */
    public record Planned(Audit audit, DataSource data, List<Audit.PlannedGame> plan, String fingerprint) {
        /** The planned game labelled {@code label}. */
        public GameSpec spec(String label) {
            for (Audit.PlannedGame g : plan) {
                if (g.spec().label().equals(label)) {
                    return g.spec();
                }
            }
            throw new WgException("the audit rebuilt here plans no game " + label + "; run the same WeightGames version everywhere");
        }
    }

    private static final Map<String, Planned> REBUILT = new ConcurrentHashMap<>();

    public AuditJob {
        plugins = List.copyOf(plugins);
    }

    /** The canonical JSON text. */
    public String json() {
        ObjectNode n = JSON.createObjectNode();
        strings(n.putArray("schemes"), config.schemes());
        strings(n.putArray("definitions"), config.definitions());
        strings(n.putArray("adversaries"), config.adversaries());
        n.put("trials", config.trials());
        n.put("seed", config.seed());
        n.put("dataset", config.dataset());
        ObjectNode settings = n.putObject("settings");
        new TreeMap<>(config.settings()).forEach((c, m) -> {
            ObjectNode o = settings.putObject(c);
            new TreeMap<>(m).forEach(o::put);
        });
        n.put("level", Double.toString(config.level()));
        n.put("targetWidth", Double.toString(config.targetWidth()));
        n.put("maxTrials", config.maxTrials());
        strings(n.putArray("replayFlags"), config.replayFlags());
        strings(n.putArray("plugins"), plugins);
        try {
            return JSON.writeValueAsString(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the JSON {@link #json()} wrote; {@code where} names its file in the error. */
    public static AuditJob parse(String json, String where) {
        try {
            JsonNode n = JSON.readTree(json);
            Map<String, Map<String, String>> settings = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = n.path("settings").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> c = it.next();
                Map<String, String> m = new TreeMap<>();
                c.getValue().fields().forEachRemaining(kv -> m.put(kv.getKey(), kv.getValue().asText()));
                settings.put(c.getKey(), m);
            }
            if (!n.has("seed") || !n.has("trials") || !n.has("dataset")) {
                throw new IOException("seed, trials or dataset missing");
            }
            Audit.Config c = new Audit.Config(strings(n.path("schemes")), strings(n.path("definitions")),
                    strings(n.path("adversaries")), n.path("trials").asInt(), n.path("seed").asLong(), n.path("dataset").asText(),
                    settings, Double.parseDouble(n.path("level").asText()), 1, Double.parseDouble(n.path("targetWidth").asText()),
                    n.path("maxTrials").asInt(), strings(n.path("replayFlags")));
            return new AuditJob(c, strings(n.path("plugins")));
        } catch (IOException | RuntimeException e) {
            throw new WgException(where + " does not hold an audit WeightGames wrote (" + e.getMessage() + "); give the folder of a"
                    + " finished --shard run");
        }
    }

    /** Installs the plugins, loads the data and plans the audit, with {@code threads} for its thread pool. */
    public Planned plan(int threads) {
        List<Path> folders = new ArrayList<>();
        plugins.forEach(p -> folders.add(Path.of(p)));
        if (!folders.isEmpty()) {
            Plugins.install(folders, config.settings());
        }
        Nd.init();
        Audit.Config c = new Audit.Config(config.schemes(), config.definitions(), config.adversaries(), config.trials(), config.seed(),
                config.dataset(), config.settings(), config.level(), threads, config.targetWidth(), config.maxTrials(),
                config.replayFlags());
        Audit audit = new Audit(c, null);
        DataSource data = Datasets.load(config.dataset(), config.settings().getOrDefault("model", Map.of()));
        List<Audit.PlannedGame> plan = audit.plan(data);
        return new Planned(audit, data, plan, audit.fingerprint(plan));
    }

    /**
     * On an executor: trial {@code index} of game {@code label} of the audit in {@code json}, as
     * canonical JSON. The audit is rebuilt once per JVM (and ND4J initialised once), and refused
     * when its fingerprint is not the driver's (another WeightGames version or data on this machine).
     */
    public static String playRemote(String json, String fingerprint, String label, int index) {
        Planned p = REBUILT.computeIfAbsent(json, j -> parse(j, "the audit sent to this executor").plan(1));
        if (!p.fingerprint().equals(fingerprint)) {
            throw new WgException("the audit rebuilt on this executor differs from the driver's (another WeightGames version, data"
                    + " or plugins here); give every machine the same jar and files");
        }
        GameSpec spec = p.spec(label);
        return TrialRecords.json(TrialRunner.play(spec, Seeds.game(p.audit().config().seed(), spec), index));
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }
}
