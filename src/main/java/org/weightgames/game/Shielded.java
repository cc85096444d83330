package org.weightgames.game;

/**
 * Marks a scheme whose legitimate user runs the release beside a trusted execution environment
 * that keeps the secret (TEE-shielded partition: ShadowNet, SOTER). The released part is what an
 * adversary on the device sees; the authorised user of {@code correct} runs
 * {@link Scheme#restore} (the released part with the trusted part's secret), which must compute
 * the original function.
 */
public interface Shielded extends Scheme {
}
