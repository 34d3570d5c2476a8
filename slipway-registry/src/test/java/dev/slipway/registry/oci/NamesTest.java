package dev.slipway.registry.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void acceptsTheSpecGrammar() {
        for (String ok : new String[] {"alice/app", "team/a/b/c", "a-b/c__d", "x.y/z-1", "o/" + "a".repeat(200)}) {
            assertThat(Names.checkRepository(ok)).isEqualTo(ok);
        }
        assertThat(Names.owner("team/a/b")).isEqualTo("team");
    }

    @Test
    void rejectsBadNames() {
        for (String bad : new String[] {"single", "Alice/app", "alice/../etc", "alice/./x", "alice//x", "alice/x/", "/alice/x",
                "alice/x-", "alice/%2e%2e", "o/" + "a".repeat(260), "alice/a___b"}) {
            assertThatThrownBy(() -> Names.checkRepository(bad)).as(bad).isInstanceOf(RegistryException.class)
                    .extracting(e -> ((RegistryException) e).error()).isEqualTo(OciError.NAME_INVALID);
        }
    }

    @Test
    void tags() {
        assertThat(Names.isTag("v1.2.3")).isTrue();
        assertThat(Names.isTag("latest")).isTrue();
        assertThat(Names.isTag("_x")).isTrue();
        assertThat(Names.isTag("-x")).isFalse();
        assertThat(Names.isTag("..")).isFalse();
        assertThat(Names.isTag("a".repeat(129))).isFalse();
    }
}
