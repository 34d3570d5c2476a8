package dev.slipway.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DotenvTest {
    private static Map<String, String> parse(String text) {
        return Dotenv.parse(text, name -> name.equals("HOME") ? "/home/me" : null);
    }

    @Test
    void readsActsDotenvFiles() {
        Map<String, String> env = parse("""
                # a comment
                export PLAIN=value   # trailing comment
                SPACED = padded
                EMPTY=
                SINGLE='literal $HOME \\n'
                DOUBLE="line1\\nline2 \\"q\\" \\$HOME"
                MULTI="first
                second"
                QUOTED_MULTI='a
                b'
                REF=${PLAIN}-$HOME-$UNSET.
                COLON: yes
                """);
        assertThat(env).containsExactly(
                Map.entry("PLAIN", "value"), Map.entry("SPACED", "padded"), Map.entry("EMPTY", ""),
                Map.entry("SINGLE", "literal $HOME \\n"), Map.entry("DOUBLE", "line1\nline2 \"q\" $HOME"),
                Map.entry("MULTI", "first\nsecond"), Map.entry("QUOTED_MULTI", "a\nb"),
                Map.entry("REF", "value-/home/me-."), Map.entry("COLON", "yes"));
    }

    @Test
    void aPrivateKeyInDoubleQuotesKeepsItsLines() {
        Map<String, String> env = parse("KEY=\"-----BEGIN KEY-----\nabc\n-----END KEY-----\"\nNEXT=1\n");
        assertThat(env.get("KEY")).isEqualTo("-----BEGIN KEY-----\nabc\n-----END KEY-----");
        assertThat(env.get("NEXT")).isEqualTo("1");
    }

    @Test
    void mistakesNameTheLine() {
        assertThatThrownBy(() -> parse("A=1\nnot a pair\n")).hasMessage("line 2: expected KEY=VALUE, got 'not a pair'");
        assertThatThrownBy(() -> parse("A=1\nB=\"open\n")).hasMessage("line 2: the value of B has no closing \"");
        assertThatThrownBy(() -> parse("1X=2")).hasMessage("line 1: '1X' is not a variable name");
        assertThatThrownBy(() -> parse("A='x' y")).hasMessage("line 1: unexpected 'y' after the quoted value of A");
    }
}
