package org.weightgames.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** A plugin's stderr as its author reads it. */
class PluginLogTest {
    @Test
    void logLinesNameTheAuthorsFolderInsteadOfTheSandboxs() {
        PluginLog log = new PluginLog("p", 1 << 20, 1 << 20, new AtomicLong(), "/plugin", "/home/ann/my-plugin");
        assertThat(log.author("  File \"/plugin/plugin.py\", line 49, in infer")).isEqualTo("  File \"/home/ann/my-plugin/plugin.py\", line 49, in infer");
        assertThat(log.author("reading /plugin/weights.npy failed")).isEqualTo("reading /home/ann/my-plugin/weights.npy failed");
        assertThat(log.author("/pluginx and /plugins stay")).isEqualTo("/pluginx and /plugins stay");
    }
}
