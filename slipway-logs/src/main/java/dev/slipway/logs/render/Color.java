package dev.slipway.logs.render;

/**
 * A foreground or background colour as the program asked for it: the terminal's default, one of
 * the 16 standard colours (SGR 30-37, 90-97 and their backgrounds), an entry of the 256-colour
 * palette (SGR 38;5;n) or a truecolor value (SGR 38;2;r;g;b). The renderer keeps the kind, so that a
 * theme can restyle the 16 standard colours while palette and RGB colours stay exact.
 */
public sealed interface Color {
    Color DEFAULT = new Default();

    /** The terminal's default foreground or background. */
    record Default() implements Color {}

    /** One of the 16 standard colours: 0-7 normal (black, red, green, yellow, blue, magenta, cyan, white), 8-15 bright. */
    record Basic(int index) implements Color {
        public Basic {
            if (index < 0 || index > 15) {
                throw new IllegalArgumentException("basic colour index out of 0..15: " + index);
            }
        }
    }

    /** An entry of the xterm 256-colour palette: 0-15 are the standard colours, 16-231 a 6x6x6 cube, 232-255 greys. */
    record Palette(int index) implements Color {
        public Palette {
            if (index < 0 || index > 255) {
                throw new IllegalArgumentException("palette index out of 0..255: " + index);
            }
        }
    }

    /** A truecolor value. */
    record Rgb(int red, int green, int blue) implements Color {
        public Rgb {
            if ((red | green | blue) < 0 || red > 255 || green > 255 || blue > 255) {
                throw new IllegalArgumentException("RGB component out of 0..255");
            }
        }

        /** As CSS writes it: {@code #rrggbb}. */
        public String hex() {
            return String.format("#%02x%02x%02x", red, green, blue);
        }
    }
}
