package org.weightgames.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.weightgames.game.Adversary;
import org.weightgames.game.Registry;
import org.weightgames.core.WgException;
import org.weightgames.core.Resources;

/**
 * The guarantees a scheme claims, from {@code schemes/<id>.json} (shipped in the jar) or a file
 * given on the command line. The format is documented in {@code schemes/CLAIMS.md}; every error
 * names the file and the line of the claim at fault.
 */
public final class Claims {
    public static final double DEFAULT_BOUND = 0.05;
    private static final Set<String> FIELDS = Set.of("id", "definition", "adversary", "budgets", "parameters", "settings",
            "bound", "statement", "source", "expected", "trials");
    /** Budget names and the definition parameters they set. */
    private static final Map<String, String> BUDGETS = Map.of("queries", "queries", "data_fraction", "data-fraction",
            "epochs", "epochs");

    /** One claimed guarantee and the verdict expected today. */
    public record Claim(String id, String scheme, String definition, String adversary, double bound, String statement,
            String source, String expected, int trials, Map<String, Map<String, String>> settings, String file, int line) {

        /** Where the claim is written, for messages. */
        public String where() {
            return file + ", line " + line;
        }
    }

    private Claims() {
    }

    /** The built-in claims of a scheme (empty when it has no claims file). */
    public static List<Claim> builtIn(String scheme) {
        String path = "schemes/" + scheme + ".json";
        String text = Resources.text(path);
        if (text == null) {
            java.util.Optional<Path> own = Registry.schemes().stream().filter(s -> s.id().equals(scheme)).findFirst()
                    .flatMap(org.weightgames.game.Scheme::claimsFile);
            if (own.isEmpty()) {
                return List.of();
            }
            try {
                return parse(own.get().toString(), Files.readString(own.get()), scheme);
            } catch (IOException e) {
                throw new WgException("claims of scheme '" + scheme + "' in " + own.get() + " cannot be read: " + e.getMessage());
            }
        }
        return parse(path, text, scheme);
    }

    /** The claims in a file; its {@code id} names the scheme. */
    public static List<Claim> file(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new WgException("claims file " + path + " does not exist");
        }
        try {
            return parse(path.toString(), Files.readString(path), null);
        } catch (IOException e) {
            throw new WgException("claims file " + path + " cannot be read: " + e.getMessage());
        }
    }

    /** The bound an audit judges a game against: the scheme's claim for the definition, else the default. */
    public static Claim forGame(String scheme, String definition) {
        for (Claim c : builtIn(scheme)) {
            if (c.definition().equals(definition)) {
                return c;
            }
        }
        return new Claim("default", scheme, definition, null, DEFAULT_BOUND, "no claim on file; default bound",
                "WeightGames default", null, 0, Map.of(), "", 0);
    }

    static List<Claim> parse(String file, String text, String expectedScheme) {
        ObjectMapper mapper = new ObjectMapper();
        List<Claim> claims = new ArrayList<>();
        String scheme = null;
        try (JsonParser p = mapper.getFactory().createParser(text)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WgException(file + ", line 1: a claims file is one JSON object with \"id\" and \"claims\"");
            }
            boolean sawClaims = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken t = p.nextToken();
                if (field.equals("id")) {
                    scheme = p.getValueAsString();
                } else if (field.equals("claims")) {
                    if (t != JsonToken.START_ARRAY) {
                        throw new WgException(file + ", line " + p.getTokenLocation().getLineNr() + ": \"claims\" must be an array");
                    }
                    sawClaims = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        int line = p.getTokenLocation().getLineNr();
                        JsonNode node = mapper.readTree(p);
                        claims.add(claim(file, line, scheme, node));
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (scheme == null) {
                throw new WgException(file + ": the file needs an \"id\" naming its scheme, before \"claims\"");
            }
            if (!sawClaims) {
                throw new WgException(file + ": the file has no \"claims\" array");
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new WgException(file + ", line " + line + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new WgException(file + " cannot be read: " + e.getMessage());
        }
        if (expectedScheme != null && !expectedScheme.equals(scheme)) {
            throw new WgException(file + ": its \"id\" is '" + scheme + "' but the file belongs to scheme '" + expectedScheme + "'");
        }
        List<String> ids = new ArrayList<>();
        for (Claim c : claims) {
            if (ids.contains(c.id())) {
                throw new WgException(c.where() + ": claim id '" + c.id() + "' is used twice");
            }
            ids.add(c.id());
        }
        return claims;
    }

    private static Claim claim(String file, int line, String scheme, JsonNode n) {
        String head = file + ", line " + line + ": ";
        if (scheme == null) {
            throw new WgException(head + "\"id\" (the scheme) must come before \"claims\"");
        }
        Iterator<String> names = n.fieldNames();
        while (names.hasNext()) {
            String f = names.next();
            if (!FIELDS.contains(f)) {
                throw new WgException(head + "unknown field '" + f + "'; a claim has " + new java.util.TreeSet<>(FIELDS));
            }
        }
        String id = text(n, "id", head);
        if (!id.matches("[a-z0-9][a-z0-9-]*")) {
            throw new WgException(head + "claim id '" + id + "' must be lower-case letters, digits and dashes");
        }
        String at = head + "claim '" + id + "': ";
        String definition = text(n, "definition", at);
        String adversary = text(n, "adversary", at);
        try {
            Registry.require("scheme", scheme);
            Registry.require("definition", definition);
            Registry.require("adversary", adversary);
        } catch (WgException e) {
            throw new WgException(at + e.getMessage());
        }
        Adversary a = Registry.adversaries().stream().filter(x -> x.id().equals(adversary)).findFirst().orElseThrow();
        if (!Registry.plays(a, definition, scheme)) {
            throw new WgException(at + "adversary '" + adversary + "' does not play " + scheme + "/" + definition);
        }
        JsonNode bound = n.path("bound");
        if (!bound.isNumber() || bound.asDouble() < 0 || bound.asDouble() > 1) {
            throw new WgException(at + "'bound' must be a number in [0, 1]");
        }
        String expected = text(n, "expected", at);
        if (!expected.equals("holds") && !expected.equals("broken")) {
            throw new WgException(at + "'expected' must be \"holds\" or \"broken\", got \"" + expected + "\"");
        }
        JsonNode trials = n.path("trials");
        if (!trials.isInt() || trials.asInt() < 1 || trials.asInt() > 100_000) {
            throw new WgException(at + "'trials' must be a whole number from 1 to 100000");
        }
        Map<String, Map<String, String>> settings = new TreeMap<>();
        JsonNode s = n.path("settings");
        if (!s.isMissingNode()) {
            if (!s.isObject()) {
                throw new WgException(at + "'settings' must be an object of objects, e.g. {\"taylormlp\": {\"order\": 8}}");
            }
            s.fields().forEachRemaining(e -> settings.put(e.getKey(), scalars(e.getValue(), "settings." + e.getKey(), null, at)));
        }
        Map<String, String> def = settings.computeIfAbsent(definition, k -> new TreeMap<>());
        def.putAll(scalars(n.path("parameters"), "parameters", null, at));
        def.putAll(scalars(n.path("budgets"), "budgets", BUDGETS, at));
        if (def.isEmpty()) {
            settings.remove(definition);
        }
        return new Claim(id, scheme, definition, adversary, bound.asDouble(), text(n, "statement", at), text(n, "source", at),
                expected, trials.asInt(), settings, file, line);
    }

    private static String text(JsonNode n, String field, String at) {
        JsonNode v = n.path(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new WgException(at + "'" + field + "' must be a non-empty string");
        }
        return v.asText();
    }

    /** An object of scalars as strings; with {@code rename}, only its keys are allowed and are renamed. */
    private static Map<String, String> scalars(JsonNode n, String what, Map<String, String> rename, String at) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n.isMissingNode()) {
            return out;
        }
        if (!n.isObject()) {
            throw new WgException(at + "'" + what + "' must be an object");
        }
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new WgException(at + "'" + what + "." + e.getKey() + "' must be a string, number or boolean");
            }
            String key = e.getKey();
            if (rename != null) {
                if (!rename.containsKey(key)) {
                    throw new WgException(at + "unknown budget '" + key + "'; budgets are " + new java.util.TreeSet<>(rename.keySet()));
                }
                key = rename.get(key);
            }
            out.put(key, e.getValue().asText());
        }
        return out;
    }
}
