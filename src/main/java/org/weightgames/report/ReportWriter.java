package org.weightgames.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.weightgames.core.WgException;
import org.weightgames.stats.GameSummary;

/** Writes report.json, report.md and timing.json, each atomically (temporary file, then rename). */
public final class ReportWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {
    }

    /** The findings as the short table that ends an audit's terminal output. */
    public static String findings(List<GameSummary> games) {
        return FindingsReport.terminal(games);
    }

    public static String json(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void write(Path dir, Map<String, String> files) {
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path target = dir.resolve(f.getKey());
                Path tmp = Files.createTempFile(dir, "." + f.getKey(), ".tmp");
                try {
                    Files.writeString(tmp, f.getValue(), StandardCharsets.UTF_8);
                    try {
                        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new WgException("cannot write the report to " + dir + " (" + e.getMessage() + "); choose another --out");
        }
    }

    static String f(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        if (v != 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
