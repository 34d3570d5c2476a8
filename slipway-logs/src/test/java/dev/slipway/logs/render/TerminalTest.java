package dev.slipway.logs.render;

import static dev.slipway.logs.render.Render.CSI;
import static dev.slipway.logs.render.Render.ESC;
import static dev.slipway.logs.render.Render.fed;
import static dev.slipway.logs.render.Render.held;
import static dev.slipway.logs.render.Render.line;
import static dev.slipway.logs.render.Render.texts;
import static dev.slipway.logs.render.Render.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.logs.LogChunk;
import dev.slipway.logs.LogStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Control characters, cursor movement, erasing and the line model, one at a time. */
class TerminalTest {

    @Test
    void newlinesMakeLinesAndAFinalNewlineMakesNoEmptyLine() {
        assertThat(texts("a\nb\n")).containsExactly("a", "b");
        assertThat(texts("a\nb")).containsExactly("a", "b");
        assertThat(texts("a\n\n")).containsExactly("a", "");
        assertThat(texts("\n")).containsExactly("");
        assertThat(texts("")).isEmpty();
        assertThat(texts("a\r\nb\r\n")).containsExactly("a", "b");
    }

    @Test
    void carriageReturnOverwritesInPlaceSoAProgressBarEndsAsOneLine() {
        assertThat(texts("Downloading  10%\rDownloading  55%\rDownloading 100%\ndone\n"))
                .containsExactly("Downloading 100%", "done");
        // a shorter frame leaves the end of the longer one, as on a terminal
        assertThat(texts("abcdef\rxy\n")).containsExactly("xycdef");
    }

    @Test
    void backspaceMovesLeftWithoutErasing() {
        assertThat(texts("abc\bX")).containsExactly("abX");
        assertThat(texts("ab\b\b\bX")).containsExactly("Xb");
        assertThat(texts("\bX")).containsExactly("X");
    }

    @Test
    void tabGoesToTheNextMultipleOfEight() {
        assertThat(texts("a\tb")).containsExactly("a       b");
        assertThat(texts("12345678\tx")).containsExactly("12345678        x");
        assertThat(texts("\tx")).containsExactly("        x");
        assertThat(texts("abc\t\rX")).containsExactly("Xbc"); // a tab moves, it writes nothing
    }

    @Test
    void bellNulAndCharsetShiftsAreSilentAndDelIsIgnored() {
        assertThat(texts("a\u0007b\u0000c\u000ed\u000fe\u007ff")).containsExactly("abcdef");
    }

    @Test
    void otherControlCharactersAreShownAsEscapes() {
        Line l = line("a\u0001b\u001fc");
        assertThat(l.text()).isEqualTo("a\\x01b\\x1fc");
        assertThat(Render.run(l, "\\x01").kind()).isEqualTo(Run.Kind.CONTROL);
        assertThat(Render.run(l, "a").kind()).isEqualTo(Run.Kind.TEXT);
        Line c1 = line("x\u0085y");
        assertThat(c1.text()).isEqualTo("x\\u0085y");
        assertThat(Render.run(c1, "\\u0085").kind()).isEqualTo(Run.Kind.CONTROL);
    }

    @Test
    void verticalTabAndFormFeedAreNewlines() {
        assertThat(texts("a\u000bb\u000cc")).containsExactly("a", "b", "c");
    }

    @Test
    void cursorUpRedrawsAnEarlierLine() {
        assertThat(texts("one\ntwo\nthree\n" + CSI + "2A" + "TWO" + CSI + "2B" + "\rfour\n"))
                .containsExactly("one", "TWO", "three", "four");
        assertThat(texts("a\n" + CSI + "A" + "b")).containsExactly("b"); // no parameter means 1
        assertThat(texts("a\n" + CSI + "0A" + "b")).containsExactly("b"); // neither does 0
    }

    @Test
    void cursorUpStopsAtTheTopOfTheScreenAndLinesAboveAreFinal() {
        Terminal t = new Terminal(3);
        t.feed(LogStream.STDOUT, utf8("l0\nl1\nl2\nl3\nl4"));
        assertThat(t.lineCount()).isEqualTo(5);
        assertThat(t.finalLineCount()).isEqualTo(2);
        t.feed(LogStream.STDOUT, utf8("\r" + CSI + "10AX"));
        t.finish();
        assertThat(texts(held(t))).containsExactly("l0", "l1", "X2", "l3", "l4");
    }

    @Test
    void cursorDownStopsAtTheBottomOfTheScreen() {
        Terminal t = new Terminal(3);
        t.feed(LogStream.STDOUT, utf8("a" + CSI + "10Bb"));
        t.finish();
        assertThat(texts(held(t))).containsExactly("a", "", " b");
    }

    @Test
    void cursorForwardAndBack() {
        assertThat(texts("a" + CSI + "3Cb")).containsExactly("a   b");
        assertThat(texts("abcd" + CSI + "2DX")).containsExactly("abXd");
        assertThat(texts("ab" + CSI + "9DX")).containsExactly("Xb");
    }

    @Test
    void nextAndPreviousLineGoToTheFirstColumn() {
        assertThat(texts("a\nb\nc" + CSI + "2Fx" + CSI + "1Ey")).containsExactly("x", "y", "c");
    }

    @Test
    void absoluteColumnAndPosition() {
        assertThat(texts("abcdef" + CSI + "3GX")).containsExactly("abXdef");
        assertThat(texts("abc" + CSI + "0GX")).containsExactly("Xbc");
        assertThat(texts("abc" + CSI + "2`X")).containsExactly("aXc");
        assertThat(texts(CSI + "3;5Hx")).containsExactly("", "", "    x");
        assertThat(texts("abc\ndef" + CSI + "Hy")).containsExactly("ybc", "def");
        assertThat(texts("abc\ndef" + CSI + "1;2fy")).containsExactly("ayc", "def");
        assertThat(texts("a\nb\nc" + CSI + "1dX")).containsExactly("aX", "b", "c");
    }

    @Test
    void cursorMovementStopsAtTheColumnLimitButTextDoesNot() {
        assertThat(texts(CSI + "99999Cx").getFirst()).hasSize(Screen.MOVE_LIMIT);
        String longLine = "y".repeat(10_000);
        assertThat(texts(longLine + "\n")).containsExactly(longLine);
    }

    @Test
    void eraseInLine() {
        assertThat(texts("abcdef" + CSI + "3D" + CSI + "K\n")).containsExactly("abc");
        assertThat(texts("abcdef" + CSI + "3D" + CSI + "0K\n")).containsExactly("abc");
        assertThat(texts("abcdef" + CSI + "3D" + CSI + "1K\n")).containsExactly("    ef");
        assertThat(texts("abcdef" + CSI + "2Kx\n")).containsExactly("      x");
        assertThat(texts("progress 50%\r" + CSI + "Kdone\n")).containsExactly("done");
    }

    @Test
    void eraseBelowRemovesTheLinesBelowTheCursor() {
        assertThat(texts("a\nb\nc" + CSI + "2A" + CSI + "J")).containsExactly("a");
        assertThat(texts("abc\nb\nc" + CSI + "2A" + CSI + "0J\n")).containsExactly("a");
        assertThat(texts("abc\nb\nc" + CSI + "2A" + CSI + "D" + CSI + "0J\n")).containsExactly("");
    }

    @Test
    void eraseAboveBlanksTheLinesAboveTheCursor() {
        assertThat(texts("a\nb\ncd" + CSI + "D" + CSI + "1J\n")).containsExactly("", "", "  ");
    }

    @Test
    void clearScreenKeepsTheScreenInTheHistoryAndStartsAFreshScreen() {
        Terminal t = fed("a\nb\n" + CSI + "2J" + CSI + "Hc\n");
        assertThat(t.finalLineCount()).isEqualTo(2);
        t.finish();
        assertThat(texts(held(t))).containsExactly("a", "b", "c");
        // the cursor keeps its row and column on the fresh screen
        assertThat(texts("a\nb" + CSI + "2Jc")).containsExactly("a", "b", "", " c");
        // what was cleared can no longer be reached by moving up
        assertThat(texts("a\nb\n" + CSI + "2J" + CSI + "5Ax")).containsExactly("a", "b", "x");
    }

    @Test
    void eraseScrollbackIsIgnored() {
        assertThat(texts("a\n" + CSI + "3Jb")).containsExactly("a", "b");
    }

    @Test
    void saveAndRestoreCursor() {
        assertThat(texts("ab" + ESC + "7\ncd" + ESC + "8X")).containsExactly("abX", "cd");
        assertThat(texts("ab" + CSI + "s\ncd" + CSI + "uX")).containsExactly("abX", "cd");
        assertThat(texts("abc\ndef" + ESC + "8X")).containsExactly("Xbc", "def"); // nothing saved: home
        Line restored = Render.render("a" + CSI + "31m" + ESC + "7" + CSI + "0m" + ESC + "8b").getFirst();
        assertThat(Render.run(restored, "b").style().foreground()).isEqualTo(new Color.Basic(1));
    }

    @Test
    void indexNextLineAndReverseIndex() {
        assertThat(texts("ab" + ESC + "Dc")).containsExactly("ab", "  c");
        assertThat(texts("ab" + ESC + "Ec")).containsExactly("ab", "c");
        assertThat(texts("a\nb" + ESC + "Mc")).containsExactly("ac", "b");
        assertThat(texts("a" + ESC + "Mb")).containsExactly("ab"); // at the top: nothing happens
    }

    @Test
    void eraseDeleteAndInsertCharacters() {
        assertThat(texts("abcdef" + CSI + "4D" + CSI + "2X\n")).containsExactly("ab  ef");
        assertThat(texts("abcdef" + CSI + "4D" + CSI + "2P\n")).containsExactly("abef");
        assertThat(texts("abcdef" + CSI + "4D" + CSI + "2@\n")).containsExactly("ab  cdef");
    }

    @Test
    void fullResetStartsAFreshScreenWithDefaultRendition() {
        List<Line> lines = Render.render("a" + CSI + "31m" + ESC + "cb");
        assertThat(texts(lines)).containsExactly("a", "b");
        assertThat(lines.get(1).runs().getFirst().style()).isEqualTo(Style.DEFAULT);
    }

    @Test
    void wideCharactersTakeTwoCellsAndAreBlankedWhenCut() {
        assertThat(texts("日本\rX\n")).containsExactly("X 本");
        assertThat(texts("日本" + CSI + "3GY\n")).containsExactly("日Y "); // Y cuts 本: its other half is blank
        assertThat(texts("日本\rab\n")).containsExactly("ab本");
    }

    @Test
    void combiningMarksJoinThePreviousCell() {
        assertThat(texts("e\u0301x\n")).containsExactly("e\u0301x");
        assertThat(texts("e\u0301" + CSI + "DX\n")).containsExactly("X");
        assertThat(texts("\u0301a\n")).containsExactly("\u0301a"); // nothing to join: a cell of its own
    }

    @Test
    void decLineDrawingCharacters() {
        assertThat(texts(ESC + "(0lqk" + ESC + "(Bq\n")).containsExactly("┌─┐q");
    }

    @Test
    void unsupportedSequencesAreSwallowed() {
        assertThat(texts(CSI + "?25l" + CSI + "?1049h" + CSI + "1;24r" + CSI + "6n" + CSI + ">c" + CSI + "2 q"
                + CSI + "5L" + CSI + "3M" + CSI + "2S" + "ok" + CSI + "?25h\n")).containsExactly("ok");
        assertThat(texts(ESC + "=" + ESC + ">" + ESC + "#8" + ESC + "(B" + ESC + ")0" + ESC + "\\ok\n"))
                .containsExactly("ok");
    }

    @Test
    void eachRunCarriesItsStream() {
        Terminal t = new Terminal();
        t.feed(LogStream.STDOUT, utf8("out "));
        t.feed(LogStream.STDERR, utf8("err\n"));
        t.feed(LogStream.SYSTEM, utf8("##[system line]\n"));
        t.finish();
        List<Line> lines = held(t);
        assertThat(Render.run(lines.get(0), "out").stream()).isEqualTo(LogStream.STDOUT);
        assertThat(Render.run(lines.get(0), "err").stream()).isEqualTo(LogStream.STDERR);
        assertThat(lines.get(1).runs()).extracting(Run::stream).containsOnly(LogStream.SYSTEM);
    }

    @Test
    void changedSinceReportsNewAndRedrawnLinesOnly() {
        Terminal t = new Terminal();
        assertThat(t.changedSince(0)).isEmpty();
        t.feed(LogStream.STDOUT, utf8("a\nb\nc\n"));
        assertThat(t.changedSince(0)).containsExactly(0, 1, 2);
        long v = t.version();
        t.feed(LogStream.STDOUT, utf8(CSI + "2Ax" + CSI + "2B"));
        assertThat(t.changedSince(v)).containsExactly(1);
        long v2 = t.version();
        t.feed(LogStream.STDOUT, utf8("d\ne\n"));
        assertThat(t.changedSince(v2)).containsExactly(3, 4);
        assertThat(t.changedSince(t.version())).isEmpty();
    }

    @Test
    void changedSinceLooksNoFurtherThanAScreenAboveTheOldEnd() {
        Terminal t = new Terminal(4);
        for (int i = 0; i < 100; i++) {
            t.feed(LogStream.STDOUT, utf8("line " + i + "\n"));
        }
        long v = t.version();
        t.feed(LogStream.STDOUT, utf8(CSI + "3Aredrawn\n"));
        assertThat(t.changedSince(v)).containsExactly(97);
        assertThat(t.line(97).text()).isEqualTo("redrawn");
    }

    @Test
    void erasedLinesDisappearFromTheCount() {
        Terminal t = fed("a\nb\nc\n");
        long v = t.version();
        t.feed(LogStream.STDOUT, utf8(CSI + "2A" + CSI + "J"));
        assertThat(t.lineCount()).isEqualTo(2);
        assertThat(t.changedSince(v)).containsExactly(1);
    }

    @Test
    void releasedLinesAreNoLongerHeld() {
        Terminal t = new Terminal(10);
        for (int i = 0; i < 100; i++) {
            t.feed(LogStream.STDOUT, utf8("line " + i + "\n"));
        }
        assertThat(t.finalLineCount()).isEqualTo(91);
        assertThat(t.line(10).text()).isEqualTo("line 10");
        t.release(50);
        assertThat(t.firstLine()).isEqualTo(50);
        assertThatThrownBy(() -> t.line(10)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(t.line(50).text()).isEqualTo("line 50");
        t.release(1000); // beyond the final lines: the screen stays, later final lines are dropped
        assertThat(t.firstLine()).isEqualTo(91);
        t.feed(LogStream.STDOUT, utf8("more\n"));
        assertThat(t.firstLine()).isEqualTo(92);
        assertThat(t.line(99).text()).isEqualTo("line 99");
    }

    @Test
    void aSpinnerErasedAtTheEndLeavesNoEmptyLastLine() {
        assertThat(texts("done\n⠋" + CSI + "1G" + CSI + "0K")).containsExactly("done");
        assertThat(texts("done\n   ")).containsExactly("done");
        assertThat(texts("done\n" + CSI + "41m   ")).containsExactly("done", "   "); // coloured blanks show
    }

    @Test
    void chunksMustBeFedInOrder() {
        Terminal t = new Terminal();
        t.feed(new LogChunk(0, 0, LogStream.STDOUT, utf8("ab")));
        assertThat(t.offset()).isEqualTo(2);
        assertThatThrownBy(() -> t.feed(new LogChunk(5, 0, LogStream.STDOUT, utf8("x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 5");
        t.finish();
        assertThatThrownBy(() -> t.feed(LogStream.STDOUT, utf8("x"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTerminalRestoredFromASnapshotGoesOnExactlyAndHoldsOnlyLinesItKnows() {
        Terminal t = new Terminal(4);
        t.feed(LogStream.STDOUT, utf8("a\nb\nc\nd\ne\n" + CSI + "31mf" + CSI + "2A"));
        Terminal.Snapshot snapshot = t.snapshot();
        Terminal restored = Terminal.restore(snapshot, true);
        assertThat(restored.offset()).isEqualTo(t.offset());
        assertThat(restored.lineCount()).isEqualTo(t.lineCount()).isEqualTo(6);
        assertThat(restored.firstLine()).isEqualTo(6); // the screen's content is not in a snapshot
        assertThatThrownBy(() -> restored.line(5)).isInstanceOf(IndexOutOfBoundsException.class);
        byte[] rest = utf8("X\r" + CSI + "2Bg\nh\n");
        t.feed(LogStream.STDOUT, rest);
        restored.feed(LogStream.STDOUT, rest);
        assertThat(held(restored)).isEqualTo(held(t).subList(6 - t.firstLine(), t.lineCount() - t.firstLine()));
        assertThat(Render.run(restored.line(6), "h").style().foreground()).isEqualTo(new Color.Basic(1)); // the pen carried over
    }

    @Test
    void heightIsChecked() {
        assertThatThrownBy(() -> new Terminal(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Terminal(Terminal.MAX_HEIGHT + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Terminal().height()).isEqualTo(Terminal.DEFAULT_HEIGHT);
    }
}
