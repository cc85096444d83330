package org.weightgames.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.weightgames.core.WgException;
import org.weightgames.game.TrialRecord;

/**
 * The folder a finished {@code --shard i/n} run leaves: {@value #AUDIT} (the audit as canonical
 * JSON, its fingerprint, the shard) and {@value #TRIALS} (its journal: the fingerprint, then one
 * trial a line). {@link #merge} joins the folders of all shards into the trials of one run: it
 * refuses shards of another audit, accepts a trial that two shards hold with the same bytes, and
 * refuses one they hold with different bytes (the same trial must give the same record anywhere).
 */
public final class ShardFolder {
    public static final String AUDIT = "shard.json";
    public static final String TRIALS = "trials.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ShardFolder() {
    }

    /** Seals a finished shard's folder: its journal becomes {@value #TRIALS}, beside {@value #AUDIT}. */
    public static void seal(Path dir, FileJournal journal, AuditJob job, String fingerprint, Shard shard) {
        ObjectNode n = JSON.createObjectNode();
        n.put("shard", shard.toString());
        n.put("fingerprint", fingerprint);
        try {
            n.set("audit", JSON.readTree(job.json()));
            Path tmp = Files.createTempFile(dir, ".shard-", ".tmp");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n", StandardCharsets.UTF_8);
            journal.keep(dir.resolve(TRIALS));
            Files.move(tmp, dir.resolve(AUDIT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new WgException("cannot write " + dir.resolve(AUDIT) + " (" + e.getMessage() + "); choose another --out");
        }
    }

    /** Whether {@code dir} holds shard {@code shard} of the audit with {@code fingerprint}, finished. */
    public static boolean finished(Path dir, String fingerprint, Shard shard) {
        JsonNode head = read(dir.resolve(AUDIT), dir);
        return fingerprint.equals(head.path("fingerprint").asText()) && shard.toString().equals(head.path("shard").asText())
                && Files.isRegularFile(dir.resolve(TRIALS));
    }

    /** The trials of every shard folder, joined: the audit, its fingerprint, and per key (game#index) one record. */
    public record Merged(AuditJob job, String fingerprint, int shards, Map<String, TrialRecord> records) implements TrialJournal {
        @Override
        public TrialRecord get(String game, int index) {
            return records.get(FileJournal.key(game, index));
        }

        @Override
        public void put(String game, TrialRecord record) {
            throw new IllegalStateException("wg merge plays no trial");
        }
    }

    /** Reads and joins the shard folders. */
    public static Merged merge(List<Path> dirs) {
        if (dirs.isEmpty()) {
            throw new WgException("wg merge needs the folders of the shards' runs (./wg merge --out DIR SHARD_DIR...)");
        }
        String auditText = null;
        String fingerprint = null;
        int shards = 0;
        Map<String, String> texts = new TreeMap<>();
        Map<String, Path> from = new TreeMap<>();
        Map<String, TrialRecord> records = new LinkedHashMap<>();
        for (Path dir : dirs) {
            JsonNode head = read(dir.resolve(AUDIT), dir);
            String audit = head.path("audit").toString();
            if (auditText == null) {
                auditText = audit;
                fingerprint = head.path("fingerprint").asText();
                shards = Shard.parse(head.path("shard").asText()).count();
            } else if (!auditText.equals(audit) || !fingerprint.equals(head.path("fingerprint").asText())
                    || Shard.parse(head.path("shard").asText()).count() != shards) {
                throw new WgException(dir + " holds a shard of another audit than " + dirs.get(0) + " (other options, settings, data,"
                        + " version or shard count); merge the shards of one audit");
            }
            List<String> lines = lines(dir.resolve(TRIALS));
            if (lines.isEmpty() || !fingerprint.equals(parse(lines.get(0), dir, 1).path("fingerprint").asText())) {
                throw new WgException(dir.resolve(TRIALS) + " is not the journal of the audit in " + dir.resolve(AUDIT)
                        + "; rerun that shard into a fresh --out");
            }
            for (int i = 1; i < lines.size(); i++) {
                JsonNode n = parse(lines.get(i), dir, i + 1);
                String text = n.path("record").toString();
                String key = FileJournal.key(n.path("game").asText(), n.path("record").path("index").asInt());
                String seen = texts.putIfAbsent(key, text);
                if (seen == null) {
                    from.put(key, dir);
                    records.put(key, FileJournal.record(n.path("record")));
                } else if (!seen.equals(text)) {
                    throw new WgException("trial " + n.path("record").path("index").asInt() + " of " + n.path("game").asText()
                            + " differs between " + from.get(key) + " and " + dir + ": the same trial gave two records, so the"
                            + " runs were not the same (other code, data or machine libraries); rerun one of those shards");
                }
            }
        }
        return new Merged(AuditJob.parse(auditText, dirs.get(0).resolve(AUDIT).toString()), fingerprint, shards, records);
    }

    /** Refuses a merge that lacks a planned trial, naming the first missing one and the shard that plays it. */
    public static void checkComplete(Merged m, List<Audit.PlannedGame> plan, int trials) {
        int missing = 0;
        String first = null;
        for (int g = 0; g < plan.size(); g++) {
            for (int t = 0; t < trials; t++) {
                if (m.get(plan.get(g).spec().label(), t) == null) {
                    missing++;
                    if (first == null) {
                        first = "trial " + t + " of " + plan.get(g).spec().label() + " (played by shard "
                                + Shard.owner(g, t, trials, m.shards()) + ")";
                    }
                }
            }
        }
        if (missing > 0) {
            throw new WgException(missing + " planned trial" + (missing == 1 ? " is" : "s are") + " in no shard folder given, the"
                    + " first " + first + "; give every shard's folder, or finish that shard with --resume");
        }
    }

    private static JsonNode read(Path file, Path dir) {
        if (!Files.isRegularFile(file)) {
            boolean partial = Files.isDirectory(dir.resolve(".partial"));
            throw new WgException(dir + " is not the folder of a finished shard (no " + AUDIT + ")"
                    + (partial ? "; its run was interrupted: finish it with the same command and --resume" : "; give the --out"
                    + " folder of a ./wg audit --shard i/n run"));
        }
        List<String> lines = lines(file);
        return parse(String.join("\n", lines), dir, 1);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WgException("cannot read " + file + " (" + e.getMessage() + "); give the folder of a finished shard");
        }
    }

    private static JsonNode parse(String text, Path dir, int line) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException e) {
            // refused below
        }
        throw new WgException("a file of " + dir + " is damaged at line " + line + "; rerun that shard into a fresh --out");
    }
}
