package org.weightgames.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.weightgames.data.DataSource;
import org.weightgames.game.Outcome;
import org.weightgames.game.TrialRecord;
import org.weightgames.core.WgException;

/**
 * Replays one trial of a result in a report.json, alone, from the seed, the trial index and the
 * parameters the report recorded as used (defaults included, so later changes of defaults do not
 * change the replay), and checks the released artifact's hash against the recorded one.
 */
public final class Replay {
    /** The replayed trial and whether it reproduced the recorded artifact. */
    public record Result(String game, int trial, String expectedHash, TrialRecord record, Outcome outcome) {
        public boolean matches() {
            return record.artifactHashes().get(0).equals(expectedHash);
        }
    }

    private Replay() {
    }

    public static Result run(Path report, int resultIndex, int trial) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(report));
        } catch (IOException e) {
            throw new WgException("cannot read report " + report + ": " + e.getMessage() + "; give the path of a report.json");
        }
        JsonNode results = root.path("results");
        if (!results.isArray() || results.size() == 0) {
            throw new WgException(report + " has no results to replay; is it a WeightGames report.json?");
        }
        if (resultIndex < 0 || resultIndex >= results.size()) {
            throw new WgException(report + " has results 0.." + (results.size() - 1) + "; --result " + resultIndex + " is not one");
        }
        JsonNode r = results.get(resultIndex);
        JsonNode prov = r.path("provenance");
        JsonNode hashes = prov.path("artifact_sha256");
        if (trial < 0 || trial >= hashes.size()) {
            throw new WgException(report + ": result " + resultIndex + " has trials 0.." + (hashes.size() - 1) + "; --trial " + trial
                    + " is not one");
        }
        String scheme = r.path("scheme").asText();
        String definition = r.path("definition").asText();
        String adversary = r.path("adversary").asText();
        Map<String, Map<String, String>> settings = new TreeMap<>();
        JsonNode params = prov.path("parameters");
        settings.put(scheme, strings(params.path("scheme")));
        settings.put(definition, strings(params.path("definition")));
        settings.put(adversary, strings(params.path("adversary")));
        settings.put("model", strings(params.path("model")));
        if (params.has(org.weightgames.isolation.Isolation.COMPONENT)) {
            settings.put(org.weightgames.isolation.Isolation.COMPONENT, strings(params.path(org.weightgames.isolation.Isolation.COMPONENT)));
        }
        DataSource data = org.weightgames.model.Datasets.load(root.path("dataset").path("name").asText(), settings.get("model"));
        String recorded = root.path("dataset").path("sha256").asText();
        if (!data.sha256().equals(recorded)) {
            throw new WgException("the data set " + data.name() + " here (sha256 " + data.sha256() + ") is not the one the report used ("
                    + recorded + "); replay on the same data");
        }
        GameSpec spec = GameSpec.against(scheme, definition, adversary, settings, data, r.path("variant").asText(""));
        long seed = prov.path("seed").asLong();
        TrialRecord record = TrialRunner.play(spec, spec.coins(seed), trial);
        return new Result(scheme + "/" + definition + " vs " + adversary, trial, hashes.get(trial).asText(), record,
                record.outcomes().get(0));
    }

    private static Map<String, String> strings(JsonNode n) {
        Map<String, String> m = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }
}
