package org.weightgames.game;

/**
 * Marks a scheme that claims usage control: its released network is meant to be of little use
 * until an authorised user restores it with a key ({@link Scheme#restore}). The {@code uc} game
 * and its adversaries play such schemes.
 */
public interface UsageControl extends Scheme {
}
