package org.weightgames.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.core.Coins;

/** The on-disk model cache: reuse, and rebuilding corrupt or stale entries instead of using them. */
class ModelCacheTest {
    @TempDir
    Path dir;

    private final AtomicInteger builds = new AtomicInteger();

    private Network build() {
        builds.incrementAndGet();
        return NeuronSurgeryTest.bnCnn(Coins.root(9));
    }

    @Test
    void anEntryIsReusedAcrossProcessesAndRebuiltWhenModified() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Network first = new ModelCache(dir, new PrintStream(log)).get("key-a", this::build);
        assertThat(builds).hasValue(1);
        // a second cache on the same directory (a later run) reads the file instead of training
        Network second = new ModelCache(dir, new PrintStream(log)).get("key-a", this::build);
        assertThat(builds).hasValue(1);
        NeuronSurgeryTest.assertSameState(first, second);

        Path file = new ModelCache(dir, null).file("key-a");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        Network third = new ModelCache(dir, new PrintStream(log)).get("key-a", this::build);
        assertThat(builds).hasValue(2);
        assertThat(log.toString()).contains("corrupt");
        NeuronSurgeryTest.assertSameState(first, third);
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".tmp")).count()).isZero();
        }
    }

    @Test
    void anEntryBuiltForAnotherKeyIsStale() throws Exception {
        ModelCache cache = new ModelCache(dir, null);
        cache.get("key-a", this::build);
        // simulate an entry whose file name matches but whose recorded configuration does not
        Files.copy(cache.file("key-a"), cache.file("key-b"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new ModelCache(dir, new PrintStream(log)).get("key-b", this::build);
        assertThat(builds).hasValue(2);
        assertThat(log.toString()).contains("stale");
    }
}
