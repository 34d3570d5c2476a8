package dev.slipway.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BadgesTest {
    @Test
    void aRunStatusBecomesTheBadgesWord() {
        assertThat(Badges.word("success")).isEqualTo("success");
        assertThat(Badges.word("failure")).isEqualTo("failure");
        assertThat(Badges.word("queued")).isEqualTo("running");
        assertThat(Badges.word("approval")).isEqualTo("running");
        assertThat(Badges.word("cancelled")).isEqualTo("cancelled");
    }

    @Test
    void theSvgNamesLabelAndStatusAndEscapesThem() {
        String svg = Badges.svg("a<b&\"c", "success");
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").endsWith("</svg>")
                .contains("aria-label=\"a&lt;b&amp;&quot;c: success\"").contains("#1a7f37").doesNotContain("a<b");
        // Wider text, wider badge.
        assertThat(width(Badges.svg("ci", "none"))).isLessThan(width(Badges.svg("a-long-pipeline-name", "none")));
    }

    private static int width(String svg) {
        return Integer.parseInt(svg.replaceFirst("(?s)^<svg [^>]*?width=\"(\\d+)\".*", "$1"));
    }
}
