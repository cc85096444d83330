package org.weightgames.report;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.weightgames.game.WgException;

/**
 * The bounds on advantage that a scheme's authors claim, per definition, from
 * {@code schemes/<id>.json} (shipped in the jar). A definition without a claim is judged against
 * {@link #DEFAULT_BOUND}, and the report says so.
 */
public final class Claims {
    public static final double DEFAULT_BOUND = 0.05;

    /** A claimed bound and where it comes from. */
    public record Claim(String definition, double bound, String statement, String source) {
    }

    private Claims() {
    }

    public static Map<String, Claim> of(String scheme) {
        String path = "schemes/" + scheme + ".json";
        String text = Resources.text(path);
        Map<String, Claim> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        try {
            JsonNode root = new ObjectMapper().readTree(text);
            for (JsonNode c : root.path("claims")) {
                String def = c.path("definition").asText(null);
                JsonNode bound = c.path("bound");
                if (def == null || !bound.isNumber() || bound.asDouble() < 0 || bound.asDouble() > 1) {
                    throw new WgException(path + ": every claim needs a 'definition' and a 'bound' in [0, 1]");
                }
                out.put(def, new Claim(def, bound.asDouble(), c.path("statement").asText(""), c.path("source").asText("")));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new WgException(path + " is not valid JSON: " + e.getOriginalMessage());
        }
        return out;
    }

    public static Claim forGame(String scheme, String definition) {
        Claim c = of(scheme).get(definition);
        return c != null ? c : new Claim(definition, DEFAULT_BOUND, "no claim on file; default bound", "WeightGames default");
    }
}
