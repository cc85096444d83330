package org.weightgames.game;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.weightgames.core.Params;
import org.weightgames.core.WgException;

/**
 * The schemes, definitions and adversaries on the class path, found with
 * {@link ServiceLoader}. Each lookup builds a fresh instance, initialised with its parameters.
 */
public final class Registry {
    private static volatile Extension extension;

    private Registry() {
    }

    /**
     * Components that are not on the class path (plugins, found in folders at run time): each call
     * gives fresh, uninitialised instances, listed beside the ServiceLoader's.
     */
    public interface Extension {
        List<Scheme> schemes();

        List<Adversary> adversaries();
    }

    /** Makes {@code e}'s components known (null: none), replacing any installed before. */
    public static void extend(Extension e) {
        extension = e;
    }

    public static List<Scheme> schemes() {
        return all(Scheme.class, Scheme::id);
    }

    public static List<Definition> definitions() {
        return all(Definition.class, Definition::id);
    }

    public static List<Adversary> adversaries() {
        return all(Adversary.class, Adversary::id);
    }

    public static Scheme scheme(String id, Params params) {
        Scheme s = find(schemes(), Scheme::id, id, "scheme");
        s.init(params);
        return s;
    }

    public static Definition definition(String id, Params params) {
        Definition d = find(definitions(), Definition::id, id, "definition");
        d.init(params);
        return d;
    }

    public static Adversary adversary(String id, Params params) {
        Adversary a = find(adversaries(), Adversary::id, id, "adversary");
        a.init(params);
        return a;
    }

    /** Validates an id without initialising anything. */
    public static void require(String kind, String id) {
        switch (kind) {
            case "scheme":
                find(schemes(), Scheme::id, id, kind);
                break;
            case "definition":
                find(definitions(), Definition::id, id, kind);
                break;
            default:
                find(adversaries(), Adversary::id, id, kind);
        }
    }

    private static <T> List<T> all(Class<T> type, java.util.function.Function<T, String> id) {
        List<T> list = new ArrayList<>();
        for (T t : ServiceLoader.load(type)) {
            list.add(t);
        }
        Extension e = extension;
        if (e != null && type == Scheme.class) {
            e.schemes().forEach(x -> list.add(type.cast(x)));
        } else if (e != null && type == Adversary.class) {
            e.adversaries().forEach(x -> list.add(type.cast(x)));
        }
        list.sort(Comparator.comparing(id));
        return list;
    }

    private static <T> T find(List<T> all, java.util.function.Function<T, String> id, String want, String kind) {
        List<String> known = new ArrayList<>();
        for (T t : all) {
            if (id.apply(t).equals(want)) {
                return t;
            }
            known.add(id.apply(t));
        }
        throw new WgException("unknown " + kind + " '" + want + "'; known " + kind + "s: " + String.join(", ", known)
                + " (see ./wg list)");
    }

    /**
     * Whether {@code adversary} plays {@code definition} against {@code scheme}: it implements the
     * game's interface ({@link Definition#plays()}), targets the scheme's type
     * ({@link Adversary#targets}) and the scheme is played in that game ({@link Scheme#playedIn}).
     * Asks uninitialised instances: no parameters involved.
     */
    public static boolean plays(Adversary adversary, String definition, String scheme) {
        return plays(adversary, find(definitions(), Definition::id, definition, "definition"),
                find(schemes(), Scheme::id, scheme, "scheme"));
    }

    /** {@link #plays(Adversary, String, String)} on instances at hand. */
    public static boolean plays(Adversary adversary, Definition definition, Scheme scheme) {
        return definition.plays().isInstance(adversary) && adversary.targets(scheme) && scheme.playedIn(definition.id());
    }

    /** Parameters for a component from the per-component settings, empty when none were given. */
    public static Params params(String component, Map<String, Map<String, String>> settings) {
        return new Params(component, settings.getOrDefault(component, Map.of()));
    }
}
