package org.weightgames.adversaries;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.Numerics;
import org.weightgames.core.Params;
import org.weightgames.game.AdversaryBase;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.game.FunctionExtractor;
import org.weightgames.game.WeightExtractor;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;
import org.weightgames.schemes.shadownet.ShadowNet;
import org.weightgames.schemes.soter.Soter;

/**
 * TEESlice's attacks on TEE-shielded partitions (Zhang et al., "No Privacy Left Outside", IEEE
 * S&P 2024, arXiv 2310.07152; artifact ziqi-zhang/TEESlice-artifact; adversaries/teeslice.md),
 * without the final fine-tuning step. Against ShadowNet: exact mask removal by the variance test,
 * then un-shuffling against the public base ({@link MaskRemoval}); the biases, batch norms and
 * downstream columns are released in the original order already, so placing each recovered row at
 * its matched position is the consistent answer. Against SOTER: each morphed tensor divided by
 * sqrt(var(released) / var(base's tensor)), the trusted layers taken from the public base. The
 * public base comes with the challenge ({@code model.base=public}; never under {@code --isolate}).
 * Without it: ShadowNet's rows in released order (unmasked, unplaced); SOTER's tensors left as
 * released and the trusted layers freshly initialised, i.e. nothing recovered but the layout.
 */
public final class TeeSlice extends AdversaryBase implements WeightExtractor, FunctionExtractor {
    public static final String ID = "teeslice";

    /** Without a base: rows in released order (TEESlice), or placed by the clear batch norms' statistics (ours). */
    private boolean statistics;

    public TeeSlice() {
        super(ID, "TEESlice (S&P 2024): ShadowNet's masks removed by the variance test and rows matched to the public base;"
                + " SOTER's scalars by variance ratio", ShadowNet.class, Soter.class);
    }

    /** {@code fallback} none|statistics (none): what to do with ShadowNet's rows when there is no public base ({@link BatchNormOrder}). */
    @Override
    public void init(Params params) {
        statistics = params.getString("fallback", "none", Set.of("none", "statistics")).equals("statistics");
        params.checkAllUsed();
    }

    @Override
    public Map<String, INDArray> extractWeights(ExtractionChallenge challenge, Coins coins) {
        Map<String, INDArray> all = recover(challenge, coins, statistics).parameters();
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String name : challenge.protectedShapes().keySet()) {
            INDArray t = all.get(name);
            if (t != null) {
                out.put(name, t);
            }
        }
        return out;
    }

    @Override
    public Network extractFunction(ExtractionChallenge challenge, Coins coins) {
        return recover(challenge, coins, statistics);
    }

    /** The network the attack recovers from the challenge. */
    static Network recover(ExtractionChallenge challenge, Coins coins, boolean statistics) {
        Artifact art = challenge.artifact();
        Optional<Network> base = challenge.publicBase();
        if (art.metadata().containsKey("shadownet.layers")) {
            Network net = shadowNet(art, base);
            if (base.isEmpty() && statistics) {
                INDArray x = challenge.samples().draw((int) Math.min(SAMPLES, challenge.samples().remaining()), coins.derive("samples"));
                for (int i : ShadowNet.shieldedLayers(art)) {
                    BatchNormOrder.place(net, i, x);
                }
            }
            return net;
        }
        return soter(art, base.orElseGet(() -> challenge.architecture().initialize(coins.derive("tee-guess"))), base.isPresent());
    }

    /** Inputs drawn from the sample oracle for the statistics fallback. */
    static final int SAMPLES = 1000;

    /** ShadowNet: every shielded layer unmasked and, with a base, put in the base's order. */
    static Network shadowNet(Artifact art, Optional<Network> base) {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (String n : art.tensorNames()) {
            if (!n.endsWith(".W_fake")) {
                tensors.put(n, art.tensor(n));
            }
        }
        for (int i : ShadowNet.shieldedLayers(art)) {
            INDArray real = art.tensor(i + ".W");
            INDArray fake = art.tensor(i + ".W_fake");
            double t = art.metadata().containsKey("shadownet.mask-range")
                    ? Double.parseDouble(art.meta("shadownet.mask-range")) : MaskRemoval.estimateRange(fake);
            MaskRemoval.Layer l = MaskRemoval.unmask(real, fake, t);
            Optional<INDArray> reference = base.map(b -> b.layer(i).parameters().get("W"));
            double[][] rows = MaskRemoval.unshuffle(l.rows(), reference);
            double[] flat = new double[(int) real.length()];
            int d = (int) real.columns();
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, flat, r * d, d);
            }
            tensors.put(i + ".W", Nd.matrix(flat, real.rows(), d));
        }
        return NetworkCodec.decode(new Artifact(art.scheme(), art.metadata(), tensors));
    }

    /**
     * SOTER: with a base, every released tensor divided by its estimated scalar and the trusted
     * layers taken from the base; {@code reference} is then the base, else a fresh guess of the
     * trusted layers (and the tensors are left as released).
     */
    static Network soter(Artifact art, Network reference, boolean isBase) {
        Map<String, INDArray> ref = reference.state();
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (String n : art.tensorNames()) {
            INDArray released = art.tensor(n);
            double s = isBase && ref.containsKey(n) ? scalar(released, ref.get(n)) : 1.0;
            tensors.put(n, released.div(s));
        }
        return Soter.assemble(new Artifact(art.scheme(), art.metadata(), tensors), ref);
    }

    /** TEESlice's scalar estimate sqrt(var(released) / var(base)); 1 where either variance is zero or not finite. */
    static double scalar(INDArray released, INDArray base) {
        double vr = Numerics.populationVariance(released.dup('c').data().asDouble());
        double vb = Numerics.populationVariance(base.dup('c').data().asDouble());
        double s = Math.sqrt(vr / vb);
        return vr > 0 && vb > 0 && Double.isFinite(s) ? s : 1.0;
    }
}
