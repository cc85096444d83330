package org.weightgames.run;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.weightgames.game.TrialRecord;

/**
 * A trial's record as canonical JSON, the form in which it crosses from an executor to the driver
 * and is journaled: numbers as Java's shortest exact decimal strings, so a record read back is the
 * record written, bit for bit, and two runs of the same trial give the same bytes.
 */
public final class TrialRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrialRecords() {
    }

    public static String json(TrialRecord r) {
        try {
            return JSON.writeValueAsString(FileJournal.json(r));
        } catch (IOException e) {
            throw new IllegalStateException("a trial record could not be written as JSON", e);
        }
    }

    public static TrialRecord parse(String json) {
        try {
            return FileJournal.record(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalStateException("a trial record came back damaged: " + json, e);
        }
    }
}
