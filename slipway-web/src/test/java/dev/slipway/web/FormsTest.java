package dev.slipway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the UI's forms accept: variables, where to go after signing in, form tokens. */
class FormsTest {
    @Test
    void variablesAreNameValueLines() {
        assertThat(RunPages.variables("A=1\r\n\n# a comment\n B = two words \nC=x=y\nD=")).isEqualTo(Map.of("A", "1", "B", " two words", "C", "x=y", "D", ""));
        assertThat(RunPages.variables("")).isEmpty();
        assertThatThrownBy(() -> RunPages.variables("just text")).isInstanceOf(SlipwayException.BadRequest.class)
                .hasMessageContaining("NAME=value");
        assertThatThrownBy(() -> RunPages.variables("=value")).isInstanceOf(SlipwayException.BadRequest.class);
    }

    @Test
    void afterSigningInOnlyPathsOfThisServer() {
        assertThat(SignIn.next("/alice/app/runs/3?x=1")).isEqualTo("/alice/app/runs/3?x=1");
        assertThat(SignIn.next(null)).isEqualTo("/");
        assertThat(SignIn.next("https://evil.example/")).isEqualTo("/");
        assertThat(SignIn.next("//evil.example/")).isEqualTo("/");
        assertThat(SignIn.next("/\\evil.example/")).isEqualTo("/");
        assertThat(SignIn.next("/a\r\nSet-Cookie: x")).isEqualTo("/");
        assertThat(SignIn.next("/-/login")).isEqualTo("/");
    }

    @Test
    void formTokensFollowFromTheCookieAndRevealNothingOfIt() {
        String a = Csrf.tokenFor("0123");
        assertThat(a).isEqualTo(Csrf.tokenFor("0123")).isNotEqualTo(Csrf.tokenFor("0124")).doesNotContain("0123").hasSize(64);
    }
}
