package dev.slipway.ci.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The glob patterns of on: filters and when: conditions. */
class PatternsTest {
    @Test
    void globsFollowGitHubsFilterPatterns() {
        assertThat(Patterns.matches(List.of("main"), "main")).isTrue();
        assertThat(Patterns.matches(List.of("main"), "mainline")).isFalse();
        assertThat(Patterns.matches(List.of("release/*"), "release/1.0")).isTrue();
        assertThat(Patterns.matches(List.of("release/*"), "release/1.0/hotfix")).isFalse();
        assertThat(Patterns.matches(List.of("release/**"), "release/1.0/hotfix")).isTrue();
        assertThat(Patterns.matches(List.of("**"), "any/thing")).isTrue();
        assertThat(Patterns.matches(List.of("v[0-9]*"), "v1.2")).isTrue();
        assertThat(Patterns.matches(List.of("v[0-9]*"), "vx")).isFalse();
        assertThat(Patterns.matches(List.of("v?.0"), "v1.0")).isTrue();
        assertThat(Patterns.matches(List.of("docs/**/*.md"), "docs/a.md")).isTrue();
        assertThat(Patterns.matches(List.of("docs/**/*.md"), "docs/x/y/a.md")).isTrue();
        assertThat(Patterns.matches(List.of("a.b"), "axb")).as("dots are literal").isFalse();
        // The last matching pattern decides; exclusions alone start from everything.
        assertThat(Patterns.matches(List.of("release/**", "!release/old/**"), "release/old/1")).isFalse();
        assertThat(Patterns.matches(List.of("release/**", "!release/old/**", "release/old/keep"), "release/old/keep")).isTrue();
        assertThat(Patterns.matches(List.of("!wip/**"), "main")).isTrue();
        assertThat(Patterns.matches(List.of("!wip/**"), "wip/x")).isFalse();
        assertThat(Patterns.anyMatches(List.of("src/**", "!src/docs/**"), List.of("src/docs/a.md"))).isFalse();
        assertThat(Patterns.anyMatches(List.of("src/**", "!src/docs/**"), List.of("src/docs/a.md", "src/main.c"))).isTrue();
    }
}
