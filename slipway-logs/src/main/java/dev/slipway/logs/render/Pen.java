package dev.slipway.logs.render;

import dev.slipway.logs.LogStream;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

/**
 * A cell's style and stream packed into a long, so that a row is two flat arrays rather than an
 * object per cell. Bits 0-25 foreground, 26-51 background (each: 2 bits of kind, 24 of value),
 * 52-57 attributes, 60-61 stream (its ordinal).
 */
final class Pen {
    static final int KIND_DEFAULT = 0;
    static final int KIND_BASIC = 1;
    static final int KIND_PALETTE = 2;
    static final int KIND_RGB = 3;

    private static final int BG_SHIFT = 26;
    private static final int ATTR_SHIFT = 52;
    private static final int STREAM_SHIFT = 60;
    private static final long COLOUR_MASK = (1L << 26) - 1;
    static final long STYLE_MASK = (1L << 58) - 1;
    static final long STREAM_MASK = 3L << STREAM_SHIFT;

    static final int BOLD = 1;
    static final int DIM = 1 << 1;
    static final int ITALIC = 1 << 2;
    static final int UNDERLINE = 1 << 3;
    static final int INVERSE = 1 << 4;
    static final int STRIKE = 1 << 5;

    private static final LogStream[] STREAMS = LogStream.values();
    private static final Style.Attribute[] ATTRIBUTES = Style.Attribute.values();

    private Pen() {}

    static int colour(int kind, int value) {
        return kind << 24 | value;
    }

    static long withForeground(long pen, int colour) {
        return pen & ~COLOUR_MASK | colour;
    }

    static long withBackground(long pen, int colour) {
        return pen & ~(COLOUR_MASK << BG_SHIFT) | (long) colour << BG_SHIFT;
    }

    static long withAttributes(long pen, int set, int clear) {
        long attrs = (pen >>> ATTR_SHIFT & 0x3f | set) & ~clear;
        return pen & ~(0x3fL << ATTR_SHIFT) | attrs << ATTR_SHIFT;
    }

    static long stream(LogStream stream) {
        return (long) stream.ordinal() << STREAM_SHIFT;
    }

    static LogStream streamOf(long cell) {
        return STREAMS[(int) (cell >>> STREAM_SHIFT & 3)];
    }

    /** Turns packed styles into {@link Style} values, remembering the few a log uses. */
    static final class Styles {
        private static final int MAX = 4096;
        private final Map<Long, Style> cache = new HashMap<>();

        Style of(long cell) {
            long key = cell & STYLE_MASK;
            if (key == 0) {
                return Style.DEFAULT;
            }
            Style s = cache.get(key);
            if (s == null) {
                if (cache.size() >= MAX) {
                    cache.clear(); // a log cycling through truecolor values must not grow this without bound
                }
                s = decode(key);
                cache.put(key, s);
            }
            return s;
        }

        private static Style decode(long key) {
            EnumSet<Style.Attribute> attrs = EnumSet.noneOf(Style.Attribute.class);
            int bits = (int) (key >>> ATTR_SHIFT & 0x3f);
            for (int i = 0; i < ATTRIBUTES.length; i++) {
                if ((bits & 1 << i) != 0) {
                    attrs.add(ATTRIBUTES[i]);
                }
            }
            return new Style(colourOf((int) (key & COLOUR_MASK)), colourOf((int) (key >>> BG_SHIFT & COLOUR_MASK)), attrs);
        }

        private static Color colourOf(int c) {
            int v = c & 0xffffff;
            return switch (c >>> 24) {
                case KIND_BASIC -> new Color.Basic(v);
                case KIND_PALETTE -> new Color.Palette(v);
                case KIND_RGB -> new Color.Rgb(v >>> 16, v >>> 8 & 0xff, v & 0xff);
                default -> Color.DEFAULT;
            };
        }
    }
}
