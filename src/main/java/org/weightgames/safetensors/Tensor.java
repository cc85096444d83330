package org.weightgames.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Nd;
import org.weightgames.core.WgException;

/** A tensor of an open file, read on demand through read-only mappings. */
public final class Tensor {
    /** Bytes per mapping; a multiple of every element size so no element straddles two mappings. */
    static final long CHUNK = 1L << 30;

    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long elements;
    private final long start;
    private final FileChannel channel;
    private final String where;
    private final MappedByteBuffer[] maps;

    Tensor(String name, DType dtype, long[] shape, long elements, long start, FileChannel channel, String where) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape;
        this.elements = elements;
        this.start = start;
        this.channel = channel;
        this.where = where;
        long bytes = elements * dtype.size;
        this.maps = new MappedByteBuffer[(int) ((bytes + CHUNK - 1) / CHUNK)];
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long elements() {
        return elements;
    }

    /** Rows of a matrix (the first dimension), columns the product of the others. */
    public long rows() {
        return shape.length == 0 ? 1 : shape[0];
    }

    public long columns() {
        return shape.length == 0 ? 1 : elements / Math.max(1, shape[0]);
    }

    /** Checks the tensor holds floating-point numbers (weights), naming it when it holds integers. */
    public Tensor requireFloat() {
        if (!dtype.isFloat()) {
            throw new WgException(where + ": tensor '" + name + "' is " + dtype + " but must hold weights (F64, F32, F16, BF16"
                    + " or FP8); the checkpoint's tensor is not what its name says");
        }
        return this;
    }

    /** Checks the tensor is a [rows, cols] matrix. */
    public Tensor requireShape(long... want) {
        if (!Arrays.equals(shape, want)) {
            throw new WgException(where + ": tensor '" + name + "' has shape " + Arrays.toString(shape) + ", expected "
                    + Arrays.toString(want));
        }
        return this;
    }

    private synchronized MappedByteBuffer map(int chunk) {
        MappedByteBuffer m = maps[chunk];
        if (m == null) {
            long off = (long) chunk * CHUNK;
            long len = Math.min(CHUNK, elements * dtype.size - off);
            try {
                m = channel.map(FileChannel.MapMode.READ_ONLY, start + off, len);
            } catch (IOException e) {
                throw new WgException(where + ": cannot map tensor '" + name + "' (" + e.getMessage() + ")", e);
            }
            maps[chunk] = m;
        }
        return m;
    }

    private void check(long from, int len) {
        if (from < 0 || len < 0 || from + len > elements) {
            throw new IndexOutOfBoundsException("elements [" + from + ", " + (from + len) + ") of tensor '" + name + "' of "
                    + elements);
        }
    }

    /** One stretch of elements inside one mapping: the buffer positioned at its first byte. */
    interface Span {
        void accept(ByteBuffer b, int done, int n);
    }

    /** Visits elements {@code from .. from+len} mapping by mapping (an element never straddles two). */
    private void spans(long from, int len, Span span) {
        check(from, len);
        int done = 0;
        while (done < len) {
            long byteOff = (from + done) * dtype.size;
            int chunk = (int) (byteOff / CHUNK);
            ByteBuffer b = map(chunk).duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int pos = (int) (byteOff - (long) chunk * CHUNK);
            int n = (int) Math.min(len - done, (b.limit() - pos) / dtype.size);
            b.position(pos);
            span.accept(b, done, n);
            done += n;
        }
    }

    /** Reads elements {@code from .. from+len} (row-major) as floats. */
    public void read(long from, float[] dst, int off, int len) {
        spans(from, len, (b, done, n) -> Codec.decode(dtype, b, dst, off + done, n));
    }

    /** Reads elements {@code from .. from+len} (row-major) as doubles. */
    public void read(long from, double[] dst, int off, int len) {
        spans(from, len, (b, done, n) -> Codec.decode(dtype, b, dst, off + done, n));
    }

    /**
     * Every element of an integer or boolean tensor as longs: indices, positions, masks. A
     * floating-point tensor is refused (naming it), as is a U64 value above 2^63 - 1.
     */
    public long[] toLongs() {
        if (!dtype.isIntegral()) {
            throw new WgException(where + ": tensor '" + name + "' is " + dtype + ", not an integer tensor; indices must be stored"
                    + " as integers (e.g. I64, torch.long)");
        }
        if (elements > Integer.MAX_VALUE - 16) {
            throw new WgException(where + ": tensor '" + name + "' has " + elements + " elements, too many for one array");
        }
        long[] out = new long[(int) elements];
        spans(0, out.length, (b, done, n) -> {
            for (int i = 0; i < n; i++) {
                out[done + i] = Codec.integral(dtype, b, i);
                if (dtype == DType.U64 && out[done + i] < 0) {
                    throw new WgException(where + ": tensor '" + name + "' holds a U64 value above 2^63 - 1 at element " + (done + i));
                }
            }
        });
        return out;
    }

    /** Visits the raw little-endian bytes of elements {@code from .. from+len}, mapping by mapping. */
    void rawSpans(long from, int len, Span span) {
        spans(from, len, span);
    }

    /** Every element as doubles (for tensors of fewer than 2^31 elements). */
    public double[] toDoubles() {
        if (elements > Integer.MAX_VALUE - 16) {
            throw new WgException(where + ": tensor '" + name + "' has " + elements + " elements, too many for one array");
        }
        double[] d = new double[(int) elements];
        read(0, d, 0, d.length);
        return d;
    }

    /** The tensor as a double-precision ND4J array of its shape. */
    public INDArray toNd() {
        double[] d = toDoubles();
        if (shape.length == 1) {
            return Nd.vector(d);
        }
        if (shape.length == 2) {
            return Nd.matrix(d, shape[0], shape[1]);
        }
        return Nd.vector(d).reshape(shape);
    }
}
