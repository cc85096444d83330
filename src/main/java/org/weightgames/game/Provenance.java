package org.weightgames.game;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.weightgames.core.WgException;

/**
 * What produced one game's result, and all a replay needs: the run seed and the coins' derivation
 * path, the hash of the definition's text, every role's parameters as used (defaults included),
 * the isolation settings, the data set, each trial's released artifact hash, the tool's versions,
 * and the flags that rebuild the same settings on the command line. Built once per game when the
 * audit is planned ({@link #withArtifacts} adds the hashes once it is played); written by
 * {@link #toMap} into each result of report.json and read back from it by {@link #read}, so the
 * two cannot drift apart.
 */
public record Provenance(long seed, String coins, String definitionSha256, String scheme, String definition, String variant,
        Map<String, String> schemeParameters, Map<String, String> definitionParameters,
        Map<String, Map<String, String>> adversaryParameters, Map<String, String> modelParameters,
        Map<String, String> isolation, String dataset, String datasetSha256, List<String> artifactHashes,
        Map<String, String> versions, List<String> replayFlags) {

    /** The settings component under which isolation settings are recorded. */
    public static final String ISOLATION = "isolation";

    public Provenance {
        schemeParameters = sorted(schemeParameters);
        definitionParameters = sorted(definitionParameters);
        Map<String, Map<String, String>> adv = new LinkedHashMap<>();
        adversaryParameters.forEach((k, v) -> adv.put(k, sorted(v)));
        adversaryParameters = Collections.unmodifiableMap(adv);
        modelParameters = sorted(modelParameters);
        isolation = isolation == null ? null : sorted(isolation);
        artifactHashes = List.copyOf(artifactHashes);
        versions = sorted(versions);
        replayFlags = List.copyOf(replayFlags);
        variant = variant == null ? "" : variant;
    }

    private static Map<String, String> sorted(Map<String, String> m) {
        return Collections.unmodifiableMap(new TreeMap<>(m));
    }

    /** The same provenance with the artifact hashes of the trials played. */
    public Provenance withArtifacts(List<String> hashes) {
        return new Provenance(seed, coins, definitionSha256, scheme, definition, variant, schemeParameters,
                definitionParameters, adversaryParameters, modelParameters, isolation, dataset, datasetSha256, hashes,
                versions, replayFlags);
    }

    /**
     * What decides this game's trials, as text: everything but the artifact hashes (the outcome)
     * and the replay flags (how the command line spelled the settings). Equal for a run and its resume.
     */
    public String identity() {
        return new Provenance(seed, coins, definitionSha256, scheme, definition, variant, schemeParameters, definitionParameters,
                adversaryParameters, modelParameters, isolation, dataset, datasetSha256, List.of(), versions, List.of()).toString();
    }

    /** The trials recorded (one artifact hash each). */
    public int trials() {
        return artifactHashes.size();
    }

    /**
     * The settings that rebuild this game for one adversary: each role's parameters as used,
     * keyed by component as {@code --set component.key=value} would give them.
     */
    public Map<String, Map<String, String>> settingsFor(String adversary) {
        Map<String, Map<String, String>> s = new TreeMap<>();
        s.put(scheme, schemeParameters);
        s.put(definition, definitionParameters);
        s.put(adversary, parametersOf(adversary));
        s.put("model", modelParameters);
        if (isolation != null) {
            s.put(ISOLATION, isolation);
        }
        return s;
    }

    private Map<String, String> parametersOf(String adversary) {
        Map<String, String> p = adversaryParameters.get(adversary);
        if (p == null) {
            throw new WgException("no adversary '" + adversary + "' played " + scheme + "/" + definition);
        }
        return p;
    }

    /** The command that replays exactly this result for {@code adversary}. */
    public String replayCommand(String adversary) {
        StringBuilder sb = new StringBuilder("./wg audit --scheme ").append(scheme).append(" --definition ").append(definition)
                .append(" --adversary ").append(adversary).append(" --trials ").append(trials()).append(" --seed ").append(seed)
                .append(" --dataset ").append(dataset);
        if (!variant.isEmpty()) {
            for (String kv : variant.split(",")) {
                sb.append(" --set ").append(kv);
            }
        }
        for (String f : replayFlags) {
            sb.append(' ').append(f);
        }
        return sb.toString();
    }

    /** The {@code provenance} object of one result of report.json (keys in the order written). */
    public Map<String, Object> toMap(String adversary) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("seed", seed);
        p.put("coins", coins);
        p.put("definition_sha256", definitionSha256);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("scheme", schemeParameters);
        params.put("definition", definitionParameters);
        params.put("adversary", parametersOf(adversary));
        params.put("model", modelParameters);
        if (isolation != null) {
            // an isolated adversary draws its coins differently: a replay must isolate it too
            params.put(ISOLATION, isolation);
        }
        p.put("parameters", params);
        p.put("artifact_sha256", new ArrayList<>(artifactHashes));
        p.put("replay", replayCommand(adversary));
        return p;
    }

    /**
     * Reads back what {@link #toMap} wrote for one result of a report (with the report's top-level
     * {@code dataset} and {@code versions}); the result's adversary is the only adversary in it.
     *
     * @param where the report's name, for messages
     */
    public static Provenance read(String where, Map<String, Object> report, Map<String, Object> result) {
        Map<String, Object> p = object(where, result, "provenance");
        Map<String, Object> params = object(where, p, "parameters");
        Map<String, Object> data = object(where, report, "dataset");
        String adversary = text(where, result, "adversary");
        Object seed = p.get("seed");
        if (!(seed instanceof Number)) {
            throw new WgException(where + ": a result's provenance has no numeric seed; is it a WeightGames report.json?");
        }
        List<String> hashes = new ArrayList<>();
        Object h = p.get("artifact_sha256");
        if (!(h instanceof List)) {
            throw new WgException(where + ": a result's provenance has no artifact_sha256 list");
        }
        for (Object o : (List<?>) h) {
            hashes.add(String.valueOf(o));
        }
        Map<String, Object> versions = report.get("versions") instanceof Map ? object(where, report, "versions") : Map.of();
        Object variant = result.get("variant");
        return new Provenance(((Number) seed).longValue(), String.valueOf(p.get("coins")),
                p.get("definition_sha256") == null ? null : String.valueOf(p.get("definition_sha256")), text(where, result, "scheme"),
                text(where, result, "definition"), variant == null ? "" : String.valueOf(variant), strings(where, params, "scheme"),
                strings(where, params, "definition"), Map.of(adversary, strings(where, params, "adversary")),
                strings(where, params, "model"), params.containsKey(ISOLATION) ? strings(where, params, ISOLATION) : null,
                text(where, data, "name"), text(where, data, "sha256"), hashes, stringsOf(versions), List.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String where, Map<String, Object> m, String key) {
        Object o = m.get(key);
        if (!(o instanceof Map)) {
            throw new WgException(where + ": '" + key + "' is missing or not an object; is it a WeightGames report.json?");
        }
        return (Map<String, Object>) o;
    }

    private static String text(String where, Map<String, Object> m, String key) {
        Object o = m.get(key);
        if (o == null || o instanceof Map || o instanceof List) {
            throw new WgException(where + ": '" + key + "' is missing or not a value; is it a WeightGames report.json?");
        }
        return String.valueOf(o);
    }

    private static Map<String, String> strings(String where, Map<String, Object> m, String key) {
        return stringsOf(object(where, m, key));
    }

    private static Map<String, String> stringsOf(Map<String, Object> m) {
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }
}
