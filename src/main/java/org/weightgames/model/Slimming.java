package org.weightgames.model;

import java.util.Arrays;
import java.util.Set;

import org.weightgames.core.Params;

/**
 * How a batch-normalised family is trained beyond its learning rate, batch and weight decay: the
 * optimiser ({@code optimizer} adam|sgd, {@code momentum} 0.9 for sgd), a step schedule
 * ({@code milestones}: epochs at which the rate is multiplied by {@code lr-decay}, 0.1), Network
 * Slimming's sparsity term ({@code sparsity}: lambda of lambda sign(gamma) on every batch-norm
 * scale's gradient) and the batch-norm scale's initial value ({@code gamma-init}). For
 * {@code slim-mlp} every one is read, with Network Slimming's recipe as defaults (SGD, momentum
 * 0.9, milestones 8,12, lambda 5e-3, gamma 0.5); for {@code bn-mlp} and {@code bn-cnn} only those
 * given, so that their cache keys and provenance stay what they were (Adam, no schedule, no
 * sparsity, gamma 1).
 */
record Slimming(String optimizer, double momentum, int[] milestones, double lrDecay, double sparsity, double gammaInit) {
    static final Slimming NONE = new Slimming("adam", 0, new int[0], 1, 0, 1);

    /** The recipe from a family's parameters; {@code slim} reads every one, with {@code lambda} as sparsity's default. */
    static Slimming read(Params params, boolean slim, double lambda) {
        String opt = slim || params.has("optimizer") ? params.getString("optimizer", slim ? "sgd" : "adam", Set.of("adam", "sgd"))
                : "adam";
        double momentum = opt.equals("sgd") ? params.getDouble("momentum", 0.9, 0, 0.999) : 0;
        int[] milestones = slim || params.has("milestones") ? params.getInts("milestones", new int[] {8, 12}, 0, 1000) : new int[0];
        double decay = milestones.length > 0 ? params.getDouble("lr-decay", 0.1, 0, 1) : 1;
        double sparsity = slim || params.has("sparsity") ? params.getDouble("sparsity", lambda, 0, 1) : 0;
        double gamma = slim || params.has("gamma-init") ? params.getDouble("gamma-init", 0.5, 1e-6, 100) : 1;
        return new Slimming(opt, momentum, milestones, decay, sparsity, gamma);
    }

    /** The trainer with this recipe's optimiser, schedule (milestones in epochs of stepsPerEpoch) and sparsity. */
    Trainer apply(Trainer base, int stepsPerEpoch) {
        Trainer t = optimizer.equals("sgd") ? base.sgd(momentum) : base;
        if (milestones.length > 0) {
            t = t.schedule(Arrays.stream(milestones).map(e -> e * stepsPerEpoch).toArray(), lrDecay);
        }
        return sparsity > 0 ? t.sparsity(sparsity) : t;
    }

    String describe(double lr, int batch, double weightDecay) {
        StringBuilder sb = new StringBuilder(optimizer.equals("sgd") ? "SGD (momentum " + momentum + ", " : "Adam (");
        sb.append("lr ").append(lr).append(", batch ").append(batch);
        if (weightDecay > 0) {
            sb.append(", weight decay ").append(weightDecay);
        }
        if (milestones.length > 0) {
            sb.append(", lr x").append(lrDecay).append(" at epochs ").append(Arrays.toString(milestones));
        }
        if (sparsity > 0) {
            sb.append(", gamma-L1 ").append(sparsity);
        }
        if (gammaInit != 1) {
            sb.append(", gamma init ").append(gammaInit);
        }
        return sb.append(')').toString();
    }
}
