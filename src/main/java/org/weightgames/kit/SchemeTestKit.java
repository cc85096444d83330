package org.weightgames.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.data.DataSource;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.game.Registry;
import org.weightgames.game.Release;
import org.weightgames.game.Scheme;
import org.weightgames.game.SecretShapes;
import org.weightgames.model.ModelFamily;
import org.weightgames.core.Nd;
import org.weightgames.model.Network;
import org.weightgames.run.Claims;
import org.weightgames.run.Verify;

/**
 * The test kit for scheme authors: extend it in your test sources, name your scheme's id (the
 * scheme is found with ServiceLoader, so list it in {@code META-INF/services/org.weightgames.game.Scheme}),
 * and JUnit 5 plays
 * <ul>
 * <li>one test per claim in {@code schemes/<id>.json} on your class path (or {@link #claims()}),
 * asserting the verdict the claim expects;</li>
 * <li>the contract checks: a release replays bit for bit from the same coins, and the released
 * model (restored with the secret, for a scheme that restores) stays within {@link #fidelity()} of the original.</li>
 * </ul>
 * Use {@link #play} for assertions of your own.
 */
public abstract class SchemeTestKit {
    /** The id of the scheme under test. */
    protected abstract String scheme();

    /**
     * Per-component settings (scheme, model, definitions, adversaries), as {@code --set} gives them.
     * Originals come from the scheme's own family ({@link Scheme#modelDefaults()}) unless {@code model} entries here say otherwise.
     */
    protected Map<String, Map<String, String>> settings() {
        return Map.of();
    }

    /** The data set the games draw from. */
    protected String dataset() {
        return "synthetic";
    }

    protected long seed() {
        return 1;
    }

    /** The largest relative output error the release may have against the original. */
    protected double fidelity() {
        return 0.05;
    }

    /** The claims to check: by default the scheme's claims file on the class path. */
    protected List<Claims.Claim> claims() {
        return Claims.builtIn(scheme());
    }

    /** Plays one game of the scheme against an adversary (and the baseline) and returns the checked result. */
    protected final Verify.Check play(String definition, String adversary, double bound, int trials, String expected) {
        Map<String, Map<String, String>> s = settings();
        Claims.Claim c = new Claims.Claim(scheme() + "-" + definition + "-" + adversary, scheme(), definition, adversary, bound,
                "kit check", getClass().getName(), expected, trials, s, getClass().getName(), 0);
        return Verify.run(List.of(c), seed(), DataSource.load(dataset()), Runtime.getRuntime().availableProcessors(), null,
                0.95, line -> { }).get(0);
    }

    @TestFactory
    Stream<DynamicTest> claimedGuarantees() {
        List<Claims.Claim> claims = claims();
        return claims.stream().map(c -> DynamicTest.dynamicTest(c.id() + " (" + c.definition() + " vs " + c.adversary() + ")",
                () -> {
                    Verify.Check check = Verify.run(List.of(c), seed(), DataSource.load(dataset()),
                            Runtime.getRuntime().availableProcessors(), null, 0.95, line -> { }).get(0);
                    assertTrue(check.matches(), check::describe);
                }));
    }

    @Test
    void releaseReplaysFromTheSameCoins() {
        DataSource data = DataSource.load(dataset());
        Network original = family(data).sample(data, Coins.root(seed()).derive("kit/model"));
        Release a = newScheme().release(original, data.train().head(256), Coins.root(seed()).derive("kit/release"));
        Release b = newScheme().release(original, data.train().head(256), Coins.root(seed()).derive("kit/release"));
        assertEquals(a.artifact().sha256(), b.artifact().sha256(), "the same coins must give the same artifact");
        assertFalse(a.secret().protectedParameters().isEmpty(), "the secret must name what the scheme protects");
        String malformed = SecretShapes.problem(a.secret().protectedParameters(), original.state());
        assertNull(malformed, () -> "the secret must name the original's tensors with their shapes (or parts of them): "
                + malformed);
    }

    @Test
    void releasedModelIsFaithful() {
        DataSource data = DataSource.load(dataset());
        Network original = family(data).sample(data, Coins.root(seed()).derive("kit/model"));
        Scheme s = newScheme();
        Release r = s.release(original, data.train().head(512), Coins.root(seed()).derive("kit/release"));
        INDArray x = data.test().head(500).features();
        INDArray expected = original.forward(x);
        // a usage-control scheme's release is meant to be unusable: its user runs what the key restores
        Network used = s.restore(r.artifact(), r.secret()).orElseGet(() -> s.inference(r.artifact()));
        double err = Nd.norm(used.forward(x).sub(expected)) / Nd.norm(expected);
        assertTrue(err <= fidelity(), () -> "release error " + err + " exceeds the fidelity bound " + fidelity());
    }

    private Scheme newScheme() {
        return Registry.scheme(scheme(), Registry.params(scheme(), settings()));
    }

    /** The scheme's own family ({@link Scheme#modelDefaults()}) under the settings' {@code model} entries, as an audit draws it. */
    private ModelFamily family(DataSource data) {
        Map<String, String> model = new TreeMap<>(newScheme().modelDefaults());
        model.putAll(settings().getOrDefault("model", Map.of()));
        return new ModelFamily(new Params("model", model), data);
    }
}
