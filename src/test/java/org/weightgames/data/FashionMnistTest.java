package org.weightgames.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.core.WgException;

class FashionMnistTest {
    static void idx(Path file, int magic, int[] dims, byte[] payload, boolean gzip) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(payload);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(b.array());
        }
    }

    static void write(Path dir, String split, int n, boolean gzip) throws IOException {
        byte[] px = new byte[n * 784];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i % 256);
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
        }
        String ext = gzip ? ".gz" : "";
        idx(dir.resolve(split + "-images-idx3-ubyte" + ext), 0x803, new int[] {n, 28, 28}, px, gzip);
        idx(dir.resolve(split + "-labels-idx1-ubyte" + ext), 0x801, new int[] {n}, labels, gzip);
    }

    @Test
    void readsGzippedAndPlainIdxFiles(@TempDir Path dir) throws IOException {
        write(dir, "train", 12, true);
        write(dir, "t10k", 5, false);
        DataSource d = FashionMnist.load(dir);
        assertThat(d.train().size()).isEqualTo(12);
        assertThat(d.test().size()).isEqualTo(5);
        assertThat(d.train().dimension()).isEqualTo(784);
        assertThat(d.train().features().getDouble(0, 255)).isEqualTo(1.0);
        assertThat(d.train().features().getDouble(0, 1)).isEqualTo(1 / 255.0);
        assertThat(d.train().label(11)).isEqualTo(1);
        assertThat(d.sha256()).hasSize(64);
    }

    @Test
    void missingFolderNamesTheDebianPackage(@TempDir Path dir) {
        assertThatThrownBy(() -> FashionMnist.load(dir.resolve("absent"))).isInstanceOf(WgException.class)
                .hasMessageContaining("apt-get install dataset-fashion-mnist").hasMessageContaining("--dataset synthetic");
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) throws IOException {
        write(dir, "train", 3, true);
        assertThatThrownBy(() -> FashionMnist.load(dir)).isInstanceOf(WgException.class)
                .hasMessageContaining("t10k-images-idx3-ubyte.gz");
    }

    @Test
    void corruptHeadersAreRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        write(dir, "t10k", 4, true);
        idx(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, new int[] {1000, 28, 28}, new byte[784], true);
        idx(dir.resolve("train-labels-idx1-ubyte.gz"), 0x801, new int[] {1000}, new byte[1000], true);
        assertThatThrownBy(() -> FashionMnist.load(dir)).isInstanceOf(WgException.class)
                .hasMessageContaining("train-images-idx3-ubyte.gz").hasMessageContaining("promises 1000 images");
        idx(dir.resolve("train-images-idx3-ubyte.gz"), 0x802, new int[] {1, 28, 28}, new byte[784], true);
        assertThatThrownBy(() -> FashionMnist.load(dir)).isInstanceOf(WgException.class).hasMessageContaining("magic");
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> FashionMnist.load(dir)).isInstanceOf(WgException.class).hasMessageContaining("cannot be read");
    }

    /** The real files, where Debian's package is installed (CI installs it). */
    @Test
    void realFashionMnistHasTheKnownShape() {
        assumeTrue(Files.isDirectory(Path.of(FashionMnist.DEFAULT_DIR)), "dataset-fashion-mnist is not installed");
        DataSource d = FashionMnist.load(Path.of(FashionMnist.DEFAULT_DIR));
        assertThat(d.train().size()).isEqualTo(60000);
        assertThat(d.test().size()).isEqualTo(10000);
        int[] counts = new int[10];
        for (int y : d.test().labels()) {
            counts[y]++;
        }
        assertThat(counts).containsOnly(1000);
    }
}
