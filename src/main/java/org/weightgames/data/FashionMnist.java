package org.weightgames.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.GZIPInputStream;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.util.encoders.Hex;
import org.weightgames.core.WgException;
import org.weightgames.core.Nd;

/**
 * Fashion-MNIST from its IDX files (as Debian's package {@code dataset-fashion-mnist} installs them
 * under {@code /usr/share/datasets/fashion-mnist}, gzip-compressed or not). Pixels are scaled to
 * [0, 1]. Every header field is checked against the file before anything is allocated.
 */
public final class FashionMnist {
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    /** Overrides the directory, e.g. for a copy of the files elsewhere (the system property wins). */
    public static final String ENV = "WG_FASHION_MNIST";
    public static final String PROPERTY = "wg.fashion-mnist";
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;
    private static volatile DataSource cached;
    private static volatile Path cachedDir;

    private FashionMnist() {
    }

    public static Path defaultDirectory() {
        String dir = System.getProperty(PROPERTY, System.getenv(ENV));
        return Paths.get(dir != null && !dir.isBlank() ? dir : DEFAULT_DIR);
    }

    public static synchronized DataSource load(Path dir) {
        if (cached != null && dir.equals(cachedDir)) {
            return cached;
        }
        if (!Files.isDirectory(dir)) {
            throw new WgException("Fashion-MNIST not found: " + dir + " does not exist. Install it with "
                    + "'apt-get install dataset-fashion-mnist' (Debian), set " + ENV
                    + " to a folder holding its IDX files, or use --dataset synthetic");
        }
        SHA256Digest digest = new SHA256Digest();
        Dataset train = read(dir, "train", digest);
        Dataset test = read(dir, "t10k", digest);
        byte[] h = new byte[32];
        digest.doFinal(h, 0);
        cached = new DataSource("fashion-mnist", train, test, Hex.toHexString(h), "IDX files in " + dir);
        cachedDir = dir;
        return cached;
    }

    private static Dataset read(Path dir, String split, SHA256Digest digest) {
        Path images = find(dir, split + "-images-idx3-ubyte");
        Path labels = find(dir, split + "-labels-idx1-ubyte");
        byte[] img = bytes(images, digest);
        byte[] lab = bytes(labels, digest);
        ByteBuffer bi = ByteBuffer.wrap(img);
        ByteBuffer bl = ByteBuffer.wrap(lab);
        if (img.length < 16 || bi.getInt(0) != IMAGES_MAGIC) {
            throw corrupt(images, "it does not start with the IDX image magic number 0x00000803");
        }
        if (lab.length < 8 || bl.getInt(0) != LABELS_MAGIC) {
            throw corrupt(labels, "it does not start with the IDX label magic number 0x00000801");
        }
        int n = bi.getInt(4);
        int rows = bi.getInt(8);
        int cols = bi.getInt(12);
        if (n <= 0 || rows != 28 || cols != 28) {
            throw corrupt(images, "its header says " + n + " images of " + rows + "x" + cols + "; expected 28x28");
        }
        if ((long) n * rows * cols + 16 != img.length) {
            throw corrupt(images, "its header promises " + n + " images but the file holds " + (img.length - 16) + " pixel bytes");
        }
        if (bl.getInt(4) != n || lab.length != n + 8) {
            throw corrupt(labels, "it holds " + (lab.length - 8) + " labels for " + n + " images");
        }
        int d = rows * cols;
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (img[16 + i] & 0xFF) / 255.0;
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = lab[8 + i];
            if (y[i] < 0 || y[i] > 9) {
                throw corrupt(labels, "label " + i + " is " + y[i] + ", outside 0..9");
            }
        }
        return new Dataset(Nd.matrix(x, n, d), y, 10);
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new WgException("Fashion-MNIST is incomplete: " + dir.resolve(base + ".gz") + " is missing. Reinstall "
                + "with 'apt-get install --reinstall dataset-fashion-mnist' or use --dataset synthetic");
    }

    private static byte[] bytes(Path p, SHA256Digest digest) {
        try {
            byte[] raw = Files.readAllBytes(p);
            digest.update(raw, 0, raw.length);
            if (!p.getFileName().toString().endsWith(".gz")) {
                return raw;
            }
            try (InputStream in = new GZIPInputStream(new BufferedInputStream(new java.io.ByteArrayInputStream(raw)))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
                in.transferTo(out);
                return out.toByteArray();
            }
        } catch (IOException e) {
            throw corrupt(p, "it cannot be read (" + e.getMessage() + ")");
        }
    }

    private static WgException corrupt(Path p, String why) {
        return new WgException("Fashion-MNIST file " + p + " is not usable: " + why
                + ". Reinstall with 'apt-get install --reinstall dataset-fashion-mnist'");
    }
}
