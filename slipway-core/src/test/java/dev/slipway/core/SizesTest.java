package dev.slipway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {
    @Test
    void parsesUnits() {
        assertThat(Sizes.parse("1048576")).isEqualTo(1 << 20);
        assertThat(Sizes.parse("1MiB")).isEqualTo(1 << 20);
        assertThat(Sizes.parse("10GB")).isEqualTo(10_000_000_000L);
        assertThat(Sizes.parse("2 GiB")).isEqualTo(2L << 30);
        assertThat(Sizes.parse("-1")).isEqualTo(-1);
        assertThat(Sizes.format(1536)).isEqualTo("1.5 KiB");
        assertThatThrownBy(() -> Sizes.parse("lots")).hasMessageContaining("not a size");
    }
}
