package org.weightgames.fuzz;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.weightgames.core.Coins;
import org.weightgames.core.WgException;

/**
 * A small seeded mutation fuzzer for the parsers, run as JUnit tests within a fixed time budget
 * ({@code -Dwg.fuzz.seconds}, 3 per target). It starts from a corpus kept in the repository
 * ({@code src/test/resources/fuzz/<target>/}), applies random byte-level and number-level mutations
 * drawn from seeded coins, and feeds each input to the target: the only outcome allowed besides
 * success is the documented clean error ({@link WgException}, one message). Anything else is a
 * crash: the input is saved under {@code target/fuzz-crashes/} and the test fails. The number of
 * executions is printed and appended to {@code target/fuzz-report.txt}.
 */
public final class Fuzzer {
    /** A parser under test; it may throw only what {@code allowed} accepts. */
    public interface Target {
        void accept(byte[] input) throws Exception;
    }

    private Fuzzer() {
    }

    public static List<byte[]> corpus(String name) throws IOException {
        Path dir = Path.of("src/test/resources/fuzz", name);
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
        }
        if (out.isEmpty()) {
            fail("the fuzz corpus " + dir + " is empty");
        }
        return out;
    }

    /** Runs the target until the budget is spent; returns the number of executions. */
    public static long run(String name, List<byte[]> corpus, Target target) throws IOException {
        return run(name, corpus, target, t -> t instanceof WgException);
    }

    public static long run(String name, List<byte[]> corpus, Target target, Predicate<Throwable> allowed) throws IOException {
        double seconds = Double.parseDouble(System.getProperty("wg.fuzz.seconds", "3"));
        Coins coins = Coins.root(20261123).derive("fuzz/" + name);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long execs = 0;
        long clean = 0;
        // the corpus itself first, unmutated
        List<byte[]> queue = new ArrayList<>(corpus);
        while (true) {
            byte[] input = execs < queue.size() ? queue.get((int) execs) : mutate(corpus, coins);
            execs++;
            try {
                target.accept(input);
            } catch (Throwable t) {
                if (!allowed.test(t)) {
                    Path crash = Path.of("target", "fuzz-crashes", name + "-" + HexFormat.of().formatHex(sha(input)).substring(0, 16));
                    Files.createDirectories(crash.getParent());
                    Files.write(crash, input);
                    StringWriter st = new StringWriter();
                    t.printStackTrace(new PrintWriter(st));
                    fail("fuzz target " + name + " crashed after " + execs + " executions on input saved in " + crash + ":\n" + st);
                }
                clean++;
            }
            if (execs >= queue.size() && System.nanoTime() > end) {
                break;
            }
        }
        String line = String.format("fuzz %s: %d executions in %.1f s, %d clean errors, 0 crashes", name, execs, seconds, clean);
        System.out.println(line);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "fuzz-report.txt"), line + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return execs;
    }

    private static byte[] sha(byte[] b) {
        org.bouncycastle.crypto.digests.SHA256Digest d = new org.bouncycastle.crypto.digests.SHA256Digest();
        d.update(b, 0, b.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    static final byte[] INTERESTING = {0, 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF, '-', '9', '"', '{', '}', '[', ',', 'e'};
    static final String[] NUMBERS = {"0", "-1", "1e308", "NaN", "2147483648", "99999999999999999999", "1.5", "-0", "\"x\""};

    /** One to four mutations of a corpus entry (or a splice of two). */
    public static byte[] mutate(List<byte[]> corpus, Coins coins) {
        byte[] b = corpus.get(coins.nextInt(corpus.size())).clone();
        int rounds = 1 + coins.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            if (b.length == 0) {
                b = new byte[] {INTERESTING[coins.nextInt(INTERESTING.length)]};
                continue;
            }
            int i = coins.nextInt(b.length);
            switch (coins.nextInt(8)) {
                case 0 -> b[i] ^= (byte) (1 << coins.nextInt(8));
                case 1 -> b[i] = INTERESTING[coins.nextInt(INTERESTING.length)];
                case 2 -> b = java.util.Arrays.copyOf(b, i); // truncate
                case 3 -> { // delete a run
                    int len = Math.min(b.length - i, 1 + coins.nextInt(16));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, i);
                    System.arraycopy(b, i + len, c, i, b.length - i - len);
                    b = c;
                }
                case 4 -> { // duplicate a run
                    int len = Math.min(b.length - i, 1 + coins.nextInt(32));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, i + len);
                    System.arraycopy(b, i, c, i + len, b.length - i);
                    b = c;
                }
                case 5 -> { // a 4-byte big-endian integer set to an extreme
                    int[] v = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 30, 28, 3};
                    int x = v[coins.nextInt(v.length)];
                    for (int k = 0; k < 4 && i + k < b.length; k++) {
                        b[i + k] = (byte) (x >>> (24 - 8 * k));
                    }
                }
                case 6 -> b = replaceNumber(b, coins);
                default -> { // splice with another entry
                    byte[] o = corpus.get(coins.nextInt(corpus.size()));
                    int j = o.length == 0 ? 0 : coins.nextInt(o.length);
                    byte[] c = new byte[i + o.length - j];
                    System.arraycopy(b, 0, c, 0, i);
                    System.arraycopy(o, j, c, i, o.length - j);
                    b = c;
                }
            }
        }
        return b;
    }

    /** Replaces a run of digits (a number in JSON text) with an extreme or mistyped value. */
    private static byte[] replaceNumber(byte[] b, Coins coins) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?[0-9][0-9.eE+-]*").matcher(s);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        if (spans.isEmpty()) {
            return b;
        }
        int[] sp = spans.get(coins.nextInt(spans.size()));
        String out = s.substring(0, sp[0]) + NUMBERS[coins.nextInt(NUMBERS.length)] + s.substring(sp[1]);
        return out.getBytes(StandardCharsets.ISO_8859_1);
    }
}
