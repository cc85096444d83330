package org.weightgames.model;

import java.util.Map;
import java.util.Set;

import org.weightgames.data.DataSource;
import org.weightgames.game.Coins;
import org.weightgames.game.Params;
import org.weightgames.game.WgException;

/**
 * The distribution the challenger draws original models from: an architecture (a classifier made
 * of one MLP block, plain or SwiGLU, from the data's inputs to its class logits) and a training
 * recipe (seeded initialisation, then Adam on cross-entropy over batches drawn with the
 * challenger's coins). The architecture is public; the drawn weights are the secret.
 *
 * <p>Parameters ({@code --set model.KEY=VALUE}): {@code block} mlp|swiglu (mlp), {@code activation}
 * silu|gelu|relu for mlp (silu), {@code hidden} (64), {@code steps} (150), {@code lr} (0.002),
 * {@code batch} (128), {@code weight-decay} (0.01, decoupled), {@code init-scale} (0.5: V starts
 * at N(0, init-scale^2 / inputs), which keeps pre-activation ranges near those of LLM MLPs).
 */
public final class ModelFamily {
    private final String block;
    private final Activation activation;
    private final int hidden;
    private final int steps;
    private final double lr;
    private final int batch;
    private final double weightDecay;
    private final double initScale;
    private final int inputs;
    private final int classes;
    private final Map<String, String> used;

    public ModelFamily(Params params, DataSource data) {
        this.block = params.getString("block", "mlp", Set.of("mlp", "swiglu"));
        String act = params.getString("activation", "silu", Set.of("silu", "gelu", "relu"));
        this.activation = Activation.byId(act);
        if (block.equals("swiglu") && activation != Activation.SILU) {
            throw new WgException("model: the SwiGLU block always uses SiLU; drop model.activation or set it to silu");
        }
        this.hidden = params.getInt("hidden", 64, 1, 1 << 16);
        this.steps = params.getInt("steps", 150, 0, 1_000_000);
        this.lr = params.getDouble("lr", 0.002, 1e-7, 1.0);
        this.batch = params.getInt("batch", 128, 1, 1 << 16);
        this.weightDecay = params.getDouble("weight-decay", 0.01, 0, 10);
        this.initScale = params.getDouble("init-scale", 0.5, 1e-6, 100);
        params.checkAllUsed();
        this.used = params.used();
        this.inputs = data.train().dimension();
        this.classes = data.train().classes();
    }

    /** A freshly initialised network of the family's architecture (what a guesser can produce). */
    public Network initialize(Coins coins) {
        if (block.equals("swiglu")) {
            return Network.of(SwiGluBlock.init(inputs, hidden, classes, initScale, coins));
        }
        return Network.of(MlpBlock.init(activation, inputs, hidden, classes, initScale, coins));
    }

    /** Draws an original: initialise, then train on the training split with the given coins. */
    public Network sample(DataSource data, Coins coins) {
        Network net = initialize(coins.derive("init"));
        new Trainer(lr, batch, steps, weightDecay).train(net, data.train(), coins.derive("train"));
        return net;
    }

    public String block() {
        return block;
    }

    public Activation activation() {
        return block.equals("swiglu") ? Activation.SILU : activation;
    }

    public int hidden() {
        return hidden;
    }

    public String describe() {
        return (block.equals("swiglu") ? "swiglu" : "mlp-" + activation.id()) + " " + inputs + "->" + hidden + "->"
                + classes + ", " + steps + " Adam steps (lr " + lr + ", batch " + batch + ")";
    }

    public Map<String, String> parameters() {
        return used;
    }
}
