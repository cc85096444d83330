package org.weightgames.adversaries;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.Params;
import org.weightgames.game.AdversaryBase;
import org.weightgames.game.KeylessUser;
import org.weightgames.game.UsageChallenge;
import org.weightgames.game.UsageControl;
import org.weightgames.model.Init;
import org.weightgames.model.Network;
import org.weightgames.model.NeuronSurgery;

/**
 * {@code key-recovery}: rebuilds the access key instead of retraining the network. It re-inserts,
 * at the end of each layer, as many fresh units as the released configuration shows were removed
 * (the public architecture's width minus the locked width): incoming weights and batch-norm
 * entries as a fresh initialisation of the architecture has them, outgoing weights zero, so that
 * the widened network starts as the locked one. Then it trains only those units (incoming rows,
 * biases, batch-norm scale and shift, outgoing columns) on the auxiliary data within the budget;
 * every weight the release kept, and the kept units' running statistics, stay as released.
 * Against the demo's key (scale and shift of the chosen units zeroed in place, every weight kept,
 * {@code corelocker.key=official}) nothing is missing but those two numbers per unit, at visible
 * positions: it restarts them from a fresh initialisation and trains them alone.
 * Parameters: {@code lr} (0.1, see {@link #DEFAULT_LR}), {@code batch} (128).
 */
public final class KeyRecovery extends AdversaryBase implements KeylessUser {
    public static final String ID = "key-recovery";
    /**
     * Its units start with zero outgoing weights and are few, so at finetune's 0.001 they barely
     * move within uc's budget (measured on slim-mlp: locked 0.433, after 3 epochs of 300 rows 0.433
     * at 0.001, 0.457 at 0.03, 0.80 at 0.1).
     */
    static final double DEFAULT_LR = 0.1;
    private AuxTraining training;

    public KeyRecovery() {
        super(ID, "uc: re-inserts as many fresh units as were removed and trains only them (the key) on the auxiliary data",
                UsageControl.class);
    }

    @Override
    public void init(Params params) {
        training = AuxTraining.from(params, DEFAULT_LR);
        params.checkAllUsed();
    }

    @Override
    public Network useWithoutKey(UsageChallenge challenge, Coins coins) {
        Network locked = challenge.lockedModel();
        Network template = challenge.architecture().skeleton();
        Coins fresh = coins.derive("fresh-units");
        Network net = NeuronSurgery.widen(locked, template, (name, rows, cols) -> fresh(template, fresh, name, rows, cols)).network();
        Map<String, INDArray> trainable = keyMask(locked, net);
        boolean inPlace = trainable.isEmpty();
        if (inPlace) {
            trainable = silencedMask(net, template); // the demo's key: nothing cut out, the silenced units in place
        }
        if (trainable.isEmpty()) {
            return net; // nothing was removed: the release is the network
        }
        Map<String, INDArray> kept = new LinkedHashMap<>();
        net.state().forEach((k, v) -> kept.put(k, v.dup()));
        net = training.spend(net, challenge, coins.derive("train"), trainable);
        // silenced in place, every unit's running statistics are still the original's: keep them all
        keepRunningStatistics(net, kept, inPlace ? Map.of() : trainable);
        return net;
    }

    /**
     * A re-inserted unit's values, as a fresh initialisation of the architecture has them: He
     * incoming weights N(0, 2 / fan-in), and for biases and batch-norm entries the skeleton's own
     * (the initial state); zero outgoing weights.
     */
    private static INDArray fresh(Network template, Coins coins, String name, long rows, long cols) {
        if (name.contains(".W[cols]")) {
            return Nd.zeros(rows, cols);
        }
        if (name.contains(".W[rows]")) {
            return Init.gaussian(coins, rows, cols, Math.sqrt(2.0 / cols));
        }
        INDArray t = template.state().get(name.substring(0, name.indexOf('[')));
        INDArray m = t.rank() == 1 ? t.reshape(t.length(), 1) : t;
        return m.get(NDArrayIndex.interval(m.rows() - rows, m.rows()), NDArrayIndex.all()).dup('c').reshape(rows, cols);
    }

    /**
     * 1 at every entry of the re-inserted units (the widened network's last rows of each producer,
     * their batch-norm entries, the consumer's last column groups), 0 elsewhere, by parameter name.
     */
    static Map<String, INDArray> keyMask(Network locked, Network widened) {
        Map<String, INDArray> mask = new LinkedHashMap<>();
        List<NeuronSurgery.Unit> before = NeuronSurgery.units(locked);
        List<NeuronSurgery.Unit> after = NeuronSurgery.units(widened);
        for (int i = 0; i < after.size(); i++) {
            NeuronSurgery.Unit u = after.get(i);
            int from = before.get(i).width();
            if (from == u.width()) {
                continue;
            }
            rowsFrom(mask, widened, u.producer() + ".W", from);
            rowsFrom(mask, widened, u.producer() + ".b", from);
            if (u.batchNorm() >= 0) {
                rowsFrom(mask, widened, u.batchNorm() + ".gamma", from);
                rowsFrom(mask, widened, u.batchNorm() + ".beta", from);
            }
            String consumer = u.consumer() + ".W";
            INDArray w = widened.parameters().get(consumer);
            long group = w.columns() / u.width();
            INDArray m = mask.computeIfAbsent(consumer, k -> Nd.zeros(w.shape()));
            m.get(NDArrayIndex.all(), NDArrayIndex.interval(from * group, w.columns())).assign(1);
        }
        return mask;
    }

    /**
     * For a release that silences units in place (scale and shift zeroed, every weight kept): the
     * key is those scales and shifts alone. They restart from a fresh initialisation's values (a
     * unit at zero passes no gradient through its ReLU) and are the only entries trained.
     */
    static Map<String, INDArray> silencedMask(Network net, Network template) {
        Map<String, INDArray> mask = new LinkedHashMap<>();
        for (Map.Entry<Integer, int[]> e : NeuronSurgery.silenced(net).entrySet()) {
            for (String t : new String[] {"gamma", "beta"}) {
                INDArray p = net.layer(e.getKey()).parameters().get(t);
                INDArray init = template.layer(e.getKey()).parameters().get(t);
                INDArray m = Nd.zeros(p.shape());
                for (int j : e.getValue()) {
                    p.putScalar(j, init.getDouble(j));
                    m.putScalar(j, 1.0);
                }
                mask.put(e.getKey() + "." + t, m);
            }
        }
        return mask;
    }

    private static void rowsFrom(Map<String, INDArray> mask, Network net, String name, int from) {
        INDArray p = net.parameters().get(name);
        INDArray m = mask.computeIfAbsent(name, k -> Nd.zeros(p.shape()));
        if (p.rank() == 1) {
            m.get(NDArrayIndex.interval(from, p.length())).assign(1);
        } else {
            m.get(NDArrayIndex.interval(from, p.rows()), NDArrayIndex.all()).assign(1);
        }
    }

    /** Puts back the running statistics of the units the release kept (training moves every unit's). */
    private static void keepRunningStatistics(Network net, Map<String, INDArray> kept, Map<String, INDArray> trainable) {
        for (Map.Entry<String, INDArray> e : net.state().entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(".running_mean") && !name.endsWith(".running_var")) {
                continue;
            }
            INDArray gammaMask = trainable.get(name.substring(0, name.lastIndexOf('.')) + ".gamma");
            INDArray keep = gammaMask == null ? Nd.ones(e.getValue().shape()) : gammaMask.rsub(1.0);
            e.getValue().muli(keep.rsub(1.0)).addi(kept.get(name).mul(keep));
        }
    }
}
