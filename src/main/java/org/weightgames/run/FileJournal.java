package org.weightgames.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.weightgames.game.Outcome;
import org.weightgames.game.TrialRecord;
import org.weightgames.core.WgException;

/**
 * The trials an audit has finished, one JSON line each in {@code <out>/.partial/trials.jsonl},
 * written and flushed as each trial ends, under a first line that fingerprints the run (seed,
 * selection, settings, data, version). After a kill, {@code --resume} reads them back (a torn last
 * line is dropped) and plays only the rest; since every trial depends on the seed and its index
 * only, the resumed report is the report of an uninterrupted run. Numbers are stored as Java's
 * shortest exact decimal strings, so they come back bit for bit. The folder is deleted once the
 * report is written.
 */
public final class FileJournal implements TrialJournal, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path file;
    private final Map<String, TrialRecord> known = new ConcurrentHashMap<>();
    private final BufferedWriter out;
    private final boolean createdOut;

    /** Opens the journal of the run in {@code outDir}; {@code resume} reads the trials a killed run left. */
    public FileJournal(Path outDir, String fingerprint, boolean resume) {
        this.dir = outDir.resolve(".partial");
        this.file = dir.resolve("trials.jsonl");
        this.createdOut = !Files.exists(outDir);
        try {
            if (Files.exists(file)) {
                if (!resume) {
                    throw new WgException(outDir + " holds an interrupted run (" + file + "); resume it with --resume, or choose"
                            + " another --out");
                }
                load(fingerprint);
            } else {
                Files.createDirectories(dir);
                Files.writeString(file, JSON.writeValueAsString(JSON.createObjectNode().put("fingerprint", fingerprint)) + "\n");
            }
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new WgException("cannot keep the trial journal in " + dir + " (" + e.getMessage() + "); choose another --out");
        }
    }

    /** How many finished trials were read back. */
    public int resumed() {
        return known.size();
    }

    private void load(String fingerprint) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        JsonNode head = lines.isEmpty() ? null : parse(lines.get(0));
        if (head == null || !fingerprint.equals(head.path("fingerprint").asText())) {
            throw new WgException("the interrupted run in " + dir.getParent() + " was started with other options, settings, data or"
                    + " tool version; resume it with the same command, or choose another --out");
        }
        // keep the intact lines, so appends after a torn tail start on a fresh line
        StringBuilder intact = new StringBuilder(lines.get(0)).append('\n');
        for (int i = 1; i < lines.size(); i++) {
            JsonNode n = parse(lines.get(i));
            if (n == null) {
                if (i == lines.size() - 1) {
                    break; // the line being written when the run was killed
                }
                throw new WgException(file + ", line " + (i + 1) + " is damaged; delete " + dir + " to start the run afresh");
            }
            known.put(key(n.path("game").asText(), n.path("record").path("index").asInt()), record(n.path("record")));
            intact.append(lines.get(i)).append('\n');
        }
        Path tmp = Files.createTempFile(dir, ".trials-", ".tmp");
        Files.writeString(tmp, intact.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static JsonNode parse(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A trial's key in a journal: its game and its index (also the key a merge of shards' journals joins on). */
    static String key(String game, int index) {
        return game + "#" + index;
    }

    @Override
    public TrialRecord get(String game, int index) {
        return known.get(key(game, index));
    }

    @Override
    public synchronized void put(String game, TrialRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("game", game);
        n.set("record", json(r));
        try {
            out.write(JSON.writeValueAsString(n));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new WgException("cannot append to the trial journal " + file + " (" + e.getMessage() + ")");
        }
        known.put(key(game, r.index()), r);
    }

    /** The run finished and its report is written: the journal goes. */
    public void finish() {
        close();
        delete();
    }

    /** A shard's run finished: its journal becomes {@code target}, the shard's trials for {@code wg merge}. */
    public void keep(Path target) {
        close();
        try {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new WgException("cannot move the trial journal " + file + " to " + target + " (" + e.getMessage() + ")");
        }
        delete();
    }

    /** The run failed on bad input: nothing of it stays behind. */
    public void discard() {
        close();
        delete();
        if (createdOut) {
            try {
                Files.deleteIfExists(dir.getParent());
            } catch (IOException e) {
                // not empty: something else is there, leave it
            }
        }
    }

    private void delete() {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new WgException("cannot remove the trial journal " + dir + " (" + e.getMessage() + ")");
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            // nothing left to save
        }
    }

    static ObjectNode json(TrialRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("index", r.index());
        ArrayNode a = n.putArray("artifacts");
        r.artifactHashes().forEach(a::add);
        n.set("challenger", numbers(r.challengerMeasures()));
        ArrayNode o = n.putArray("outcomes");
        for (Outcome x : r.outcomes()) {
            ObjectNode e = o.addObject();
            e.put("won", x.won());
            e.put("failure", x.failure());
            e.set("measures", numbers(x.measures()));
        }
        return n;
    }

    static TrialRecord record(JsonNode n) {
        List<String> hashes = new ArrayList<>();
        n.path("artifacts").forEach(h -> hashes.add(h.asText()));
        List<Outcome> outcomes = new ArrayList<>();
        for (JsonNode e : n.path("outcomes")) {
            outcomes.add(new Outcome(e.path("won").asBoolean(), numbers(e.path("measures")),
                    e.path("failure").isNull() ? null : e.path("failure").asText()));
        }
        return new TrialRecord(n.path("index").asInt(), hashes, numbers(n.path("challenger")), outcomes);
    }

    private static ObjectNode numbers(Map<String, Double> m) {
        ObjectNode n = JSON.createObjectNode();
        m.forEach((k, v) -> n.put(k, Double.toString(v)));
        return n;
    }

    private static Map<String, Double> numbers(JsonNode n) {
        Map<String, Double> m = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), Double.parseDouble(e.getValue().asText()));
        }
        return m;
    }
}
