package org.weightgames.game;

import org.weightgames.model.Network;

/**
 * A scheme that ships no weights: the model runs behind a query API. Adversaries reach it only
 * through {@link ExtractionChallenge#api()}, a {@link QueryOracle} with the game's query budget.
 */
public interface Hosted extends Scheme {
    /** The model that answers the API's queries. */
    Network hostedModel(Release release);
}
