package org.weightgames.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.cli.CliTest;

/** Three --shard i/3 runs joined by wg merge give the unsharded run's report.json; merge refuses what it cannot join. */
class ShardMergeTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] AUDIT = {"audit", "--scheme", "plain", "--definition", "ext-w", "--definition", "ind", "--trials", "5",
        "--seed", "3", "--no-timing", "--threads", "2"};

    @TempDir
    static Path tmp;

    static List<Path> shards = new ArrayList<>();




    @BeforeAll
    static void playShards() {
        for (int i = 1; i <= 3; i++) {
            Path dir = tmp.resolve("shard" + i);
            CliTest.ok(CliTest.with(AUDIT, "--shard", i + "/3", "--out", dir.toString()));
            shards.add(dir);
        }
    }

    @Test
    void mergedShardsGiveTheUnshardedReport() throws IOException {
        Path whole = tmp.resolve("whole");
        CliTest.ok(CliTest.with(AUDIT, "--out", whole.toString()));
        // the shards split the 10 trials 4/3/3, every shard with trials of both games
        List<Integer> counts = new ArrayList<>();
        for (Path s : shards) {
            assertThat(s.resolve("report.json")).doesNotExist();
            assertThat(s.resolve(".partial")).doesNotExist();
            List<String> lines = Files.readAllLines(s.resolve(ShardFolder.TRIALS));
            counts.add(lines.size() - 1);
            assertThat(lines.subList(1, lines.size())).anyMatch(l -> l.contains("plain/ext-w")).anyMatch(l -> l.contains("plain/ind"));
        }
        assertThat(counts).containsExactly(4, 3, 3);
        Path merged = tmp.resolve("merged");
        CliTest.ok("merge", "--no-timing", "--out", merged.toString(), shards.get(2).toString(), shards.get(0).toString(),
                shards.get(1).toString());
        assertThat(CliTest.reportWithoutTimestamp(merged)).isEqualTo(CliTest.reportWithoutTimestamp(whole));
        assertThat(merged.resolve("report.md")).exists();

        // a shard given twice (byte-identical duplicates) changes nothing
        Path twice = tmp.resolve("twice");
        CliTest.ok("merge", "--no-timing", "--out", twice.toString(), shards.get(0).toString(), shards.get(1).toString(),
                shards.get(0).toString(), shards.get(2).toString());
        assertThat(CliTest.reportWithoutTimestamp(twice)).isEqualTo(CliTest.reportWithoutTimestamp(whole));
    }

    @Test
    void aMissingShardIsRefusedNamingTheTrial() {
        Path out = tmp.resolve("missing");
        CliTest.Run r = CliTest.wg("merge", "--no-timing", "--out", out.toString(), shards.get(0).toString(), shards.get(2).toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("3 planned trials are in no shard folder given, the first trial 1 of plain/ext-w (played by shard 2/3)");
        assertThat(out.resolve("report.json")).doesNotExist();
    }

    @Test
    void aDifferingDuplicateIsRefusedNamingTheTrial() throws IOException {
        Path forged = tmp.resolve("forged");
        Files.createDirectories(forged);
        Files.copy(shards.get(1).resolve(ShardFolder.AUDIT), forged.resolve(ShardFolder.AUDIT));
        List<String> lines = new ArrayList<>(Files.readAllLines(shards.get(1).resolve(ShardFolder.TRIALS)));
        ObjectNode line = (ObjectNode) JSON.readTree(lines.get(2));
        ObjectNode outcome = (ObjectNode) line.path("record").path("outcomes").get(0);
        outcome.put("won", !outcome.path("won").asBoolean());
        lines.set(2, JSON.writeValueAsString(line));
        Files.write(forged.resolve(ShardFolder.TRIALS), lines);
        String trial = "trial " + line.path("record").path("index").asInt() + " of " + line.path("game").asText();

        Path out = tmp.resolve("differs");
        CliTest.Run r = CliTest.wg("merge", "--no-timing", "--out", out.toString(), shards.get(0).toString(), shards.get(1).toString(),
                forged.toString(), shards.get(2).toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains(trial + " differs between " + shards.get(1) + " and " + forged);
        assertThat(out.resolve("report.json")).doesNotExist();
    }

    @Test
    void shardsOfAnotherAuditAndUnfinishedShardsAreRefused() {
        Path other = tmp.resolve("other");
        CliTest.ok(CliTest.with(AUDIT, "--shard", "2/3", "--out", other.toString(), "--level", "0.9"));
        CliTest.Run r = CliTest.wg("merge", "--out", tmp.resolve("o1").toString(), shards.get(0).toString(), other.toString());
        assertThat(r.err()).contains(other + " holds a shard of another audit");
        CliTest.Run none = CliTest.wg("merge", "--out", tmp.resolve("o2").toString(), tmp.toString());
        assertThat(none.err()).contains("is not the folder of a finished shard");
    }

    @Test
    void sparkWithoutSparksJarsIsRefusedWithOneMessage() {
        // on the main job's class path, which has no Spark (-Dtest also runs this class in the spark-tests execution)
        boolean spark;
        try {
            Class.forName("org.apache.spark.network.TransportContext");
            spark = true;
        } catch (ClassNotFoundException e) {
            spark = false;
        }
        assumeFalse(spark, "Spark's jars are on this class path (the pom's spark-tests execution)");
        CliTest.Run r = CliTest.wg(CliTest.with(AUDIT, "--out", tmp.resolve("nospark").toString(), "--spark", "local[2]"));
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--spark needs Apache Spark's jars on the class path");
        assertThat(tmp.resolve("nospark")).doesNotExist();
        CliTest.Run conf = CliTest.wg(CliTest.with(AUDIT, "--out", tmp.resolve("noconf").toString(), "--spark-conf", "spark.executor.memory=1g"));
        assertThat(conf.err()).contains("--spark-conf is for --spark");
    }

    @Test
    void shardsNeedAFixedTrialCountAndAValidIndex() {
        CliTest.Run auto = CliTest.wg("audit", "--scheme", "plain", "--definition", "ext-w", "--shard", "1/2", "--out",
                tmp.resolve("auto").toString());
        assertThat(auto.err()).contains("--shard needs a fixed trial count");
        assertThat(tmp.resolve("auto")).doesNotExist();
        // a batch system's retry of a finished shard plays nothing; without --resume the folder is refused
        assertThat(CliTest.wg(CliTest.with(AUDIT, "--shard", "1/3", "--out", shards.get(0).toString())).err())
                .contains("already holds a finished shard");
        assertThat(CliTest.ok(CliTest.with(AUDIT, "--shard", "1/3", "--out", shards.get(0).toString(), "--resume")).out()).contains("already finished");
        assertThat(CliTest.wg(CliTest.with(AUDIT, "--shard", "2/3", "--out", shards.get(0).toString(), "--resume")).err())
                .contains("already holds a finished shard of another audit or shard");
        CliTest.Run bad = CliTest.wg(CliTest.with(AUDIT, "--shard", "4/3", "--out", tmp.resolve("bad").toString()));
        assertThat(bad.err()).contains("--shard must be i/n with 1 <= i <= n, got 4/3");
    }
}
