package org.weightgames.game;

import java.util.List;

import org.weightgames.core.Params;

/**
 * What most adversaries share, given once in the constructor: the id and description of every
 * {@link Component}, and the types of scheme the adversary targets (a scheme class or a marker such as
 * {@link ReleasesWeights}, {@link Hosted} or {@link UsageControl}), as IBM ART's attacks declare
 * the estimator types they can attack. An adversary without parameters keeps the default
 * {@link #init}, which refuses any; one that targets schemes by another rule overrides
 * {@link #targets}.
 */
public abstract class AdversaryBase extends Component implements Adversary {
    private final List<Class<?>> targets;

    protected AdversaryBase(String id, String description, Class<?>... targets) {
        super(id, description);
        this.targets = List.of(targets);
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
