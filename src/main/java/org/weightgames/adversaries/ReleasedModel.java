package org.weightgames.adversaries;

import org.weightgames.game.AdversaryBase;
import org.weightgames.game.FunctionExtractor;
import org.weightgames.game.Hosted;
import org.weightgames.game.Scheme;
import org.weightgames.core.Coins;
import org.weightgames.game.ExtractionChallenge;

/**
 * Answers {@code ext-f} with the released model exactly as the scheme's users run it. It matches
 * the original as well as the scheme is correct, and costs what the scheme's inference costs: it
 * wins only where a scheme's release is no more expensive than the original, so it measures the
 * scheme's own cost claim.
 */
public final class ReleasedModel extends AdversaryBase implements FunctionExtractor {
    public ReleasedModel() {
        super("released-model", "runs the released artifact as shipped (wins ext-f only if the release costs no more than the original)");
    }

    @Override
    public boolean targets(Scheme scheme) {
        // a hosted scheme releases nothing to run
        return !(scheme instanceof Hosted);
    }

    @Override
    public org.weightgames.model.Network extractFunction(ExtractionChallenge challenge, Coins coins) {
        return challenge.releasedModel();
    }
}
