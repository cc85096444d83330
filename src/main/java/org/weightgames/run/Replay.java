package org.weightgames.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.weightgames.data.DataSource;
import org.weightgames.game.Provenance;
import org.weightgames.model.Datasets;
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

    @SuppressWarnings("unchecked")
    public static Result run(Path report, int resultIndex, int trial) {
        Map<String, Object> root;
        try {
            Object parsed = new ObjectMapper().readValue(Files.readString(report), Object.class);
            if (!(parsed instanceof Map)) {
                throw new WgException(report + " is not a JSON object; give the path of a WeightGames report.json");
            }
            root = (Map<String, Object>) parsed;
        } catch (IOException e) {
            throw new WgException("cannot read report " + report + ": " + e.getMessage() + "; give the path of a report.json");
        }
        Object results = root.get("results");
        if (!(results instanceof List) || ((List<?>) results).isEmpty()) {
            throw new WgException(report + " has no results to replay; is it a WeightGames report.json?");
        }
        List<?> list = (List<?>) results;
        if (resultIndex < 0 || resultIndex >= list.size()) {
            throw new WgException(report + " has results 0.." + (list.size() - 1) + "; --result " + resultIndex + " is not one");
        }
        if (!(list.get(resultIndex) instanceof Map)) {
            throw new WgException(report + ": result " + resultIndex + " is not an object; is it a WeightGames report.json?");
        }
        Map<String, Object> r = (Map<String, Object>) list.get(resultIndex);
        Provenance prov = Provenance.read(report.toString(), root, r);
        if (trial < 0 || trial >= prov.trials()) {
            throw new WgException(report + ": result " + resultIndex + " has trials 0.." + (prov.trials() - 1) + "; --trial " + trial
                    + " is not one");
        }
        String adversary = String.valueOf(r.get("adversary"));
        Map<String, Map<String, String>> settings = prov.settingsFor(adversary);
        DataSource data = Datasets.load(prov.dataset(), settings.get("model"));
        if (!data.sha256().equals(prov.datasetSha256())) {
            throw new WgException("the data set " + data.name() + " here (sha256 " + data.sha256() + ") is not the one the report used ("
                    + prov.datasetSha256() + "); replay on the same data");
        }
        GameSpec spec = GameSpec.against(prov.scheme(), prov.definition(), adversary, settings, data, prov.variant());
        TrialRecord record = TrialRunner.play(spec, Seeds.game(prov.seed(), spec), trial);
        return new Result(prov.scheme() + "/" + prov.definition() + " vs " + adversary, trial, prov.artifactHashes().get(trial),
                record, record.outcomes().get(0));
    }
}
