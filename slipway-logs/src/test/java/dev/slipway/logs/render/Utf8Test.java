package dev.slipway.logs.render;

import static dev.slipway.logs.render.Render.bytes;
import static dev.slipway.logs.render.Render.concat;
import static dev.slipway.logs.render.Render.render;
import static dev.slipway.logs.render.Render.run;
import static dev.slipway.logs.render.Render.texts;
import static dev.slipway.logs.render.Render.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.logs.LogStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** UTF-8 decoding: invalid bytes stay visible, and chunk boundaries anywhere change nothing. */
class Utf8Test {

    @Test
    void decodesOneToFourByteCharacters() {
        assertThat(texts("héllo € 𝄞 日本\n")).containsExactly("héllo € 𝄞 日本");
    }

    @Test
    void anInvalidByteIsAVisibleEscapeInARunOfItsOwn() {
        Line l = render(concat(utf8("a"), bytes(0xff), utf8("b\n"))).getFirst();
        assertThat(l.text()).isEqualTo("a\\xffb");
        assertThat(l.runs()).extracting(Run::kind).containsExactly(Run.Kind.TEXT, Run.Kind.INVALID_BYTES, Run.Kind.TEXT);
        assertThat(run(l, "\\xff").text()).isEqualTo("\\xff");
    }

    @Test
    void illFormedSequencesShowEveryByte() {
        assertThat(texts(render(bytes(0xc0, 0x80)))).containsExactly("\\xc0\\x80"); // overlong
        assertThat(texts(render(bytes(0xe0, 0x80, 0x80)))).containsExactly("\\xe0\\x80\\x80"); // overlong
        assertThat(texts(render(bytes(0xed, 0xa0, 0x80)))).containsExactly("\\xed\\xa0\\x80"); // surrogate
        assertThat(texts(render(bytes(0xf4, 0x90, 0x80, 0x80)))).containsExactly("\\xf4\\x90\\x80\\x80"); // > U+10FFFF
        assertThat(texts(render(bytes(0xf5, 0x41)))).containsExactly("\\xf5A");
        assertThat(texts(render(bytes(0x80, 0xbf)))).containsExactly("\\x80\\xbf"); // lone continuations
        assertThat(texts(render(bytes(0xe2, 0x82, 0x41)))).containsExactly("\\xe2\\x82A"); // truncated, then text
        assertThat(texts(render(bytes(0xe2, 0x82, 0xe2, 0x82, 0xac)))).containsExactly("\\xe2\\x82€");
    }

    @Test
    void anIncompleteCharacterAtTheEndOfTheLogShowsItsBytes() {
        assertThat(texts(render(concat(utf8("ab"), bytes(0xe2, 0x82))))).containsExactly("ab\\xe2\\x82");
        Terminal live = Render.fed(concat(utf8("ab"), bytes(0xe2, 0x82)));
        assertThat(live.line(0).text()).isEqualTo("ab"); // live, the character may still complete
        live.feed(LogStream.STDOUT, bytes(0xac));
        assertThat(live.line(0).text()).isEqualTo("ab€");
    }

    @Test
    void anInvalidByteDoesNotBreakTheEscapeSequenceAfterIt() {
        Line l = render(concat(bytes(0xff), utf8("\u001b[31mred\n"))).getFirst();
        assertThat(l.text()).isEqualTo("\\xffred");
        assertThat(run(l, "red").style().foreground()).isEqualTo(new Color.Basic(1));
    }

    @Test
    void everySplitPointGivesTheSameLines() {
        byte[] log = concat(utf8("naïve € 𝄞 "), bytes(0xff, 0xe2, 0x82), utf8("x\u001b[38;2;1;2;3mé\r\n"),
                bytes(0xf0, 0x9f, 0x98), utf8("\n日本\u001b]8;;https://e.x/é\u0007link\u001b]8;;\u0007\n"));
        Render.assertEveryCutRendersTheSame(log);
    }

    @Test
    void eachStreamDecodesOnItsOwn() {
        Terminal t = new Terminal();
        t.feed(LogStream.STDOUT, bytes(0xe2));
        t.feed(LogStream.STDERR, utf8("x"));
        t.feed(LogStream.STDOUT, bytes(0x82, 0xac));
        t.finish();
        Line l = t.line(0);
        assertThat(l.text()).isEqualTo("x€");
        assertThat(run(l, "€").stream()).isEqualTo(LogStream.STDOUT);
        assertThat(run(l, "x").stream()).isEqualTo(LogStream.STDERR);
    }

    @Test
    void wideEmojiTakeTwoCells() {
        assertThat(texts("😀😀\rab\n")).containsExactly("ab😀");
    }
}
