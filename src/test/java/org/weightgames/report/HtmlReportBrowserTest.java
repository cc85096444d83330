package org.weightgames.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.cli.CliTest;

/** report.html opened in Debian's headless Chromium (installed by .ci/run): it renders and every plot decodes. */
class HtmlReportBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    static String dumpDom(Path html, Path profile) throws IOException, InterruptedException {
        List<String> cmd = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1280,900", "--virtual-time-budget=5000", "--dump-dom", html.toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void sweepReportRendersWithItsPlot(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is not installed");
        Path out = tmp.resolve("sweep");
        CliTest.Run r = CliTest.wg("sweep", "--scheme", "taylormlp", "--definition", "ext-w", "--param", "taylormlp.order=2,4,8",
                "--trials", "2", "--out", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("taylormlp.order=8", "taylor-inversion", "2/2");
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html.replace("http://www.w3.org/", "")).doesNotContain("http://", "https://");
        assertThat(html).contains("<figure class=\"chart\"><h3>", "<svg");
        String dom = dumpDom(out.resolve("report.html"), tmp.resolve("profile"));
        assertThat(dom).contains("data-charts=\"1\"", "data-charts-loaded=\"1\"", "Advantage against taylormlp.order");
    }

    @Test
    void auditReportRendersVerdictsDefinitionsAndTheCostPlot(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is not installed");
        Path out = tmp.resolve("audit");
        CliTest.Run r = CliTest.wg("audit", "--scheme", "taylormlp", "--definition", "ext-w", "--trials", "2", "--out", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        String dom = dumpDom(out.resolve("report.html"), tmp.resolve("profile"));
        assertThat(dom).contains("data-charts-loaded=\"1\"", "class=\"broken\"", "Game ext-w", "TaylorMLP inference cost against the order N");
        // the page fits a 1280 px window: wide tables scroll in their own box
        java.util.regex.Matcher width = java.util.regex.Pattern.compile("data-scroll-width=\"(\\d+)\"").matcher(dom);
        assertThat(width.find()).as("the page records its width on load").isTrue();
        assertThat(Integer.parseInt(width.group(1))).isLessThanOrEqualTo(1280);
    }
}
