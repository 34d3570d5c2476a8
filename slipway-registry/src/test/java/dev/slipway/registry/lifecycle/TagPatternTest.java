package dev.slipway.registry.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import org.junit.jupiter.api.Test;

class TagPatternTest {
    @Test
    void globsMatchWholeTags() {
        TagPattern v = TagPattern.parse("v*");
        assertThat(v.matches("v1")).isTrue();
        assertThat(v.matches("v")).isTrue();
        assertThat(v.matches("1v")).isFalse();
        assertThat(v.matches("latest")).isFalse();
        TagPattern one = TagPattern.parse("v?.0");
        assertThat(one.matches("v1.0")).isTrue();
        assertThat(one.matches("v10.0")).isFalse();
        // '.' is literal, not "any character".
        assertThat(one.matches("v1x0")).isFalse();
        assertThat(TagPattern.parse("*").matches("anything_at-all.1")).isTrue();
    }

    @Test
    void negationAloneMeansEverythingElse() {
        TagPattern p = TagPattern.parse("!latest");
        assertThat(p.matches("latest")).isFalse();
        assertThat(p.matches("v1")).isTrue();
        assertThat(p.matches("latest-2")).isTrue();
    }

    @Test
    void negationNarrowsTheOtherGlobs() {
        TagPattern p = TagPattern.parse(" v* , !v*-rc* ");
        assertThat(p.text()).isEqualTo("v*,!v*-rc*");
        assertThat(p.matches("v1.2")).isTrue();
        assertThat(p.matches("v1.2-rc1")).isFalse();
        assertThat(p.matches("main")).isFalse();
        assertThat(TagPattern.parse("sha-*,pr-*").matches("pr-12")).isTrue();
    }

    @Test
    void namesOnlyLiteralGlobs() {
        assertThat(TagPattern.parse("*,latest").names("latest")).isTrue();
        assertThat(TagPattern.parse("*").names("latest")).isFalse();
        assertThat(TagPattern.parse("lat*").names("latest")).isFalse();
        assertThat(TagPattern.parse("!latest").names("latest")).isFalse();
    }

    @Test
    void rejectsWhatIsNotAPattern() {
        for (String bad : new String[] {"", " ", "v*,", "!", "!!x", "a b", "v[1]", "x/y", "é", "a".repeat(129)}) {
            assertThatThrownBy(() -> TagPattern.parse(bad)).as(bad).isInstanceOf(SlipwayException.BadRequest.class);
        }
        assertThatThrownBy(() -> TagPattern.parse(null)).isInstanceOf(SlipwayException.BadRequest.class);
        assertThatThrownBy(() -> TagPattern.parse("a,".repeat(300))).isInstanceOf(SlipwayException.BadRequest.class);
    }

    @Test
    void equalByNormalizedText() {
        assertThat(TagPattern.parse("v*, !x")).isEqualTo(TagPattern.parse("v*,!x")).hasSameHashCodeAs(TagPattern.parse("v*,!x"));
    }
}
