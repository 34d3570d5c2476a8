package dev.slipway.ci.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpCredentialsTest {
    static HttpCredentials parse(String value) {
        return HttpCredentials.parse(value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void userAndTokenOrABareToken() {
        assertThat(parse("ci-bot:tok:en\n")).isEqualTo(new HttpCredentials("ci-bot", "tok:en"));
        assertThat(parse("  3f2a9c0d  ")).isEqualTo(new HttpCredentials(HttpCredentials.TOKEN_USER, "3f2a9c0d"));
        assertThat(parse(":3f2a9c0d")).isEqualTo(new HttpCredentials(HttpCredentials.TOKEN_USER, "3f2a9c0d"));
    }

    @Test
    void neverShowsThePassword() {
        assertThat(parse("ci-bot:s3cret-value").toString()).doesNotContain("s3cret").contains("ci-bot");
        assertThatThrownBy(() -> parse(" \n")).hasMessageContaining("empty");
    }
}
