package dev.slipway.logs.render;

import static dev.slipway.logs.render.Render.CSI;
import static dev.slipway.logs.render.Render.line;
import static dev.slipway.logs.render.Render.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.logs.render.Style.Attribute;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SGR: attributes, the three kinds of colour in both syntaxes, and the resets. */
class SgrTest {

    /** The style of {@code x} after the given SGR parameters. */
    private static Style styleAfter(String params) {
        return run(line(CSI + params + "mx"), "x").style();
    }

    private static Style styleAfter(String first, String then) {
        return run(line(CSI + first + "m" + CSI + then + "mx"), "x").style();
    }

    @ParameterizedTest
    @CsvSource({"1,BOLD,22", "2,DIM,22", "3,ITALIC,23", "4,UNDERLINE,24", "7,INVERSE,27", "9,STRIKETHROUGH,29",
            "21,UNDERLINE,24", "4:3,UNDERLINE,4:0"})
    void attributesAreSetAndReset(String on, Attribute attribute, String off) {
        assertThat(styleAfter(on).attributes()).containsExactly(attribute);
        assertThat(styleAfter(on, off).attributes()).isEmpty();
        assertThat(styleAfter(on, "0").attributes()).isEmpty();
    }

    @Test
    void resetWithoutParametersAndWithEmptyOnes() {
        assertThat(styleAfter("1;31", "")).isEqualTo(Style.DEFAULT);
        assertThat(styleAfter("1;31;")).isEqualTo(Style.DEFAULT); // the empty last parameter is a 0
        assertThat(styleAfter(";1")).isEqualTo(new Style(Color.DEFAULT, Color.DEFAULT, Set.of(Attribute.BOLD)));
    }

    @Test
    void twentyTwoClearsBothBoldAndDim() {
        assertThat(styleAfter("1;2;3", "22").attributes()).containsExactly(Attribute.ITALIC);
    }

    @Test
    void sixteenColours() {
        for (int i = 0; i < 8; i++) {
            assertThat(styleAfter(String.valueOf(30 + i)).foreground()).isEqualTo(new Color.Basic(i));
            assertThat(styleAfter(String.valueOf(40 + i)).background()).isEqualTo(new Color.Basic(i));
            assertThat(styleAfter(String.valueOf(90 + i)).foreground()).isEqualTo(new Color.Basic(8 + i));
            assertThat(styleAfter(String.valueOf(100 + i)).background()).isEqualTo(new Color.Basic(8 + i));
        }
        assertThat(styleAfter("31;42", "39")).isEqualTo(new Style(Color.DEFAULT, new Color.Basic(2), Set.of()));
        assertThat(styleAfter("31;42", "49")).isEqualTo(new Style(new Color.Basic(1), Color.DEFAULT, Set.of()));
    }

    @Test
    void palette256Colours() {
        assertThat(styleAfter("38;5;196").foreground()).isEqualTo(new Color.Palette(196));
        assertThat(styleAfter("48;5;21").background()).isEqualTo(new Color.Palette(21));
        assertThat(styleAfter("38:5:208").foreground()).isEqualTo(new Color.Palette(208));
        assertThat(styleAfter("48:5:0").background()).isEqualTo(new Color.Palette(0));
    }

    @Test
    void truecolor() {
        assertThat(styleAfter("38;2;255;128;0").foreground()).isEqualTo(new Color.Rgb(255, 128, 0));
        assertThat(styleAfter("48;2;1;2;3").background()).isEqualTo(new Color.Rgb(1, 2, 3));
        assertThat(styleAfter("38:2:255:128:0").foreground()).isEqualTo(new Color.Rgb(255, 128, 0));
        assertThat(styleAfter("38:2::255:128:0").foreground()).isEqualTo(new Color.Rgb(255, 128, 0));
        assertThat(styleAfter("48:2:0:10:20:30").background()).isEqualTo(new Color.Rgb(10, 20, 30));
    }

    @Test
    void parametersAfterAnExtendedColourStillApply() {
        Style s = styleAfter("38;5;1;1;48;2;9;8;7;4");
        assertThat(s).isEqualTo(new Style(new Color.Palette(1), new Color.Rgb(9, 8, 7),
                Set.of(Attribute.BOLD, Attribute.UNDERLINE)));
        assertThat(styleAfter("38:2::1:2:3;1")).isEqualTo(new Style(new Color.Rgb(1, 2, 3), Color.DEFAULT,
                Set.of(Attribute.BOLD)));
    }

    @Test
    void coloursOutOfRangeOrIncompleteAreIgnored() {
        assertThat(styleAfter("31", "38;5;300").foreground()).isEqualTo(new Color.Basic(1));
        assertThat(styleAfter("31", "38;2;1;2;999").foreground()).isEqualTo(new Color.Basic(1));
        assertThat(styleAfter("31", "38;2;1;2").foreground()).isEqualTo(new Color.Basic(1));
        assertThat(styleAfter("31", "38;5").foreground()).isEqualTo(new Color.Basic(1));
        assertThat(styleAfter("31", "38;7;1").foreground()).isEqualTo(new Color.Basic(1));
    }

    @Test
    void unknownAndIgnoredParametersAreSkipped() {
        assertThat(styleAfter("5;6;8;11;53;1")).isEqualTo(new Style(Color.DEFAULT, Color.DEFAULT, Set.of(Attribute.BOLD)));
        // underline colour: its arguments are not read as attributes
        assertThat(styleAfter("58;2;1;2;3;1")).isEqualTo(new Style(Color.DEFAULT, Color.DEFAULT, Set.of(Attribute.BOLD)));
        assertThat(styleAfter("58:5:9;3")).isEqualTo(new Style(Color.DEFAULT, Color.DEFAULT, Set.of(Attribute.ITALIC)));
    }

    @Test
    void aLineIsCutIntoRunsWhereTheStyleChanges() {
        Line l = line("a" + CSI + "31mb" + CSI + "1mc" + CSI + "0md");
        assertThat(l.runs()).extracting(Run::text).containsExactly("a", "b", "c", "d");
        assertThat(l.runs().get(2).style()).isEqualTo(new Style(new Color.Basic(1), Color.DEFAULT, Set.of(Attribute.BOLD)));
        assertThat(l.runs().get(3).style()).isEqualTo(Style.DEFAULT);
    }

    @Test
    void theStyleOfOverwrittenTextIsTheNewOne() {
        Line l = line(CSI + "31mred\r" + CSI + "0mok\n");
        assertThat(l.runs()).extracting(Run::text).containsExactly("ok", "d");
        assertThat(l.runs().getFirst().style()).isEqualTo(Style.DEFAULT);
    }
}
