package org.weightgames.core;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Named parameters of a scheme, adversary or game, as strings with typed, validated getters.
 * Every getter records the value it used, so a report's provenance lists every parameter that
 * shaped a result, defaults included. Unknown keys are refused by {@link #checkAllUsed}.
 */
public final class Params {
    private final String owner;
    private final Map<String, String> values;
    private final Map<String, String> used = new TreeMap<>();

    public Params(String owner, Map<String, String> values) {
        this.owner = owner;
        this.values = new TreeMap<>(values);
    }

    public static Params empty(String owner) {
        return new Params(owner, Map.of());
    }

    public String owner() {
        return owner;
    }

    public synchronized String getString(String key, String def, Set<String> allowed) {
        String v = values.getOrDefault(key, def);
        if (allowed != null && !allowed.contains(v)) {
            throw new WgException(owner + ": parameter '" + key + "' is '" + v + "'; use one of " + new java.util.TreeSet<>(allowed));
        }
        used.put(key, v);
        return v;
    }

    public synchronized int getInt(String key, int def, int min, int max) {
        int v = parse(key, def, Integer::parseInt, "a whole number");
        if (v < min || v > max) {
            throw new WgException(owner + ": parameter '" + key + "' must be between " + min + " and " + max + ", got " + v);
        }
        used.put(key, Integer.toString(v));
        return v;
    }

    public synchronized double getDouble(String key, double def, double min, double max) {
        double v = parse(key, def, Double::parseDouble, "a number");
        if (!(v >= min && v <= max)) {
            throw new WgException(owner + ": parameter '" + key + "' must be between " + min + " and " + max + ", got "
                    + values.get(key));
        }
        used.put(key, Double.toString(v));
        return v;
    }

    /** The value given for key, parsed, or the default; refused naming what kind of value it must be. */
    private <T> T parse(String key, T def, java.util.function.Function<String, T> parser, String kind) {
        String raw = values.get(key);
        if (raw == null) {
            return def;
        }
        try {
            return parser.apply(raw.trim());
        } catch (NumberFormatException e) {
            throw new WgException(owner + ": parameter '" + key + "' must be " + kind + ", got '" + raw + "'");
        }
    }

    public synchronized long getLong(String key, long def) {
        long v = parse(key, def, Long::parseLong, "a whole number");
        used.put(key, Long.toString(v));
        return v;
    }

    /** A comma-separated list of whole numbers, each between min and max, e.g. {@code 256,128}. */
    public synchronized int[] getInts(String key, int[] def, int min, int max) {
        String raw = values.get(key);
        int[] v = def;
        if (raw != null) {
            String[] parts = raw.split(",");
            v = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    v[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new WgException(owner + ": parameter '" + key + "' must be whole numbers separated by commas"
                            + " (e.g. 256,128), got '" + raw + "'");
                }
            }
        }
        if (v.length == 0) {
            throw new WgException(owner + ": parameter '" + key + "' needs at least one number");
        }
        StringBuilder sb = new StringBuilder();
        for (int x : v) {
            if (x < min || x > max) {
                throw new WgException(owner + ": parameter '" + key + "' holds " + x + "; each entry must be between "
                        + min + " and " + max);
            }
            sb.append(sb.length() > 0 ? "," : "").append(x);
        }
        used.put(key, sb.toString());
        return v;
    }

    public synchronized boolean getBoolean(String key, boolean def) {
        String raw = values.get(key);
        boolean v;
        if (raw == null) {
            v = def;
        } else if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            v = Boolean.parseBoolean(raw);
        } else {
            throw new WgException(owner + ": parameter '" + key + "' must be true or false, got '" + raw + "'");
        }
        used.put(key, Boolean.toString(v));
        return v;
    }

    /** Whether {@code key} was given (options read only when given leave no default in {@link #used()}). */
    public synchronized boolean has(String key) {
        return values.containsKey(key);
    }

    /** Every key that was given but never read is a typo: refuse it. */
    public synchronized void checkAllUsed() {
        for (String k : values.keySet()) {
            if (!used.containsKey(k)) {
                throw new WgException(owner + ": unknown parameter '" + k + "'; known parameters are " + used.keySet());
            }
        }
    }

    /** The parameters as used (defaults included), sorted by name. */
    public synchronized Map<String, String> used() {
        return Collections.unmodifiableMap(new TreeMap<>(used));
    }
}
