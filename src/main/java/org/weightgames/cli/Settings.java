package org.weightgames.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.weightgames.core.WgException;

/**
 * Per-component settings from a JSON config file and {@code --set component.key=value} flags
 * (flags win). The file is one object of objects: {@code {"taylormlp": {"order": 4}, "model":
 * {"hidden": 128}}}; values are strings, numbers or booleans.
 */
public final class Settings {
    private Settings() {
    }

    public static Map<String, Map<String, String>> load(Path config, List<String> sets) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        if (config != null) {
            readFile(config, out);
        }
        for (String s : sets) {
            String[] ckv = split(s, "--set", "value (e.g. --set taylormlp.order=4)");
            out.computeIfAbsent(ckv[0], k -> new TreeMap<>()).put(ckv[1], ckv[2]);
        }
        return out;
    }

    /**
     * The flags that give these settings back on a replay command line: {@code --set} for each, then
     * {@code --config} when a file was given. The list is fresh, for the caller to add its own flags to.
     */
    static List<String> replayFlags(List<String> sets, Path config) {
        List<String> flags = new ArrayList<>();
        for (String s : sets) {
            flags.add("--set " + s);
        }
        if (config != null) {
            flags.add("--config " + config);
        }
        return flags;
    }

    /** Splits {@code component.key=value} into its three parts, or refuses it naming the flag. */
    static String[] split(String s, String flag, String valueHint) {
        int dot = s.indexOf('.');
        int eq = s.indexOf('=');
        if (dot <= 0 || eq < dot + 2) {
            throw new WgException(flag + " '" + s + "' is not of the form component.key=" + valueHint);
        }
        return new String[] {s.substring(0, dot), s.substring(dot + 1, eq), s.substring(eq + 1)};
    }

    private static void readFile(Path file, Map<String, Map<String, String>> out) {
        if (!Files.isRegularFile(file)) {
            throw new WgException("config file " + file + " does not exist; give the path of a JSON file");
        }
        JsonNode root;
        try {
            ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
            mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new WgException("config file " + file + " is not valid JSON" + where + ": " + e.getOriginalMessage()
                    + "; fix the file (it must be an object of objects, e.g. {\"taylormlp\": {\"order\": 4}})");
        } catch (IOException e) {
            throw new WgException("config file " + file + " cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new WgException("config file " + file + " must hold a JSON object of objects, e.g. {\"taylormlp\": {\"order\": 4}}");
        }
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> c = it.next();
            if (!c.getValue().isObject()) {
                throw new WgException("config file " + file + ": \"" + c.getKey() + "\" must be an object of parameters, got "
                        + c.getValue().getNodeType().toString().toLowerCase());
            }
            Iterator<Map.Entry<String, JsonNode>> kv = c.getValue().fields();
            while (kv.hasNext()) {
                Map.Entry<String, JsonNode> p = kv.next();
                JsonNode v = p.getValue();
                if (!v.isValueNode() || v.isNull()) {
                    throw new WgException("config file " + file + ": \"" + c.getKey() + "." + p.getKey()
                            + "\" must be a string, number or boolean");
                }
                out.computeIfAbsent(c.getKey(), k -> new TreeMap<>()).put(p.getKey(), v.asText());
            }
        }
    }
}
