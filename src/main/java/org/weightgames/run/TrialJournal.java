package org.weightgames.run;

import org.weightgames.game.TrialRecord;

/**
 * Where a run keeps the trials it has finished, so that an interrupted run can be resumed from
 * them: {@link TrialRunner} asks it before playing a trial and tells it each trial it finishes.
 * Implementations must be safe to call from the runner's threads.
 */
public interface TrialJournal {
    /** The recorded trial {@code index} of game {@code game}, or null. */
    TrialRecord get(String game, int index);

    /** Records a finished trial (durably, before returning). */
    void put(String game, TrialRecord record);

    /** Journals nothing. */
    TrialJournal NONE = new TrialJournal() {
        @Override
        public TrialRecord get(String game, int index) {
            return null;
        }

        @Override
        public void put(String game, TrialRecord record) {
        }
    };
}
