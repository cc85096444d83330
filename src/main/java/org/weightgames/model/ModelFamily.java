package org.weightgames.model;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.weightgames.data.DataSource;
import org.weightgames.data.Dataset;
import org.weightgames.data.SyntheticData;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.core.WgException;

/**
 * The distribution the challenger draws original models from: an architecture and a training
 * recipe (seeded initialisation, then Adam on cross-entropy over batches drawn from coins). The
 * architecture is public; the drawn weights are the secret.
 *
 * <p>Architectures ({@code --set model.arch=...}):
 * <ul>
 * <li>{@code block} (default): one MLP block, plain or SwiGLU, from the data's inputs to its class
 * logits. Parameters {@code block} mlp|swiglu (mlp), {@code activation} silu|gelu|gelu-tanh|relu for mlp (silu|gelu|gelu-tanh for swiglu: GeGLU with a GELU)
 * (silu), {@code hidden} (64), {@code steps} (150), {@code lr} (0.002), {@code batch} (128),
 * {@code weight-decay} (0.01, decoupled), {@code init-scale} (0.5: V starts at N(0, init-scale^2 /
 * inputs), which keeps pre-activation ranges near those of LLM MLPs). {@code range-median} and
 * {@code range-sigma} (0.47), given only for a calibration geometry: after training each gate
 * row is rescaled so that its pre-activation ranges on the training data are log-normal with that
 * median and spread ({@link CalibrationGeometry}; Llama-3-8B's layer 0 has median 1.8, layer 31 6.5).</li>
 * <li>{@code bn-mlp}: dense, batch norm, ReLU per hidden layer of {@code widths} (256,128), then a
 * dense classifier: the 784-256-128-10 network of CoreLocker's games.</li>
 * <li>{@code file}: the one block of a user's safetensors checkpoint ({@code file}, {@code prefix},
 * {@code activation} for plain fc1/fc2 blocks (gelu)); see {@link Checkpoint}. What {@code --model} sets.</li>
 * <li>{@code bn-cnn}: per entry of {@code channels} (16,32) a 3x3 convolution, BatchNorm2d, ReLU and
 * 2x2 max pooling, then a dense classifier; needs square one-channel images (Fashion-MNIST).</li>
 * <li>{@code slim-mlp}: bn-mlp's layout, deeper ({@code widths} 512,256,256,256,256), trained the
 * Network Slimming way (Liu et al., ICCV 2017), as the networks CoreLocker's demo locks: batch-norm
 * scales initialised to {@code gamma-init} 0.5, SGD ({@code momentum} 0.9, {@code lr} 0.1,
 * {@code weight-decay} 1e-4 as L2), the rate times {@code lr-decay} 0.1 at {@code milestones} 8,12
 * of 15 {@code epochs}, and the sparsity term {@code sparsity} lambda 5e-3 (Network Slimming uses 1e-4 to 1e-5 on CIFAR;
 * on Fashion-MNIST 2e-3 leaves f^alpha at 0.19 at alpha 2%, 5e-3 at chance) added as lambda sign(gamma)
 * to every scale's gradient. On the embedded synthetic data (32 features, 6000 rows: ten times fewer
 * steps per epoch than Fashion-MNIST) its small counterpart: widths 128,64,64,64,64 and lambda 0.02.</li>
 * </ul>
 * Batch-normalised networks train for {@code epochs} (bn-mlp 8, bn-cnn 4) with {@code lr} (0.001),
 * {@code batch} (128), {@code weight-decay} (0); {@code optimizer} (adam|sgd), {@code momentum},
 * {@code milestones}, {@code lr-decay}, {@code sparsity} and {@code gamma-init} are read for bn-mlp
 * and bn-cnn only when given ({@link Slimming}).
 *
 * <p>{@code pool} (0 for block, 1 otherwise): 0 trains a fresh original per trial from the
 * challenger's coins; K > 0 draws the original uniformly from K networks trained once from
 * {@code seed} (1), cached on disk ({@link ModelCache}): the off-the-shelf network a scheme like
 * CoreLocker is applied to.
 *
 * <p>{@code base} none|public (none; read only when given, so families without it keep their
 * parameters and cache keys): with {@code public}, the originals are fine-tuned from a public
 * pre-trained network that adversaries also hold, as in the TEE-shielding papers' victims
 * ({@link PublicBase}).
 */
public final class ModelFamily {
    private final String arch;
    private final String block;
    private final Activation activation;
    private final int hidden;
    private final int[] widths;
    private final int steps;
    private final int epochs;
    private final double lr;
    private final int batch;
    private final double weightDecay;
    private final double initScale;
    private final double rangeMedian;
    private final double rangeSigma;
    private final Slimming slimming;
    private final int pool;
    private final long seed;
    private final int inputs;
    private final int classes;
    private final String dataHash;
    private final Map<String, String> used;
    private final Checkpoint.Loaded loaded;
    private final PublicBase base;

    public ModelFamily(Params params, DataSource data) {
        this.arch = params.getString("arch", "block", Set.of("block", "bn-mlp", "bn-cnn", "slim-mlp", "file"));
        this.inputs = data.train().dimension();
        this.classes = data.train().classes();
        this.dataHash = data.sha256();
        boolean bn = !arch.equals("block") && !arch.equals("file");
        if (arch.equals("file")) {
            String path = params.getString("file", "", null);
            if (path.isEmpty()) {
                throw new WgException("model.arch=file needs model.file=<checkpoint.safetensors> (or use --model FILE)");
            }
            String prefix = params.getString("prefix", "", null);
            if (params.has("tokenizer")) {
                params.getString("tokenizer", "", null); // an ONNX model's tokenizer.json, read by the tokens data set
            }
            String act = params.getString("activation", "gelu", Set.of("silu", "gelu", "gelu-tanh", "relu"));
            this.loaded = Checkpoint.load(java.nio.file.Path.of(path), prefix.isEmpty() ? null : prefix, Activation.byId(act));
            Network net = loaded.network();
            if (net.inputSize() != inputs || net.outputSize() != classes) {
                throw new WgException("model.file " + path + " holds a block " + net.inputSize() + " -> " + net.outputSize()
                        + " but data set '" + data.name() + "' has " + inputs + " features and " + classes
                        + " classes; audit a checkpoint on its own tokens (--model FILE without --dataset)");
            }
            Layer l = net.layer(0);
            this.block = l instanceof SwiGluBlock ? "swiglu" : "mlp";
            this.activation = l instanceof SwiGluBlock ? Activation.SILU : Activation.byId(act);
            this.hidden = l instanceof SwiGluBlock ? ((SwiGluBlock) l).hidden() : ((MlpBlock) l).hidden();
            this.widths = new int[0];
            this.steps = 0;
            this.epochs = 0;
            this.lr = 0;
            this.weightDecay = 0;
            this.initScale = 0.5;
            this.rangeMedian = 0;
            this.rangeSigma = 0;
            this.batch = 0;
            this.slimming = Slimming.NONE;
            this.pool = 1;
            this.seed = 0;
            this.base = PublicBase.NONE;
            params.checkAllUsed();
            this.used = params.used();
            return;
        }
        this.loaded = null;
        if (bn) {
            boolean slim = arch.equals("slim-mlp");
            boolean small = slim && data.name().equals(SyntheticData.NAME);
            this.block = arch;
            this.activation = Activation.RELU;
            this.hidden = 0;
            this.widths = params.getInts(arch.equals("bn-cnn") ? "channels" : "widths",
                    arch.equals("bn-mlp") ? new int[] {256, 128} : small ? SLIM_WIDTHS_SMALL : slim ? SLIM_WIDTHS : new int[] {16, 32},
                    1, 4096);
            this.epochs = params.getInt("epochs", arch.equals("bn-mlp") ? 8 : slim ? 15 : 4, 0, 1000);
            this.steps = 0;
            this.lr = params.getDouble("lr", slim ? 0.1 : 0.001, 1e-7, 1.0);
            this.weightDecay = params.getDouble("weight-decay", slim ? 1e-4 : 0, 0, 10);
            this.initScale = 0;
            this.slimming = Slimming.read(params, slim, small ? 0.02 : 5e-3);
            if (arch.equals("bn-cnn")) {
                int side = (int) Math.round(Math.sqrt(inputs));
                if (side * side != inputs || side % (1 << widths.length) != 0) {
                    throw new WgException("model.arch=bn-cnn needs square one-channel images whose side halves "
                            + widths.length + " times; data set '" + data.name() + "' has " + inputs
                            + " features per row: use --dataset fashion-mnist or model.arch=bn-mlp");
                }
            }
        } else {
            this.block = params.getString("block", "mlp", Set.of("mlp", "swiglu"));
            String act = params.getString("activation", "silu", Set.of("silu", "gelu", "gelu-tanh", "relu"));
            this.activation = Activation.byId(act);
            if (block.equals("swiglu") && activation == Activation.RELU) {
                throw new WgException("model: the gated block takes silu (SwiGLU), gelu or gelu-tanh (GeGLU) as model.activation,"
                        + " not relu");
            }
            this.hidden = params.getInt("hidden", 64, 1, 1 << 16);
            this.widths = new int[0];
            this.steps = params.getInt("steps", 150, 0, 1_000_000);
            this.epochs = 0;
            this.lr = params.getDouble("lr", 0.002, 1e-7, 1.0);
            this.weightDecay = params.getDouble("weight-decay", 0.01, 0, 10);
            this.initScale = params.getDouble("init-scale", 0.5, 1e-6, 100);
            this.slimming = Slimming.NONE;
        }
        // read only when given, so that families without it record the parameters they always did
        boolean geometry = arch.equals("block") && (params.has("range-median") || params.has("range-sigma"));
        this.rangeMedian = geometry ? params.getDouble("range-median", 1.8, 1e-3, 1e3) : 0;
        this.rangeSigma = geometry ? params.getDouble("range-sigma", 0.47, 0, 5) : 0;
        this.batch = params.getInt("batch", 128, 1, 1 << 16);
        this.pool = params.getInt("pool", bn ? 1 : 0, 0, 1000);
        this.seed = params.getLong("seed", 1);
        this.base = PublicBase.read(params);
        params.checkAllUsed();
        this.used = params.used();
    }

    /** slim-mlp's widths: 512, then four of 256, each followed by batch norm and ReLU. */
    static final int[] SLIM_WIDTHS = {512, 256, 256, 256, 256};
    /** slim-mlp on the embedded synthetic data (32 features, 6000 rows): a quarter of the widths. */
    static final int[] SLIM_WIDTHS_SMALL = {128, 64, 64, 64, 64};

    /** A freshly initialised network of the family's architecture (what a guesser can produce). */
    public Network initialize(Coins coins) {
        return architecture().initialize(coins);
    }

    /**
     * The public part of the family: the architecture alone, with no way to the originals (no
     * seed, no pool, no checkpoint). This, not the family, is what adversaries are handed.
     */
    public Architecture architecture() {
        return new Architecture(arch.equals("file") ? "block" : arch, block, activation, hidden, widths, inputs, classes,
                initScale, slimming.gammaInit());
    }

    /**
     * Draws an original. With no pool: initialise, then train on the training split with the given
     * coins. With a pool: one of its networks, picked with the coins, trained once (or read from
     * the cache) from the family's seed; each call returns a private copy.
     */
    public Network sample(DataSource data, Coins coins) {
        if (loaded != null) {
            return loaded.network().copy();
        }
        if (pool == 0) {
            return train(data, coins);
        }
        int index = pool == 1 ? 0 : coins.derive("pool").nextInt(pool);
        return ModelCache.shared().get(cacheKey(index), () -> train(data, Coins.root(seed).derive("original/" + index)));
    }

    /**
     * Trains a fresh network of the family from the given coins; with {@code base=public}, fine-tunes
     * a copy of the public base instead ({@link PublicBase}).
     */
    public Network train(DataSource data, Coins coins) {
        Network net;
        if (base.on()) {
            net = publicBase(data).orElseThrow();
            fit(net, base.privateRows(data.train()), base.epochs(), coins.derive("train"));
        } else {
            net = initialize(coins.derive("init"));
            fit(net, data.train(), arch.equals("block") ? -1 : epochs, coins.derive("train"));
        }
        if (rangeMedian > 0) {
            CalibrationGeometry.impose(net.layer(0), data.train(), rangeMedian, rangeSigma, coins.derive("geometry"));
        }
        return net;
    }

    /** Trains {@code net} on {@code rows} for {@code passes} epochs (-1: the block's {@code steps}). */
    private void fit(Network net, Dataset rows, int passes, Coins coins) {
        int n = rows.size();
        int trainSteps = passes < 0 ? steps : (int) Math.min(Integer.MAX_VALUE, (long) passes * ((n + batch - 1) / batch));
        slimming.apply(new Trainer(lr, batch, trainSteps, weightDecay), (n + batch - 1) / batch).train(net, rows, coins);
    }

    /**
     * The public pre-trained network the originals are fine-tuned from ({@code base=public}): trained
     * once from the public seed on the public half of the training split, cached like pooled
     * networks; a private copy each call. Empty without {@code base=public}.
     */
    public Optional<Network> publicBase(DataSource data) {
        if (!base.on()) {
            return Optional.empty();
        }
        return Optional.of(ModelCache.shared().get(baseKey(), () -> {
            Network net = initialize(Coins.root(base.seed()).derive("public-base/init"));
            fit(net, base.publicRows(data.train()), arch.equals("block") ? -1 : epochs,
                    Coins.root(base.seed()).derive("public-base/train"));
            return net;
        }));
    }

    /** What identifies the public base: the family's parameters, the data's hash and the public seed. */
    String baseKey() {
        return "weightgames-public-base-v1;" + new TreeMap<>(used) + ";inputs=" + inputs + ";classes=" + classes
                + ";data=" + dataHash + ";base-seed=" + base.seed();
    }

    /** What identifies one pooled network: every training parameter, the data's hash, the seed and index. */
    String cacheKey(int index) {
        return "weightgames-model-v1;" + new java.util.TreeMap<>(used) + ";inputs=" + inputs + ";classes=" + classes
                + ";data=" + dataHash + ";seed=" + seed + ";index=" + index;
    }

    /** Whether originals are trained from the challenger's coins in every trial (no pool). */
    public boolean freshPerTrial() {
        return pool == 0;
    }

    public String block() {
        return block;
    }

    public Activation activation() {
        return activation;
    }

    public int hidden() {
        return hidden;
    }

    public String describe() {
        if (loaded != null) {
            return loaded.kind() + " " + inputs + "->" + hidden + "->" + classes + " block '" + loaded.prefix() + "' of "
                    + loaded.file() + " (sha256 " + loaded.sha256() + ")";
        }
        if (!arch.equals("block")) {
            return arch + " " + inputs + "->" + java.util.Arrays.toString(widths) + "->" + classes + ", " + epochs
                    + " epochs of " + slimming.describe(lr, batch, weightDecay) + (pool > 0 ? ", pool of " + pool + " from seed " + seed : "") + base.describe();
        }
        String kind = block.equals("swiglu") ? (activation == Activation.SILU ? "swiglu" : "geglu-" + activation.id())
                : "mlp-" + activation.id();
        return kind + " " + inputs + "->" + hidden + "->"
                + classes + ", " + steps + " Adam steps (lr " + lr + ", batch " + batch + ")"
                + (rangeMedian > 0 ? ", gate ranges log-normal (median " + rangeMedian + ", sigma " + rangeSigma + ")" : "")
                + base.describe();
    }

    public Map<String, String> parameters() {
        return used;
    }
}
