package org.weightgames.kit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.data.DataSource;
import org.weightgames.data.Dataset;
import org.weightgames.game.Adversary;
import org.weightgames.game.Outcome;
import org.weightgames.game.Registry;
import org.weightgames.game.Release;
import org.weightgames.game.Scheme;
import org.weightgames.game.SecretShapes;
import org.weightgames.game.TrialRecord;
import org.weightgames.model.ModelFamily;
import org.weightgames.model.Network;
import org.weightgames.plugin.Manifest;
import org.weightgames.run.Claims;
import org.weightgames.run.GameSpec;
import org.weightgames.run.TrialRunner;
import org.weightgames.run.Verify;

/**
 * {@code wg kit}: the conformance checks of a plugin (docs/plugins.md). For a scheme: the manifest
 * is valid; a release replays bit for bit from the same coins; the secret holds the protected
 * tensors it names; the artifact's inference stays within the declared {@code fidelity} of the
 * original on fresh inputs; every call answers within the sandbox's limits; and each claim's game
 * gives the verdict it expects. For an adversary: each game it names is played once against a
 * scheme it targets and answered without failure. The JUnit {@link SchemeTestKit} remains the
 * kit of Java schemes.
 */
public final class PluginKit {
    /** One check and how it went; {@code claim} marks a claim's game, whose failure is the claim's, not the plugin's. */
    public record Check(String name, boolean passed, String detail, boolean claim) {
        Check(String name, boolean passed, String detail) {
            this(name, passed, detail, false);
        }

        /** {@code pass}, {@code FAIL}, or for a claim its {@link Verify.Check#status} ({@code MISMATCH}, {@code UNDECIDED}). */
        public String status() {
            if (passed) {
                return "pass";
            }
            return claim && detail.startsWith("UNDECIDED") ? "UNDECIDED" : claim && detail.startsWith("MISMATCH") ? "MISMATCH" : "FAIL";
        }
    }

    /** Exit status of {@code wg kit}: every check passed. */
    public static final int PASSED = 0;
    /** Exit status: the plugin failed a conformance check (whatever its claims gave). */
    public static final int PLUGIN_FAILED = 1;
    /** Exit status: the plugin conforms, but a claim's game gave another verdict or could not decide it. */
    public static final int CLAIM_FAILED = 3;

    /** The exit status for {@code checks}: {@link #PLUGIN_FAILED}, else {@link #CLAIM_FAILED}, else {@link #PASSED}. */
    public static int status(List<Check> checks) {
        if (checks.stream().anyMatch(c -> !c.passed() && !c.claim())) {
            return PLUGIN_FAILED;
        }
        return checks.stream().anyMatch(c -> !c.passed()) ? CLAIM_FAILED : PASSED;
    }

    private PluginKit() {
    }

    /**
     * Every check, each failure recorded as a failed check (never thrown): a plugin that raises in
     * one call still gets its whole table. The claims are played only when release and inference
     * work, since each of their trials would fail the same way.
     */
    public static List<Check> run(Path folder, long seed, DataSource data, Consumer<String> log) {
        List<Check> checks = new ArrayList<>();
        try {
            checks(folder, seed, data, log, checks);
        } catch (RuntimeException e) {
            checks.add(new Check("the kit ran to its end", false, message(e)));
        }
        return checks;
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void checks(Path folder, long seed, DataSource data, Consumer<String> log, List<Check> checks) {
        Manifest m;
        try {
            m = Manifest.read(folder);
        } catch (RuntimeException e) {
            checks.add(new Check("manifest", false, message(e)));
            return;
        }
        checks.add(new Check("manifest", true, m.file() + " (" + m.kind() + " '" + m.id() + "', protocol " + Manifest.PROTOCOL + ")"));
        log.accept("manifest valid: " + m.id());
        if (m.isScheme()) {
            scheme(m, seed, data, checks, log);
        } else {
            adversary(m, seed, data, checks, log);
        }
    }

    private static void scheme(Manifest m, long seed, DataSource data, List<Check> checks, Consumer<String> log) {
        Scheme scheme = Registry.scheme(m.id(), Params.empty(m.id()));
        Coins root = Coins.root(seed).derive("kit");
        Network original;
        Dataset calibration;
        try {
            original = new ModelFamily(new Params("model", scheme.modelDefaults()), data).sample(data, root.derive("model"));
            Dataset train = data.train();
            calibration = train.rows(root.derive("calibration").sample(train.size(), Math.min(512, train.size())));
        } catch (RuntimeException e) {
            checks.add(new Check("original", false, "no original of the scheme's model settings " + m.model() + ": " + message(e)));
            return;
        }
        long t0 = System.nanoTime();
        Release a;
        Release b;
        try {
            a = scheme.release(original, calibration, root.derive("release"));
            b = scheme.release(original, calibration, root.derive("release"));
        } catch (RuntimeException e) {
            checks.add(new Check("release", false, message(e)));
            checks.add(skipped(m));
            return;
        }
        double secs = (System.nanoTime() - t0) / 2e9;
        checks.add(new Check("release answers within limits", true, String.format("%.1f s per release", secs)));
        boolean same = a.artifact().sha256().equals(b.artifact().sha256());
        checks.add(new Check("release replays bit for bit", same, same ? "artifact sha256 " + a.artifact().sha256()
                : "two releases from the same coins differ: " + a.artifact().sha256() + " and " + b.artifact().sha256()
                        + "; draw every random choice from the rng it is given"));
        Map<String, INDArray> secret = a.secret().protectedParameters();
        checks.add(new Check("protected tensors exist", !secret.isEmpty(), secret.keySet().size() + " protected tensors: "
                + String.join(", ", secret.keySet().stream().limit(6).toList())));
        String malformed = secret.isEmpty() ? null : SecretShapes.problem(secret, original.state());
        checks.add(new Check("secret names the original's tensors with their shapes", malformed == null, malformed == null
                ? "every protected tensor is a tensor of the original, or a part of one"
                : malformed + "; ext-w could judge no answer (docs/plugins.md, 'The secret')"));
        try {
            INDArray x = data.test().features();
            INDArray x256 = x.rows() > 256 ? x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 256),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()) : x;
            INDArray want = original.forward(x256);
            INDArray got = scheme.inference(a.artifact()).forward(x256);
            double err = org.weightgames.core.Nd.relativeError(got, want);
            boolean ok = err <= m.fidelity();
            checks.add(new Check("infer within the declared fidelity", ok, String.format("relative output error %.3g (declared %.3g)",
                    err, m.fidelity())));
        } catch (RuntimeException e) {
            checks.add(new Check("infer within the declared fidelity", false, message(e)));
            checks.add(skipped(m));
            return;
        }
        log.accept("release and infer checked");
        List<Claims.Claim> claims = Claims.builtIn(m.id());
        if (!claims.isEmpty()) {
            try {
                for (Verify.Check c : Verify.run(claims, seed, data, 1, null, 0.95, log)) {
                    checks.add(new Check("claim " + c.claim().id(), c.matches(), (c.matches() ? "" : c.status() + ": ") + c.describe(), true));
                }
            } catch (RuntimeException e) {
                checks.add(new Check("claims", false, "the claims' games stopped: " + message(e), true));
            }
        }
    }

    /** The line that says the claims were not played, when release or inference already failed. */
    private static Check skipped(Manifest m) {
        return new Check("claims", false, Claims.builtIn(m.id()).isEmpty() ? "none in the manifest's claims file"
                : "not played: each of their trials would fail as the check above did; fix it first", false);
    }

    private static void adversary(Manifest m, long seed, DataSource data, List<Check> checks, Consumer<String> log) {
        Adversary adv = Registry.adversary(m.id(), Params.empty(m.id()));
        for (String game : m.games()) {
            Scheme target = Registry.schemes().stream().filter(s -> Registry.plays(adv, game, s.id())).findFirst().orElse(null);
            if (target == null) {
                checks.add(new Check("plays " + game, false, "no installed scheme is of a type it targets " + m.targets()));
                continue;
            }
            Outcome o;
            try {
                GameSpec spec = GameSpec.against(target.id(), game, m.id(), Map.of(), data, "");
                List<TrialRecord> r = new TrialRunner(1).run(spec, seed, 0, 1, i -> { });
                o = r.get(0).outcomes().get(0);
            } catch (RuntimeException e) {
                checks.add(new Check("plays " + game + " against " + target.id(), false, message(e)));
                continue;
            }
            checks.add(new Check("plays " + game + " against " + target.id(), o.failure() == null,
                    o.failure() == null ? (o.won() ? "answered and won" : "answered and lost") : o.failure()));
            log.accept("played " + game + " against " + target.id());
        }
    }
}
