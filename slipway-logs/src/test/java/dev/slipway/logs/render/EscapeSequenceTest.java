package dev.slipway.logs.render;

import static dev.slipway.logs.render.Render.CSI;
import static dev.slipway.logs.render.Render.ESC;
import static dev.slipway.logs.render.Render.line;
import static dev.slipway.logs.render.Render.render;
import static dev.slipway.logs.render.Render.run;
import static dev.slipway.logs.render.Render.texts;
import static dev.slipway.logs.render.Render.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.logs.LogStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OSC, DCS and the like are swallowed (hyperlinks kept); sequences survive being cut anywhere. */
class EscapeSequenceTest {
    private static final String BEL = "\u0007";
    private static final String ST = ESC + "\\";

    @Test
    void titlesAndOtherOscStringsAreSwallowed() {
        assertThat(texts(ESC + "]0;my title" + BEL + "ok" + ESC + "]2;t" + ST + "!" + ESC + "]52;c;aGVsbG8=" + BEL
                + ESC + "]133;A" + ST + "\n")).containsExactly("ok!");
    }

    @Test
    void hyperlinksAreKept() {
        Line l = line("see " + ESC + "]8;;https://example.com/a?b=1" + ST + "the docs" + ESC + "]8;;" + ST + " now");
        assertThat(l.text()).isEqualTo("see the docs now");
        assertThat(run(l, "the docs").link()).isEqualTo("https://example.com/a?b=1");
        assertThat(run(l, "see").link()).isNull();
        assertThat(run(l, "now").link()).isNull();
        Line withId = line(ESC + "]8;id=x1;http://e.x/" + BEL + "a" + ESC + "]8;;" + BEL + "b");
        assertThat(run(withId, "a").link()).isEqualTo("http://e.x/");
    }

    @Test
    void dcsApcPmAndSosStringsAreSwallowed() {
        assertThat(texts(ESC + "Pq#0;2;0;0;0#0~~@@-" + ST + "a" + ESC + "_Gf=100;AAAA" + ST + "b" + ESC + "^pm" + ST
                + "c" + ESC + "Xsos" + ST + "d\n")).containsExactly("abcd");
    }

    @Test
    void anUnterminatedStringEndsAtTheNextLineFeed() {
        assertThat(texts(ESC + "]0;title without end\nnext line\n")).containsExactly("", "next line");
        assertThat(texts(ESC + "Pno end\nnext\n")).containsExactly("", "next");
    }

    @Test
    void aLongOscStringIsSwallowedWithoutBeingKept() {
        assertThat(texts(ESC + "]1337;File=inline=1:" + "A".repeat(100_000) + BEL + "after\n")).containsExactly("after");
        Line l = line(ESC + "]8;;https://e.x/" + "a".repeat(10_000) + BEL + "text");
        assertThat(l.runs().getFirst().link()).isNull(); // too long to keep: not a link
    }

    @Test
    void cancelAndSubstituteAbortASequence() {
        Line l = line(CSI + "31" + "\u0018" + "mX");
        assertThat(l.text()).isEqualTo("mX");
        assertThat(l.runs().getFirst().style()).isEqualTo(Style.DEFAULT);
    }

    @Test
    void controlsInsideASequenceAreExecuted() {
        List<Line> lines = render(CSI + "3\n1mX");
        assertThat(texts(lines)).containsExactly("", "X");
        assertThat(run(lines.get(1), "X").style().foreground()).isEqualTo(new Color.Basic(1));
    }

    @Test
    void escFollowedByNonAsciiIsDroppedAndTheTextKept() {
        assertThat(texts("a" + ESC + "é\n")).containsExactly("aé");
        assertThat(texts(CSI + "3é\n")).containsExactly("é");
    }

    @Test
    void anEscInsideASequenceStartsANewOne() {
        assertThat(texts(CSI + "12" + ESC + "[31mX\n")).containsExactly("X");
        assertThat(run(line(ESC + "]0;t" + CSI + "32mX"), "X").style().foreground()).isEqualTo(new Color.Basic(2));
    }

    @Test
    void sequencesCutAtEveryPointGiveTheSameLines() {
        byte[] log = utf8(CSI + "38;2;255;0;0mred" + CSI + "0m " + ESC + "]8;;https://e.x" + ST + "link" + ESC
                + "]8;;" + ST + ESC + "(0q" + ESC + "(B" + ESC + "7" + CSI + "2;3H*" + ESC + "8\r" + CSI + "K!\n");
        Render.assertEveryCutRendersTheSame(log);
    }

    @Test
    void aSequenceSplitBetweenStdoutChunksIsNotBrokenByStderrInBetween() {
        Terminal t = new Terminal();
        t.feed(LogStream.STDOUT, utf8(CSI + "3"));
        t.feed(LogStream.STDERR, utf8("err "));
        t.feed(LogStream.STDOUT, utf8("1mred"));
        t.finish();
        Line l = t.line(0);
        assertThat(l.text()).isEqualTo("err red");
        assertThat(run(l, "red").style().foreground()).isEqualTo(new Color.Basic(1));
        assertThat(run(l, "err").style()).isEqualTo(Style.DEFAULT);
    }

    @Test
    void anIncompleteSequenceAtTheEndIsDropped() {
        assertThat(texts("ok" + CSI + "38;5")).containsExactly("ok");
        assertThat(texts("ok" + ESC)).containsExactly("ok");
    }
}
