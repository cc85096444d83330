package org.weightgames.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * The commands the README and docs/plugins.md show, kept true: every {@code ./wg} line of their
 * code blocks parses against today's options, each is either run here at a reduced size (its exit
 * status and the files it promises) or names the test that runs it and why not here, and the
 * sweep figure the README quotes is played again.
 */
class ReadmeCommandsTest {
    static final List<Path> DOCS = List.of(Path.of("README.md"), Path.of("docs/plugins.md"));

    /** Commands run here: the documented command, then what is added or replaced to make it small. */
    static final Map<String, List<String>> REDUCED = new LinkedHashMap<>();
    /** Commands run by another test, or which need what a reader supplies: where and why. */
    static final Map<String, String> ELSEWHERE = new LinkedHashMap<>();

    static {
        REDUCED.put("audit", List.of("--scheme", "plain", "--scheme", "taylormlp", "--trials", "1"));
        REDUCED.put("audit --scheme taylormlp --definition ext-w --trials 50 --seed 1", List.of("--trials", "2"));
        REDUCED.put("audit --definition correct", List.of("--scheme", "plain", "--scheme", "taylormlp", "--trials", "1"));
        REDUCED.put("audit --set taylormlp.order=16 --set model.block=swiglu --out reports/swiglu",
                List.of("--scheme", "taylormlp", "--definition", "ext-w", "--trials", "1"));
        REDUCED.put("audit --definition ext-f --adversary released-model --target-width 0.1",
                List.of("--scheme", "plain", "--target-width", "0.9", "--max-trials", "4", "--trials", "2"));
        REDUCED.put("sweep --scheme oracle --definition ext-f --param ext-f.queries=30,300,3000 --set ext-f.samples=3000"
                + " --set ext-f.epsilon=0.06", List.of("--param", "ext-f.queries=30,3000", "--trials", "1"));
        REDUCED.put("audit --model minilm --scheme taylormlp", List.of("--definition", "ext-w", "--trials", "1"));
        String fm = "trains on Fashion-MNIST for minutes: AuditEndToEndTest plays TaylorMLP on it and CoreLockerAuditTest the"
                + " uc rows on synthetic data";
        ELSEWHERE.put("audit --scheme taylormlp --definition ext-w --dataset fashion-mnist", fm);
        ELSEWHERE.put("audit --scheme corelocker --definition uc --dataset fashion-mnist --set model.pool=3 --set corelocker.alpha=0.02"
                + " --set uc.data-fraction=0.05 --set uc.epochs=30", fm);
        ELSEWHERE.put("audit --scheme corelocker --definition uc --dataset fashion-mnist --set model.arch=bn-cnn --set uc.data-fraction=0",
                fm);
        String own = "the reader's own checkpoint: ReleaseAttackTest, OfficialLayoutTest and StreamingTaylorTest run it on synthetic ones";
        ELSEWHERE.put("audit --model my-block.safetensors", own);
        ELSEWHERE.put("audit --model llama.safetensors --set model.prefix=model.layers.3.mlp.", own);
        ELSEWHERE.put("bench", "minutes at quarter Llama scale: BenchCommandTest runs it with --repeats 1 --tokens 2 --trials 2");
        ELSEWHERE.put("bench --full --json bench.json", "the full 4096 x 14336 block: BenchCommandTest runs the small one");
        ELSEWHERE.put("bench --model llama.safetensors --prefix model.layers.3.mlp.", own);
        ELSEWHERE.put("release --model llama.safetensors --out llama-taylor.safetensors", own);
        ELSEWHERE.put("attack llama-taylor.safetensors --out recovered.safetensors --original llama.safetensors", own);
        ELSEWHERE.put("release --model llama.safetensors --out official.safetensors --layout official --order 6", own);
        ELSEWHERE.put("attack official.safetensors --out recovered.safetensors --original llama.safetensors", own);
        String minilm = "all six blocks of MiniLM, about a minute: OnnxTaylorTest releases and attacks its layer 1 through the same code,"
                + " OnnxCliTest and OnnxModelTest run the commands' refusals and the user's graph";
        ELSEWHERE.put("release --model minilm --out m.taylor.safetensors", minilm);
        ELSEWHERE.put("attack m.taylor.safetensors --original minilm", minilm);
        ELSEWHERE.put("real-model", minilm);
        String spark = "minutes of CoreLocker on Spark: SparkAuditTest plays local[2] and a standalone master and worker, started as"
                + " processes, on smaller games";
        ELSEWHERE.put("audit --scheme corelocker --definition uc --spark local[2]", spark);
        ELSEWHERE.put("audit --scheme corelocker --definition uc --spark spark://host:7077 --spark-conf spark.executor.memory=4g"
                + " --out reports/cl", spark);
        ELSEWHERE.put("audit --scheme corelocker --definition uc --trials 72 --seed 1 --threads 2 --shard $SLURM_ARRAY_TASK_ID/8"
                + " --out shards/$SLURM_ARRAY_TASK_ID", "a Slurm array task: ShardMergeTest plays three shards and merges them");
        String plugins = "needs Debian's python3-numpy, python3-torch and bubblewrap: ExamplePluginsTest runs it where they are";
        ELSEWHERE.put("audit --plugins examples/plugins --scheme torch-taylormlp --seed 1", plugins);
        ELSEWHERE.put("kit examples/plugins/numpy-noise", plugins);
        ELSEWHERE.put("audit --plugins examples/plugins --scheme taylormlp --definition ext-w --adversary numpy-taylor-inversion --trials 1",
                plugins);
        ELSEWHERE.put("audit --plugins examples/plugins --scheme numpy-noise --definition correct --trials 1", plugins);
    }

    /** Every {@code ./wg} command in the fenced code blocks of {@code file}, continuation lines joined, comments cut. */
    static List<String> commands(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        boolean fenced = false;
        StringBuilder current = null;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (!fenced) {
                continue;
            }
            if (current == null) {
                if (!line.startsWith("./wg ") && !line.equals("./wg")) {
                    continue;
                }
                current = new StringBuilder();
            }
            String text = line.replaceAll("\\s+#.*$", "").trim();
            boolean more = text.endsWith("\\");
            current.append(' ').append(more ? text.substring(0, text.length() - 1) : text);
            if (!more) {
                // the shell's quotes go, as the shell would take them away
                out.add(current.toString().trim().replaceFirst("^\\./wg\\s*", "").replaceAll("['\"]", "").replaceAll("\\s+", " "));
                current = null;
            }
        }
        return out;
    }

    static List<String> documented() throws IOException {
        List<String> all = new ArrayList<>();
        for (Path doc : DOCS) {
            all.addAll(commands(doc));
        }
        return all;
    }

    static String[] args(String command) {
        return command.isEmpty() ? new String[0] : command.split(" ");
    }

    @Test
    void everyDocumentedCommandParsesAndIsRunHereOrSaysWhereItIs() throws IOException {
        List<String> commands = documented();
        assertThat(commands).as("commands found in " + DOCS).hasSizeGreaterThan(15).contains("audit");
        for (String c : commands) {
            assertThatCode(() -> new CommandLine(new Main()).parseArgs(args(c))).as("./wg " + c).doesNotThrowAnyException();
            assertThat(REDUCED.containsKey(c) || ELSEWHERE.containsKey(c))
                    .as("'./wg " + c + "' is documented but neither run here nor said where it runs: add it to this test").isTrue();
        }
        List<String> stale = new ArrayList<>(REDUCED.keySet());
        stale.addAll(ELSEWHERE.keySet());
        stale.removeAll(commands);
        assertThat(stale).as("commands this test covers that the documents no longer show").isEmpty();
    }

    @Test
    void theReducedCommandsRunAndWriteTheFilesTheyPromise(@TempDir Path tmp) throws IOException {
        int n = 0;
        for (Map.Entry<String, List<String>> e : REDUCED.entrySet()) {
            Path out = tmp.resolve("run-" + n++);
            List<String> a = reduce(e.getKey(), e.getValue());
            a.addAll(List.of("--out", out.toString()));
            if (a.get(0).equals("audit")) {
                // TaylorMLP's inference-cost measurement takes its own half minute; timing.json is still written
                a.add("--no-timing");
            }
            CliTest.Run r = CliTest.wg(a.toArray(String[]::new));
            assertThat(r.status()).as("./wg " + String.join(" ", a) + "\n" + r.err()).isZero();
            List<String> files = a.get(0).equals("sweep") ? List.of("sweep.json", "report.html")
                    : List.of("report.json", "report.md", "report.html", "timing.json");
            for (String f : files) {
                assertThat(out.resolve(f)).as("./wg " + e.getKey() + " writes " + f).isNotEmptyFile();
            }
        }
    }

    /** The documented command with each reduced option replacing the documented one of the same name, the rest appended. */
    static List<String> reduce(String command, List<String> reduced) {
        List<String> a = new ArrayList<>(Arrays.asList(args(command)));
        int outAt = a.indexOf("--out");
        if (outAt >= 0) {
            a.subList(outAt, outAt + 2).clear();
        }
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < reduced.size(); i += 2) {
            String name = reduced.get(i);
            int at = name.equals("--scheme") || name.equals("--definition") ? -1 : a.indexOf(name);
            if (at >= 0) {
                a.set(at + 1, reduced.get(i + 1));
            } else {
                extra.add(name);
                extra.add(reduced.get(i + 1));
            }
        }
        if (a.isEmpty()) {
            a.add("audit");
        }
        a.addAll(extra);
        return a;
    }

    /**
     * The README's sweep figure (equation-solving's wins per query budget, 10 trials, seed 1) at the
     * budget where it turns (the fourth: its count is the one a reader once could not reproduce).
     */
    @Test
    void theSweepFigureTheReadmeQuotesReproduces(@TempDir Path tmp) throws IOException {
        String readme = Files.readString(Path.of("README.md")).replaceAll("\\s+", " ");
        Matcher m = Pattern.compile("`--param ext-f\\.queries=([0-9,]+) --set ext-f\\.samples=(\\d+) --set ext-f\\.epsilon=([0-9.]+)"
                + " --trials (\\d+)`, seed 1\\) `equation-solving` wins (\\d+), (\\d+), (\\d+), (\\d+) and (\\d+) of \\4 trials").matcher(readme);
        assertThat(m.find()).as("the README's sweep figure, in the words this test reads").isTrue();
        String[] budgets = m.group(1).split(",");
        assertThat(budgets).hasSize(5);
        CliTest.Run r = CliTest.wg("sweep", "--scheme", "oracle", "--definition", "ext-f", "--param",
                "ext-f.queries=" + budgets[3], "--set", "ext-f.samples=" + m.group(2), "--set",
                "ext-f.epsilon=" + m.group(3), "--trials", m.group(4), "--seed", "1", "--out", tmp.resolve("sweep").toString());
        assertThat(r.status()).as(r.err()).isZero();
        Matcher line = Pattern.compile("ext-f\\.queries=" + budgets[3] + "\\s+equation-solving\\s+(\\d+)/" + m.group(4)).matcher(r.out());
        assertThat(line.find()).as(r.out()).isTrue();
        assertThat(line.group(1)).as("equation-solving's wins at " + budgets[3] + " queries").isEqualTo(m.group(8));
    }
}
