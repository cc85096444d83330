package org.weightgames.safetensors;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.weightgames.core.WgException;

/**
 * A safetensors checkpoint (Hugging Face) open for reading: an 8-byte little-endian header length
 * n, n bytes of JSON mapping tensor names to {@code {"dtype", "shape", "data_offsets": [begin,
 * end]}} (plus an optional {@code "__metadata__"} object of strings), then the raw little-endian
 * tensor bytes. Supported dtypes: F64, F32, F16, BF16 ({@link DType}, converted by {@link Codec}).
 *
 * <p>Opening validates the header ({@link Header}) and maps nothing: a tensor's bytes are touched
 * only when read, through read-only mappings ({@link Tensor}). Files are written by {@link Writer}.
 * Reads of disjoint ranges may run on several threads at once.
 */
public final class Safetensors implements AutoCloseable {
    /** Largest header accepted, as the reference implementation: 100 MB. */
    public static final long MAX_HEADER = Header.MAX_HEADER;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, Tensor> tensors;

    private Safetensors(Path file, FileChannel channel, Header header) {
        this.file = file;
        this.channel = channel;
        this.dataStart = header.dataStart;
        this.metadata = header.metadata;
        this.tensors = header.tensors;
    }

    /** Opens and validates a safetensors file. */
    public static Safetensors open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new WgException(file + ": no such file; give the path of a .safetensors checkpoint");
        } catch (IOException e) {
            throw new WgException(file + ": cannot open (" + e.getMessage() + "); check the path and its permissions", e);
        }
        try {
            return new Safetensors(file, ch, Header.parse(file, ch));
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /**
     * Prefixes p, in header order, such that p + suffix and p + each companion are all tensors of
     * this file: how the blocks of a checkpoint are found by their tensor names.
     */
    public List<String> prefixes(String suffix, String... companions) {
        List<String> out = new ArrayList<>();
        for (String n : tensors.keySet()) {
            if (n.endsWith(suffix)) {
                String p = n.substring(0, n.length() - suffix.length());
                boolean all = true;
                for (String c : companions) {
                    all &= tensors.containsKey(p + c);
                }
                if (all) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new WgException(file + ": no tensor '" + name + "'; it holds " + abbreviate(tensors.keySet()));
        }
        return t;
    }

    /** The names, the first twelve and how many more: for error messages. */
    public static String abbreviate(Collection<String> names) {
        List<String> l = new ArrayList<>(names);
        return l.size() <= 12 ? l.toString() : l.subList(0, 12) + " and " + (l.size() - 12) + " more";
    }

    /** Offset of the first data byte (8 + header length). */
    public long dataStart() {
        return dataStart;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to flush on a read-only channel
        }
    }
}
