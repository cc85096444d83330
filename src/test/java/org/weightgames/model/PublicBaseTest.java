package org.weightgames.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.Params;
import org.weightgames.core.WgException;
import org.weightgames.data.DataSource;

/** model.base: absent, the family is as before; public, originals are fine-tuned from a cached public base. */
class PublicBaseTest {
    private static ModelFamily family(Map<String, String> m) {
        return new ModelFamily(new Params("model", m), DataSource.load("synthetic"));
    }

    @Test
    void withoutBaseTheFamilyRecordsAndKeysWhatItAlwaysDid() {
        ModelFamily f = family(Map.of("arch", "bn-mlp"));
        assertThat(f.parameters()).doesNotContainKeys("base", "base-seed", "base-epochs");
        assertThat(f.cacheKey(0)).doesNotContain("base");
        assertThat(f.publicBase(DataSource.load("synthetic"))).isEmpty();
        assertThat(family(Map.of("arch", "bn-mlp", "base", "none")).publicBase(DataSource.load("synthetic"))).isEmpty();
    }

    @Test
    void originalsAreFineTunedFromThePublicBase() {
        DataSource data = DataSource.load("synthetic");
        ModelFamily f = family(Map.of("arch", "bn-mlp", "base", "public"));
        assertThat(f.parameters()).containsEntry("base", "public").containsEntry("base-epochs", "2");
        Network base = f.publicBase(data).orElseThrow();
        Network original = f.sample(data, Coins.root(1).derive("model"));
        Network fresh = f.initialize(Coins.root(1).derive("model").derive("init"));
        double moved = Nd.relativeError(original.layer(0).parameters().get("W"), base.layer(0).parameters().get("W"));
        double fromInit = Nd.relativeError(fresh.layer(0).parameters().get("W"), base.layer(0).parameters().get("W"));
        assertThat(moved).isGreaterThan(0).isLessThan(0.5 * fromInit);
        assertThat(f.publicBase(data).orElseThrow().layer(0).parameters().get("W"))
                .isEqualTo(base.layer(0).parameters().get("W"));
    }

    @Test
    void anUnknownBaseIsRefusedNamingIt() {
        assertThatThrownBy(() -> family(Map.of("arch", "bn-mlp", "base", "imagenet"))).isInstanceOf(WgException.class)
                .hasMessageContaining("base");
    }
}
