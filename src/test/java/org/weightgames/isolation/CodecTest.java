package org.weightgames.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.Params;
import org.weightgames.core.WgException;
import org.weightgames.data.DataSource;
import org.weightgames.game.AuxiliaryData;
import org.weightgames.game.Contract;
import org.weightgames.game.DistinguishChallenge;
import org.weightgames.game.Distinguisher;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.game.FunctionExtractor;
import org.weightgames.game.KeylessUser;
import org.weightgames.game.Pipe;
import org.weightgames.game.QueryOracle;
import org.weightgames.game.SampleOracle;
import org.weightgames.game.Scheme;
import org.weightgames.game.UsageChallenge;
import org.weightgames.game.WeightExtractor;
import org.weightgames.model.Architecture;
import org.weightgames.model.ModelFamily;
import org.weightgames.model.Network;

/**
 * The games' codecs write the wire v1 layout (the bytes the isolation protocol had when it switched
 * on the game's id), name the oracles the process may call, and read back what they wrote.
 */
class CodecTest {
    private static final DataSource DATA = DataSource.load("synthetic");
    private static final Architecture ARCH = new ModelFamily(new Params("model", Map.of("hidden", "8")), DATA).architecture();
    private static final Artifact ARTIFACT = new Artifact("plain", Map.of(), Map.of());

    /** The challenger's end over a buffer, recording the oracles named. */
    private static final class Served extends Wire.Out implements Pipe.ChallengerEnd {
        final List<Object> served = new ArrayList<>();

        Served(ByteArrayOutputStream bytes) {
            super(new DataOutputStream(bytes));
        }

        @Override
        public void serve(SampleOracle samples) {
            served.add(samples);
        }

        @Override
        public void serve(QueryOracle api) {
            served.add(api);
        }

        @Override
        public void serve(AuxiliaryData data) {
            served.add(data);
        }
    }

    /** The process's end over the written bytes, with local oracles of the budgets read. */
    private static final class Request extends Wire.In implements Pipe.ProcessEnd {
        Request(byte[] b) {
            super(new DataInputStream(new ByteArrayInputStream(b)));
        }

        @Override
        public Artifact artifact() {
            return ARTIFACT;
        }

        @Override
        public Scheme scheme() {
            return null;
        }

        @Override
        public Architecture architecture() {
            return ARCH;
        }

        @Override
        public SampleOracle samples(long budget) {
            return new SampleOracle(budget, (n, c) -> null);
        }

        @Override
        public QueryOracle api(long budget) {
            return new QueryOracle("api", budget, q -> q);
        }

        @Override
        public AuxiliaryData data(int size, int epochs) {
            return new AuxiliaryData(size, epochs, idx -> null);
        }
    }

    private static ExtractionChallenge extraction(QueryOracle api) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("0.W[S]", new long[] {8, 4});
        shapes.put("0.b[S]", new long[] {8});
        return new ExtractionChallenge(ARTIFACT, null, ARCH, shapes, new SampleOracle(DATA.train(), 50), api);
    }

    private static byte[] v1(ExtractionChallenge ch) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(2);
        out.writeUTF("0.W[S]");
        out.writeInt(2);
        out.writeLong(8);
        out.writeLong(4);
        out.writeUTF("0.b[S]");
        out.writeInt(1);
        out.writeLong(8);
        out.writeLong(ch.samples().remaining());
        out.writeLong(ch.hasApi() ? ch.api().remaining() : -1);
        return b.toByteArray();
    }

    private static <C, R> byte[] write(Contract.Codec<C, R> codec, C ch, Served end, ByteArrayOutputStream b) throws IOException {
        codec.writeChallenge(end, ch);
        end.out.flush();
        return b.toByteArray();
    }

    @Test
    void extractionChallengesCrossAsShapesAndBudgets() throws IOException {
        QueryOracle api = new QueryOracle("api", 20, q -> q);
        api.query(Nd.vector(new double[] {1, 2}).reshape(1, 2));
        ExtractionChallenge ch = extraction(api);
        for (Contract.Codec<ExtractionChallenge, ?> codec : List.of(WeightExtractor.CONTRACT.codec(),
                FunctionExtractor.CONTRACT.codec())) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            Served end = new Served(b);
            byte[] bytes = write(codec, ch, end, b);
            assertThat(bytes).isEqualTo(v1(ch));
            assertThat(end.served).containsExactly(ch.samples(), api);
            ExtractionChallenge back = codec.readChallenge(new Request(bytes));
            assertThat(back.protectedShapes()).containsOnlyKeys("0.W[S]", "0.b[S]");
            assertThat(back.protectedShapes().get("0.W[S]")).containsExactly(8, 4);
            assertThat(back.samples().remaining()).isEqualTo(50);
            assertThat(back.api().remaining()).isEqualTo(19);
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Served end = new Served(b);
        ExtractionChallenge noApi = extraction(null);
        assertThat(write(WeightExtractor.CONTRACT.codec(), noApi, end, b)).isEqualTo(v1(noApi));
        assertThat(end.served).containsExactly(noApi.samples());
        assertThat(WeightExtractor.CONTRACT.codec().readChallenge(new Request(b.toByteArray())).hasApi()).isFalse();
    }

    @Test
    void distinguishingAddsTheCandidates() throws IOException {
        Network c0 = ARCH.initialize(Coins.root(1));
        Network c1 = ARCH.initialize(Coins.root(2));
        DistinguishChallenge ch = new DistinguishChallenge(extraction(null), c0, c1);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] bytes = write(Distinguisher.CONTRACT.codec(), ch, new Served(b), b);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(v1(ch.release()));
        DataOutputStream out = new DataOutputStream(expected);
        Wire.writeNetwork(out, c0);
        Wire.writeNetwork(out, c1);
        assertThat(bytes).isEqualTo(expected.toByteArray());
        DistinguishChallenge back = Distinguisher.CONTRACT.codec().readChallenge(new Request(bytes));
        assertThat(back.candidate(1).parameters().get("0.W")).isEqualTo(c1.parameters().get("0.W"));
    }

    @Test
    void usageChallengesCrossAsTheirDataBudgetWithNoExtractionFields() throws IOException {
        AuxiliaryData data = new AuxiliaryData(DATA.train().rows(new int[] {0, 1, 2}), 4);
        UsageChallenge ch = new UsageChallenge(ARTIFACT, null, ARCH, data);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Served end = new Served(b);
        byte[] bytes = write(KeylessUser.CONTRACT.codec(), ch, end, b);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(expected);
        out.writeInt(0);
        out.writeLong(-1);
        out.writeLong(-1);
        out.writeInt(3);
        out.writeInt(4);
        assertThat(bytes).isEqualTo(expected.toByteArray());
        assertThat(end.served).containsExactly(data);
        UsageChallenge back = KeylessUser.CONTRACT.codec().readChallenge(new Request(bytes));
        assertThat(back.data().size()).isEqualTo(3);
        assertThat(back.data().remaining()).isEqualTo(12);
        assertThat(back.architecture()).isSameAs(ARCH);
    }

    private static <R> Object roundTrip(Contract.Codec<?, R> codec, R answer) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Wire.Out out = new Wire.Out(new DataOutputStream(b));
        codec.writeAnswer(out, "someone", answer);
        out.out.flush();
        byte[] bytes = b.toByteArray();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1));
        return IsolatedAdversary.answer(codec, bytes[0], new Wire.In(in));
    }

    @Test
    void answersComeBackAsWritten() throws IOException {
        Map<String, INDArray> w = Map.of("0.W[S]", Nd.vector(new double[] {1, 2, 3}));
        assertThat(roundTrip(WeightExtractor.CONTRACT.codec(), w)).isEqualTo(w);
        assertThat(roundTrip(WeightExtractor.CONTRACT.codec(), null)).isEqualTo(Map.of());
        Network f = ARCH.initialize(Coins.root(3));
        assertThat(((Network) roundTrip(FunctionExtractor.CONTRACT.codec(), f)).parameters()).isEqualTo(f.parameters());
        assertThat(((Network) roundTrip(KeylessUser.CONTRACT.codec(), f)).parameters()).isEqualTo(f.parameters());
        assertThat(roundTrip(Distinguisher.CONTRACT.codec(), 1)).isEqualTo(1);
        for (Contract.Codec<?, Network> c : List.of(FunctionExtractor.CONTRACT.codec(), KeylessUser.CONTRACT.codec())) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            assertThatThrownBy(() -> c.writeAnswer(new Wire.Out(new DataOutputStream(b)), "someone", null))
                    .isInstanceOf(WgException.class).hasMessage("someone answered no model");
            assertThat(b.size()).as("nothing written before the error").isZero();
        }
        // a hostile process: a bit that is no bit, another game's answer, its error
        byte[] two = {0, 0, 0, 2};
        assertThatThrownBy(() -> IsolatedAdversary.answer(Distinguisher.CONTRACT.codec(), 'D',
                new Wire.In(new DataInputStream(new ByteArrayInputStream(two))))).hasMessageContaining("the bit 2");
        assertThatThrownBy(() -> IsolatedAdversary.answer(WeightExtractor.CONTRACT.codec(), 'D',
                new Wire.In(new DataInputStream(new ByteArrayInputStream(two))))).isInstanceOf(IOException.class);
        byte[] err = {0, 3, 'b', 'a', 'd'};
        assertThatThrownBy(() -> IsolatedAdversary.answer(KeylessUser.CONTRACT.codec(), 'X',
                new Wire.In(new DataInputStream(new ByteArrayInputStream(err))))).isInstanceOf(WgException.class)
                .hasMessage("bad");
    }
}
