package dev.slipway.logs.render;

import static dev.slipway.logs.render.Render.CSI;
import static dev.slipway.logs.render.Render.ESC;
import static dev.slipway.logs.render.Render.bytes;
import static dev.slipway.logs.render.Render.concat;
import static dev.slipway.logs.render.Render.line;
import static dev.slipway.logs.render.Render.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.logs.LogStream;
import org.junit.jupiter.api.Test;

class LineHtmlTest {

    private static String html(String s) {
        return LineHtml.render(line(s));
    }

    @Test
    void plainTextIsEscapedAndNotWrapped() {
        assertThat(html("<b>a & \"b\" 'c'</b>")).isEqualTo("&lt;b&gt;a &amp; &quot;b&quot; &#39;c&#39;&lt;/b&gt;");
        assertThat(LineHtml.render(new Line(0, java.util.List.of()))).isEmpty();
    }

    @Test
    void standardColoursAndAttributesAreClasses() {
        assertThat(html(CSI + "1;31mError" + CSI + "0m: x")).isEqualTo("<span class=\"a-fg1 a-bold\">Error</span>: x");
        assertThat(html(CSI + "2;3;4;9;97;104mx")).isEqualTo(
                "<span class=\"a-fg15 a-bg12 a-dim a-italic a-underline a-strike\">x</span>");
    }

    @Test
    void paletteColoursAreClassesAndTruecolorIsInlineStyle() {
        assertThat(html(CSI + "38;5;196mx")).isEqualTo("<span class=\"a-fg196\">x</span>");
        assertThat(html(CSI + "48;5;3mx")).isEqualTo("<span class=\"a-bg3\">x</span>");
        assertThat(html(CSI + "38;2;255;128;0;48;2;0;0;1mx"))
                .isEqualTo("<span style=\"color:#ff8000;background-color:#000001;\">x</span>");
    }

    @Test
    void inverseSwapsTheColours() {
        assertThat(html(CSI + "7;31mx")).isEqualTo("<span class=\"a-bg1 a-inverse\">x</span>");
        assertThat(html(CSI + "7;31;42mx")).isEqualTo("<span class=\"a-fg2 a-bg1 a-inverse\">x</span>");
        assertThat(html(CSI + "7mx")).isEqualTo("<span class=\"a-inverse\">x</span>");
    }

    @Test
    void shownBytesAndControlsHaveTheirOwnClasses() {
        Line l = Render.render(concat(utf8("a"), bytes(0xff, 0xfe), utf8("\u0001b"))).getFirst();
        assertThat(LineHtml.render(l)).isEqualTo(
                "a<span class=\"a-invalid\">\\xff\\xfe</span><span class=\"a-control\">\\x01</span>b");
    }

    @Test
    void streamsOtherThanStdoutAreMarked() {
        Terminal t = new Terminal();
        t.feed(LogStream.STDOUT, utf8("o"));
        t.feed(LogStream.STDERR, utf8("e"));
        t.feed(LogStream.SYSTEM, utf8("s"));
        t.finish();
        assertThat(LineHtml.render(t.line(0))).isEqualTo("o<span class=\"a-stderr\">e</span><span class=\"a-system\">s</span>");
    }

    @Test
    void httpLinksBecomeAnchorsAroundAllTheirRuns() {
        String link = ESC + "]8;;https://example.com/?a=1&b=\"2\"" + ESC + "\\";
        String end = ESC + "]8;;" + ESC + "\\";
        assertThat(html("see " + link + "the " + CSI + "1mdocs" + CSI + "0m" + end + ".")).isEqualTo(
                "see <a class=\"a-link\" href=\"https://example.com/?a=1&amp;b=&quot;2&quot;\" rel=\"noopener noreferrer"
                + " nofollow\" target=\"_blank\">the <span class=\"a-bold\">docs</span></a>.");
    }

    @Test
    void otherLinkSchemesAreDroppedAndTheTextKept() {
        assertThat(html(ESC + "]8;;javascript:alert(1)" + ESC + "\\click" + ESC + "]8;;" + ESC + "\\")).isEqualTo("click");
        assertThat(html(ESC + "]8;;file:///etc/passwd" + ESC + "\\f" + ESC + "]8;;" + ESC + "\\")).isEqualTo("f");
    }

    @Test
    void theStylesheetDefinesEveryClass() {
        String css = LineHtml.stylesheet();
        assertThat(css).contains(".a-fg1{color:var(--a-1)}", ".a-bg15{background-color:var(--a-15)}",
                ".a-fg196{color:#ff0000}", ".a-bg255{background-color:#eeeeee}", ".a-inverse{", ".a-bold{",
                ".a-dim{", ".a-italic{", ".a-underline{", ".a-strike{", ".a-invalid", ".a-control", ".a-system{",
                ".a-link{", "prefers-color-scheme: dark");
        // colour classes come after .a-inverse, so that a swapped explicit colour wins over its defaults
        assertThat(css.indexOf(".a-inverse{")).isLessThan(css.indexOf(".a-fg0{"));
    }

    @Test
    void xtermPalette() {
        assertThat(LineHtml.palette(16)).isEqualTo("#000000");
        assertThat(LineHtml.palette(21)).isEqualTo("#0000ff");
        assertThat(LineHtml.palette(196)).isEqualTo("#ff0000");
        assertThat(LineHtml.palette(231)).isEqualTo("#ffffff");
        assertThat(LineHtml.palette(232)).isEqualTo("#080808");
        assertThat(LineHtml.palette(255)).isEqualTo("#eeeeee");
        assertThat(LineHtml.palette(110)).isEqualTo("#87afd7");
    }
}
