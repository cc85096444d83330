package org.weightgames.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.data.FashionMnist;

/** Bad input gets exit status 2, one clear message, and leaves no report behind. */
public class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Run(int status, String out, String err) {
    }

    public static Run wg(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@link #wg} that must exit 0 (the failure shows its stderr). */
    public static Run ok(String... args) {
        Run r = wg(args);
        assertThat(r.status()).as(r.err()).isZero();
        return r;
    }

    /** {@code base} followed by {@code extra}: one command line from shared options and a run's own. */
    public static String[] with(String[] base, String... extra) {
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    /** The folder's report.json without its {@code generated} timestamp, the part the same seed reproduces byte for byte. */
    public static ObjectNode reportWithoutTimestamp(Path dir) throws IOException {
        ObjectNode n = (ObjectNode) JSON.readTree(dir.resolve("report.json").toFile());
        assertThat(n.remove("generated")).as("report.json has its timestamp").isNotNull();
        return n;
    }

    static void refused(Path out, String expected, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--out";
        all[args.length + 1] = out.toString();
        Run r = wg(all);
        assertThat(r.status()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(r.err()).as(String.join(" ", args)).contains(expected);
        assertThat(r.err().lines().filter(l -> l.startsWith("wg:")).count()).as("one message").isEqualTo(1);
        assertThat(r.err()).doesNotContain("Exception");
        assertThat(Files.exists(out)).as("no report written").isFalse();
    }

    @Test
    void listShowsEverythingOnTheClassPath() {
        Run r = wg("list");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("taylormlp", "ext-w", "ext-f", "ind", "taylor-inversion", "taylor-collapse", "baseline",
                "plays: taylormlp/ext-w, taylormlp/ind");
    }

    @Test
    void unknownIdsAndBadCounts(@TempDir Path tmp) {
        Path out = tmp.resolve("r");
        refused(out, "unknown scheme 'nope'; known schemes: ", "audit", "--scheme", "nope");
        refused(out, "unknown definition 'ext-x'", "audit", "--definition", "ext-x");
        refused(out, "unknown adversary 'oracle'", "audit", "--adversary", "oracle");
        refused(out, "--trials must be a whole number of at least 1, or auto; got '0'", "audit", "--trials", "0");
        refused(out, "--trials must be a whole number of at least 1, or auto; got '-5'", "audit", "--trials", "-5");
        refused(out, "--trials must be a whole number of at least 1, or auto; got 'many'", "audit", "--trials", "many");
        refused(out, "unknown data set 'mnist'", "audit", "--dataset", "mnist");
        refused(out, "Unknown option: '--frobnicate'", "audit", "--frobnicate");
        refused(out, "no adversary plays", "audit", "--definition", "ext-w", "--adversary", "taylor-collapse");
    }

    @Test
    void badSettings(@TempDir Path tmp) {
        Path out = tmp.resolve("r");
        refused(out, "unknown parameter 'ordr'", "audit", "--set", "taylormlp.ordr=4");
        refused(out, "parameter 'order' must be between 1 and 64, got 0", "audit", "--set", "taylormlp.order=0");
        refused(out, "parameter 'samples' must be between 1", "audit", "--set", "ext-w.samples=0");
        refused(out, "parameter 'hidden' must be a whole number", "audit", "--scheme", "taylormlp", "--set", "model.hidden=wide");
        refused(out, "scheme 'corelocker' draws its originals with model settings {arch=slim-mlp}", "audit", "--set", "model.hidden=64");
        refused(out, "not of the form component.key=value", "audit", "--set", "order=4");
        refused(out, "setting for unknown component 'taylor'", "audit", "--set", "taylor.order=4");
        refused(out, "the gated block takes silu (SwiGLU), gelu or gelu-tanh (GeGLU)", "audit", "--scheme", "taylormlp", "--set", "model.block=swiglu", "--set", "model.activation=relu");
        refused(out, "model: unknown parameter 'range-median'", "audit", "--scheme", "corelocker", "--set", "model.range-median=6.5");
    }

    @Test
    void malformedConfigFilesAreNamedWithTheirLine(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("r");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\n  \"taylormlp\": {\n    \"order\": 4,\n  }\n}\n");
        refused(out, "config file " + bad + " is not valid JSON at line 4", "audit", "--config", bad.toString());
        Path flat = tmp.resolve("flat.json");
        Files.writeString(flat, "{\"taylormlp\": 4}");
        refused(out, "\"taylormlp\" must be an object of parameters", "audit", "--config", flat.toString());
        Path list = tmp.resolve("list.json");
        Files.writeString(list, "[1, 2]");
        refused(out, "must hold a JSON object of objects", "audit", "--config", list.toString());
        refused(out, "config file " + tmp.resolve("absent.json") + " does not exist", "audit", "--config",
                tmp.resolve("absent.json").toString());
        Path unknown = tmp.resolve("unknown.json");
        Files.writeString(unknown, "{\"taylormlp\": {\"depth\": 3}}");
        refused(out, "unknown parameter 'depth'", "audit", "--config", unknown.toString());
    }

    @Test
    void missingDatasetNamesTheDebianPackage(@TempDir Path tmp) {
        System.setProperty(FashionMnist.PROPERTY, tmp.resolve("nowhere").toString());
        try {
            refused(tmp.resolve("r"), "apt-get install dataset-fashion-mnist", "audit", "--dataset", "fashion-mnist");
        } finally {
            System.clearProperty(FashionMnist.PROPERTY);
        }
    }
}
