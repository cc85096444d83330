package org.weightgames.game;

import java.util.List;

import org.weightgames.core.Params;

/**
 * What most adversaries share, given once in the constructor: the id, the one-line description
 * and the types of scheme the adversary targets (a scheme class or a marker such as
 * {@link ReleasesWeights}, {@link Hosted} or {@link UsageControl}), as IBM ART's attacks declare
 * the estimator types they can attack. An adversary without parameters keeps the default
 * {@link #init}, which refuses any; one that targets schemes by another rule overrides
 * {@link #targets}.
 */
public abstract class AdversaryBase implements Adversary {
    private final String id;
    private final String description;
    private final List<Class<?>> targets;

    protected AdversaryBase(String id, String description, Class<?>... targets) {
        this.id = id;
        this.description = description;
        this.targets = List.of(targets);
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public void init(Params params) {
        params.checkAllUsed();
    }

    /** Whether the scheme is of one of the declared types. */
    @Override
    public boolean targets(Scheme scheme) {
        for (Class<?> t : targets) {
            if (t.isInstance(scheme)) {
                return true;
            }
        }
        return false;
    }
}
