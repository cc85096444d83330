package org.weightgames.model;

import java.util.Set;

import org.weightgames.core.Params;
import org.weightgames.data.Dataset;

/**
 * The model family's {@code base} option: whether originals are fine-tuned from a public
 * pre-trained network, as the victims of the TEE-shielding papers are (ShadowNet's and SOTER's
 * attackers, TEESlice and GroupCover, match the released layers against that public network).
 *
 * <p>{@code base} none|public (none). With {@code public}: the base is trained once, from
 * {@code base-seed} (0, public), for the family's epochs on the <em>public half</em> of the training
 * split (its first half of rows); each original is a copy of it fine-tuned for {@code base-epochs}
 * (2) on the <em>private half</em> (the other rows), from the trial's or the pool's coins. The two
 * halves are disjoint. All three keys are read only when {@code base} is given.
 */
record PublicBase(boolean on, long seed, int epochs) {
    static final PublicBase NONE = new PublicBase(false, 0, 0);

    static PublicBase read(Params params) {
        if (!params.has("base")) {
            return NONE;
        }
        if (params.getString("base", "none", Set.of("none", "public")).equals("none")) {
            return NONE;
        }
        return new PublicBase(true, params.getLong("base-seed", 0), params.getInt("base-epochs", 2, 0, 1000));
    }

    /** The public half of the training rows: the first half. */
    Dataset publicRows(Dataset train) {
        return train.rows(range(0, train.size() / 2));
    }

    /** The owner's private half: the rows the public base was not trained on. */
    Dataset privateRows(Dataset train) {
        return train.rows(range(train.size() / 2, train.size()));
    }

    private static int[] range(int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return idx;
    }

    String describe() {
        return on ? ", fine-tuned " + epochs + " epochs on the private half from a public base (seed " + seed
                + ", trained on the public half)" : "";
    }
}
