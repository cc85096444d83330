package org.weightgames.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.weightgames.core.WgException;

/**
 * A plugin's {@code wg-plugin.json}, read and checked (docs/plugins.md): {@code protocol} (1),
 * {@code id}, {@code kind} ({@code scheme} or {@code adversary}), {@code command} (the program and
 * its arguments, run in the plugin's folder), {@code description}, {@code parameters} (name to
 * {@code {"default": ..., "meaning": ...}}) and {@code games}; a scheme may add {@code layout}
 * (its artifacts follow a built-in layout, {@code taylormlp} or {@code weights}, so the built-in
 * adversaries of that layout attack it), {@code usage-control}, {@code model} (model settings it
 * is meant for), {@code fidelity} (the relative output error its inference keeps, checked by the
 * kit), {@code variants} (definition to a list of settings, as built-in schemes' audit variants)
 * and {@code claims} in the claims format (schemes/CLAIMS.md); an adversary adds {@code targets}.
 * Every error names the file and what to write instead. {@code sha256} is that of the whole plugin
 * folder ({@link #folderSha256}), what reports record of the code that played.
 */
public record Manifest(Path folder, Path file, String id, String kind, List<String> command, String description,
        Map<String, String> defaults, List<String> games, String layout, boolean usageControl, Map<String, String> model,
        double fidelity, Map<String, List<Map<String, Map<String, String>>>> variants, List<String> targets, boolean hasClaims,
        String sha256) {
    public static final String FILE = "wg-plugin.json";
    public static final int PROTOCOL = 1;
    static final Set<String> GAMES = Set.of("ext-w", "ext-f", "ind", "uc", "correct");
    static final Set<String> LAYOUTS = Set.of("taylormlp", "weights");
    private static final Set<String> COMMON = Set.of("protocol", "id", "kind", "command", "description", "parameters", "games");
    private static final Set<String> SCHEME = Set.of("layout", "usage-control", "model", "fidelity", "variants", "claims", "name",
            "source");
    private static final Set<String> ADVERSARY = Set.of("targets");

    /** Reads {@code folder/wg-plugin.json}. */
    public static Manifest read(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new WgException(folder + " is not a plugin: it has no " + FILE + " (see docs/plugins.md)");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new WgException(file + " cannot be read: " + e.getMessage());
        }
        JsonNode n;
        try {
            ObjectMapper m = new ObjectMapper();
            m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            n = m.readTree(bytes);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new WgException(file + ", line " + line + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new WgException(file + " cannot be read: " + e.getMessage());
        }
        return parse(folder.toAbsolutePath().normalize(), file, n, folderSha256(folder));
    }

    /**
     * SHA-256 over every file of the plugin's folder (relative path and content, sorted by path;
     * Python's caches left out): what the report records of the code that played.
     */
    static String folderSha256(Path folder) {
        try (java.util.stream.Stream<Path> walk = Files.walk(folder)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Path p : walk.filter(Files::isRegularFile).filter(p -> !p.toString().contains("__pycache__"))
                    .sorted(java.util.Comparator.comparing(x -> folder.relativize(x).toString())).toList()) {
                d.update(folder.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(Files.readAllBytes(p));
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException e) {
            throw new WgException("plugin folder " + folder + " cannot be read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Manifest parse(Path folder, Path file, JsonNode n, String sha) {
        String at = file + ": ";
        if (n == null || !n.isObject()) {
            throw new WgException(at + "a plugin manifest is one JSON object (see docs/plugins.md)");
        }
        if (!n.path("protocol").isInt() || n.path("protocol").asInt() != PROTOCOL) {
            throw new WgException(at + "\"protocol\" must be " + PROTOCOL + " (the protocol version this WeightGames speaks), got "
                    + n.path("protocol"));
        }
        String id = text(n, "id", at);
        if (!id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new WgException(at + "\"id\" '" + id + "' must be lower-case letters, digits and dashes");
        }
        String kind = text(n, "kind", at);
        if (!kind.equals("scheme") && !kind.equals("adversary")) {
            throw new WgException(at + "\"kind\" must be \"scheme\" or \"adversary\", got \"" + kind + "\"");
        }
        Set<String> allowed = new java.util.HashSet<>(COMMON);
        allowed.addAll(kind.equals("scheme") ? SCHEME : ADVERSARY);
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new WgException(at + "unknown field \"" + f + "\" for a " + kind + " plugin; allowed: " + new java.util.TreeSet<>(allowed));
            }
        }
        List<String> command = strings(n.path("command"), "command", at);
        if (command.isEmpty()) {
            throw new WgException(at + "\"command\" must name the program to start, e.g. [\"/usr/bin/python3\", \"plugin.py\"]");
        }
        String description = text(n, "description", at);
        Map<String, String> defaults = new TreeMap<>();
        JsonNode ps = n.path("parameters");
        if (!ps.isMissingNode()) {
            if (!ps.isObject()) {
                throw new WgException(at + "\"parameters\" must be an object: name to {\"default\": value, \"meaning\": text}");
            }
            ps.fields().forEachRemaining(e -> {
                JsonNode d = e.getValue().path("default");
                if (!e.getKey().matches("[a-z0-9][a-z0-9-]*") || !d.isValueNode() || d.isNull()) {
                    throw new WgException(at + "parameter \"" + e.getKey() + "\" needs a lower-case dashed name and a scalar"
                            + " \"default\"");
                }
                defaults.put(e.getKey(), d.asText());
            });
        }
        List<String> games = strings(n.path("games"), "games", at);
        for (String g : games) {
            if (!GAMES.contains(g)) {
                throw new WgException(at + "\"games\" names unknown game '" + g + "'; games: " + new java.util.TreeSet<>(GAMES));
            }
        }
        if (games.isEmpty()) {
            throw new WgException(at + "\"games\" must list at least one of " + new java.util.TreeSet<>(GAMES));
        }
        String layout = n.path("layout").isMissingNode() ? "" : text(n, "layout", at);
        if (!layout.isEmpty() && !LAYOUTS.contains(layout)) {
            throw new WgException(at + "\"layout\" '" + layout + "' is not a built-in layout; use one of " + LAYOUTS + " or leave it out");
        }
        boolean uc = n.path("usage-control").asBoolean(false);
        Map<String, String> model = new TreeMap<>();
        n.path("model").fields().forEachRemaining(e -> model.put(e.getKey(), e.getValue().asText()));
        double fidelity = n.path("fidelity").isMissingNode() ? Double.NaN : n.path("fidelity").asDouble(Double.NaN);
        if (kind.equals("scheme") && !(fidelity >= 0)) {
            throw new WgException(at + "a scheme plugin declares \"fidelity\": the largest relative output error of its inference"
                    + " against the original (e.g. 0.001), which the kit checks");
        }
        Map<String, List<Map<String, Map<String, String>>>> variants = new TreeMap<>();
        n.path("variants").fields().forEachRemaining(e -> {
            List<Map<String, Map<String, String>>> list = new ArrayList<>();
            for (JsonNode v : e.getValue()) {
                Map<String, Map<String, String>> settings = new TreeMap<>();
                v.fields().forEachRemaining(c -> {
                    Map<String, String> kv = new TreeMap<>();
                    c.getValue().fields().forEachRemaining(x -> kv.put(x.getKey(), x.getValue().asText()));
                    settings.put(c.getKey(), kv);
                });
                list.add(settings);
            }
            variants.put(e.getKey(), list);
        });
        List<String> targets = kind.equals("adversary") ? strings(n.path("targets"), "targets", at) : List.of();
        if (kind.equals("adversary") && targets.isEmpty()) {
            throw new WgException(at + "an adversary plugin lists the schemes it \"targets\": scheme ids or the types any, weights,"
                    + " hosted, usage-control, taylormlp");
        }
        return new Manifest(folder, file, id, kind, command, description, defaults, games, layout, uc, model, fidelity, variants,
                targets, n.has("claims"), sha);
    }

    public boolean isScheme() {
        return kind.equals("scheme");
    }

    private static String text(JsonNode n, String field, String at) {
        JsonNode v = n.path(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new WgException(at + "\"" + field + "\" must be a non-empty string");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode v, String field, String at) {
        if (v.isMissingNode()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new WgException(at + "\"" + field + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new WgException(at + "\"" + field + "\" must be an array of strings; found " + e);
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }
}
