package org.weightgames.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.weightgames.data.DataSource;
import org.weightgames.model.ModelFamily;
import org.weightgames.core.Params;
import org.weightgames.core.WgException;
import org.weightgames.isolation.Isolation;
import org.weightgames.isolation.IsolatedAdversary;
import org.weightgames.game.Scheme;
import org.weightgames.game.Adversary;
import org.weightgames.game.Definition;
import org.weightgames.game.Registry;

/**
 * One game to play: a scheme, a definition, the adversaries (played on the same challenges, in
 * this order, the reference adversary last), per-component settings (component id, or
 * {@code model}, to key/value), the data, and a variant label ("" for none) naming the settings
 * that set this game apart from its siblings in an audit (e.g. {@code data-fraction=0.01}).
 */
public record GameSpec(String scheme, String definition, List<String> adversaries,
        Map<String, Map<String, String>> settings, DataSource data, String variant) {

    public GameSpec(String scheme, String definition, List<String> adversaries, Map<String, Map<String, String>> settings,
            DataSource data) {
        this(scheme, definition, adversaries, settings, data, "");
    }

    /** One adversary against the definition's reference adversary (baseline, or e.g. scratch). */
    public static GameSpec against(String scheme, String definition, String adversary,
            Map<String, Map<String, String>> settings, DataSource data, String variant) {
        String reference = Registry.definition(definition, Registry.params(definition, settings)).baseline();
        return new GameSpec(scheme, definition, List.of(adversary, reference), settings, data, variant);
    }

    public GameSpec {
        variant = variant == null ? "" : variant;
        adversaries = List.copyOf(adversaries);
        Map<String, Map<String, String>> copy = new TreeMap<>();
        settings.forEach((k, v) -> copy.put(k, java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(v))));
        settings = copy;
    }

    public Scheme newScheme() {
        return Registry.scheme(scheme, Registry.params(scheme, settings));
    }

    public Definition newDefinition() {
        return Registry.definition(definition, Registry.params(definition, settings));
    }

    public List<Adversary> newAdversaries() {
        Isolation isolation = Isolation.from(settings);
        Definition game = isolation.enabled() ? newDefinition() : null;
        // a game whose players are the scheme's own users (correct) is played in process
        boolean isolate = game != null && game.isolates();
        Map<String, String> schemeParams = isolate ? newSchemeParams() : null;
        org.weightgames.isolation.Sandbox sandbox = org.weightgames.isolation.Sandbox.from(settings);
        if (isolate) {
            sandbox.check(); // refused before any trial where bubblewrap is missing
        }
        List<Adversary> list = new ArrayList<>();
        for (String id : adversaries) {
            Params p = Registry.params(id, settings);
            Adversary a = Registry.adversary(id, p);
            list.add(isolate ? IsolatedAdversary.of(game, a, p.used(), scheme, schemeParams, isolation,
                    sandbox) : a);
        }
        return list;
    }

    /** The scheme's parameters as used, defaults included. */
    public Map<String, String> newSchemeParams() {
        Params p = Registry.params(scheme, settings);
        Registry.scheme(scheme, p);
        return p.used();
    }

    public Map<String, String> newDefinitionParams() {
        Params p = Registry.params(definition, settings);
        Registry.definition(definition, p);
        return p.used();
    }

    public Map<String, String> adversaryParams(String id) {
        Params p = Registry.params(id, settings);
        Registry.adversary(id, p);
        return p.used();
    }

    public ModelFamily newFamily() {
        Map<String, String> defaults = newScheme().modelDefaults();
        Map<String, String> model = new TreeMap<>(defaults);
        model.putAll(settings.getOrDefault("model", Map.of()));
        try {
            return new ModelFamily(new Params("model", model), data);
        } catch (WgException e) {
            Map<String, String> implied = new TreeMap<>(defaults);
            implied.keySet().removeAll(settings.getOrDefault("model", Map.of()).keySet());
            if (implied.isEmpty()) {
                throw e;
            }
            throw new WgException(e.getMessage() + " (scheme '" + scheme + "' draws its originals with model settings " + implied
                    + " unless told otherwise; name the schemes you mean with --scheme, or set those keys)");
        }
    }



    /** {@code scheme/definition}, with the variant in brackets when there is one. */
    public String label() {
        return scheme + "/" + definition + (variant.isEmpty() ? "" : "[" + variant + "]");
    }
}
