package org.weightgames.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.weightgames.cli.CliTest.wg;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.model.Activation;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;
import org.weightgames.model.SwiGluBlock;

/** GeGLU blocks (a gated block with GELU or its tanh approximation) through the games: released, served, and inverted. */
class GeGluTest {
    @TempDir
    Path tmp;

    @Test
    void taylorMlpOnGeGluBlocksIsBrokenByTheInversion() throws Exception {
        for (String act : new String[] {"gelu", "gelu-tanh"}) {
            Path out = tmp.resolve(act);
            CliTest.Run r = wg("audit", "--scheme", "taylormlp", "--definition", "ext-w", "--trials", "3", "--seed", "2", "--set",
                    "model.block=swiglu", "--set", "model.activation=" + act, "--no-timing", "--out", out.toString());
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).contains("taylor-inversion     3/3", "broken");
            String json = java.nio.file.Files.readString(out.resolve("report.json"));
            assertThat(json).contains("\"activation\" : \"" + act + "\"");
        }
        CliTest.Run r = wg("audit", "--scheme", "taylormlp", "--definition", "ext-w", "--trials", "1", "--set", "model.block=swiglu",
                "--set", "model.activation=relu", "--no-timing", "--out", tmp.resolve("relu").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("silu (SwiGLU), gelu or gelu-tanh (GeGLU)");
    }

    @Test
    void aGeGluBlockKeepsItsActivationThroughTheCodec() {
        SwiGluBlock b = SwiGluBlock.init(Activation.GELU_TANH, 6, 10, 3, 0.5, Coins.root(3));
        Network net = Network.of(b);
        Network back = NetworkCodec.decode(new org.weightgames.core.Artifact("plain", NetworkCodec.metadata(net),
                NetworkCodec.tensors(net)));
        assertThat(((SwiGluBlock) back.layer(0)).activation()).isEqualTo(Activation.GELU_TANH);
        var x = Nd.matrix(new double[] {0.3, -1, 2, 0.1, 0.5, -0.7}, 1, 6);
        assertThat(Nd.norm(back.forward(x).sub(Network.of(b).forward(x)))).isZero();
        // SwiGLU's entries are unchanged: no activation entry, so earlier artifacts keep their hashes
        assertThat(NetworkCodec.metadata(Network.of(SwiGluBlock.init(6, 10, 3, 0.5, Coins.root(3))))).doesNotContainKey("0.activation");
    }
}
