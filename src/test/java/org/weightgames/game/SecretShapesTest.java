package org.weightgames.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.WgException;
import org.weightgames.model.Activation;
import org.weightgames.model.MlpBlock;
import org.weightgames.model.Network;

/** A secret the games cannot judge is the scheme's error. */
class SecretShapesTest {
    private final Network net = Network.of(MlpBlock.init(Activation.SILU, 4, 8, 4, 1.0, Coins.root(1)));

    @Test
    void theOriginalsTensorsAndPartsOfThemAreJudgeable() {
        Map<String, INDArray> state = net.state();
        assertThat(SecretShapes.problem(Map.of("0.V", state.get("0.V")), state)).isNull();
        assertThat(SecretShapes.problem(Map.of("0.W[S]", Nd.zeros(4, 3), "0.c", state.get("0.c")), state)).isNull();
    }

    @Test
    void wrongShapesUnknownNamesAndEmptySecretsAreRefusedNamingTheTensor() {
        Map<String, INDArray> state = net.state();
        assertThat(SecretShapes.problem(Map.of("0.V", Nd.zeros(4, 8)), state)).contains("'0.V' has shape [4, 8]")
                .contains("[8, 4]");
        assertThat(SecretShapes.problem(Map.of("weights", Nd.zeros(2)), state)).contains("'weights' names no tensor");
        assertThat(SecretShapes.problem(Map.of("0.b[S]", Nd.zeros(9)), state)).contains("not a part of 0.b");
        assertThat(SecretShapes.problem(Map.of(), state)).contains("no tensor");
        Secret wrong = () -> Map.of("0.V", Nd.zeros(8, 5));
        assertThatThrownBy(() -> SecretShapes.check("mine", wrong, net)).isInstanceOf(WgException.class)
                .hasMessageContaining("scheme 'mine' returned a malformed secret").hasMessageContaining("docs/plugins.md");
    }
}
