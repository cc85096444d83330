package org.weightgames.game;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.weightgames.data.DataSource;
import org.weightgames.model.ModelFamily;

/**
 * One game to play: a scheme, a definition, the adversaries (played on the same challenges, in
 * this order), per-component settings (component id, or {@code model}, to key/value) and the data.
 */
public record GameSpec(String scheme, String definition, List<String> adversaries,
        Map<String, Map<String, String>> settings, DataSource data) {

    public GameSpec {
        adversaries = List.copyOf(adversaries);
        Map<String, Map<String, String>> copy = new TreeMap<>();
        settings.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        settings = copy;
    }

    public Scheme newScheme() {
        return Registry.scheme(scheme, Registry.params(scheme, settings));
    }

    public Definition newDefinition() {
        return Registry.definition(definition, Registry.params(definition, settings));
    }

    public List<Adversary> newAdversaries() {
        List<Adversary> list = new ArrayList<>();
        for (String id : adversaries) {
            list.add(Registry.adversary(id, Registry.params(id, settings)));
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
        return new ModelFamily(Registry.params("model", settings), data);
    }

    /** The coins of this game's trials: one derivation per (scheme, definition) below the run's root. */
    public Coins coins(long seed) {
        return Coins.root(seed).derive("game/" + scheme + "/" + definition);
    }
}
