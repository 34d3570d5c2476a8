package dev.slipway.logs.render;

/**
 * Select Graphic Rendition: applies the parameters of {@code CSI ... m} to a pen. Both forms of the
 * extended colours are understood: {@code 38;5;n} and {@code 38;2;r;g;b} with semicolons, and
 * {@code 38:5:n}, {@code 38:2:r:g:b} and {@code 38:2:cs:r:g:b} (ITU T.416, with a colour space)
 * with colons. Colours out of range are ignored; unknown parameters are skipped.
 */
final class Sgr {
    private Sgr() {}

    /**
     * @param params the parameters, -1 where one was empty
     * @param subs bit {@code i} set when parameter {@code i} followed a colon (a sub-parameter)
     */
    static long apply(long pen, int[] params, long subs, int count) {
        for (int i = 0; i < count; i++) {
            if (isSub(subs, i)) {
                continue; // a sub-parameter of something not understood
            }
            int p = Math.max(params[i], 0);
            int nsub = 0;
            while (i + 1 + nsub < count && isSub(subs, i + 1 + nsub)) {
                nsub++;
            }
            switch (p) {
                case 0 -> pen = 0;
                case 1 -> pen = Pen.withAttributes(pen, Pen.BOLD, 0);
                case 2 -> pen = Pen.withAttributes(pen, Pen.DIM, 0);
                case 3 -> pen = Pen.withAttributes(pen, Pen.ITALIC, 0);
                // 4:0 is "no underline"; 4:1 to 4:5 are underline styles (single, double, curly, ...)
                case 4 -> pen = nsub > 0 && params[i + 1] == 0
                        ? Pen.withAttributes(pen, 0, Pen.UNDERLINE) : Pen.withAttributes(pen, Pen.UNDERLINE, 0);
                case 7 -> pen = Pen.withAttributes(pen, Pen.INVERSE, 0);
                case 9 -> pen = Pen.withAttributes(pen, Pen.STRIKE, 0);
                case 21 -> pen = Pen.withAttributes(pen, Pen.UNDERLINE, 0); // double underline
                case 22 -> pen = Pen.withAttributes(pen, 0, Pen.BOLD | Pen.DIM);
                case 23 -> pen = Pen.withAttributes(pen, 0, Pen.ITALIC);
                case 24 -> pen = Pen.withAttributes(pen, 0, Pen.UNDERLINE);
                case 27 -> pen = Pen.withAttributes(pen, 0, Pen.INVERSE);
                case 29 -> pen = Pen.withAttributes(pen, 0, Pen.STRIKE);
                case 39 -> pen = Pen.withForeground(pen, 0);
                case 49 -> pen = Pen.withBackground(pen, 0);
                case 38, 48, 58 -> {
                    int[] used = new int[1];
                    int colour = nsub > 0 ? colon(params, i + 1, nsub) : semicolon(params, subs, i + 1, count, used);
                    if (nsub == 0) {
                        i += used[0];
                    }
                    if (colour >= 0 && p == 38) {
                        pen = Pen.withForeground(pen, colour);
                    } else if (colour >= 0 && p == 48) {
                        pen = Pen.withBackground(pen, colour);
                    } // 58 (underline colour) is parsed only to skip its arguments
                }
                default -> {
                    if (p >= 30 && p <= 37) {
                        pen = Pen.withForeground(pen, Pen.colour(Pen.KIND_BASIC, p - 30));
                    } else if (p >= 40 && p <= 47) {
                        pen = Pen.withBackground(pen, Pen.colour(Pen.KIND_BASIC, p - 40));
                    } else if (p >= 90 && p <= 97) {
                        pen = Pen.withForeground(pen, Pen.colour(Pen.KIND_BASIC, p - 90 + 8));
                    } else if (p >= 100 && p <= 107) {
                        pen = Pen.withBackground(pen, Pen.colour(Pen.KIND_BASIC, p - 100 + 8));
                    } // blink, conceal, fonts, overline, ... are ignored
                }
            }
            i += nsub;
        }
        return pen;
    }

    private static boolean isSub(long subs, int i) {
        return i < 64 && (subs & 1L << i) != 0;
    }

    /** {@code 5:n}, {@code 2:r:g:b} or {@code 2:cs:r:g:b} from {@code params[at]}; -1 if not a colour. */
    private static int colon(int[] params, int at, int n) {
        int kind = params[at];
        if (kind == 5 && n >= 2) {
            return palette(params[at + 1]);
        }
        if (kind == 2 && n >= 5) {
            return rgb(params[at + 2], params[at + 3], params[at + 4]);
        }
        if (kind == 2 && n == 4) {
            return rgb(params[at + 1], params[at + 2], params[at + 3]);
        }
        return -1;
    }

    /** {@code 5;n} or {@code 2;r;g;b} from {@code params[at]}; sets {@code used[0]} to the parameters consumed. */
    private static int semicolon(int[] params, long subs, int at, int count, int[] used) {
        if (at >= count || isSub(subs, at)) {
            return -1;
        }
        int kind = params[at];
        if (kind == 5) {
            used[0] = Math.min(2, count - at);
            return at + 1 < count ? palette(params[at + 1]) : -1;
        }
        if (kind == 2) {
            used[0] = Math.min(4, count - at);
            return at + 3 < count ? rgb(params[at + 1], params[at + 2], params[at + 3]) : -1;
        }
        used[0] = 1;
        return -1;
    }

    private static int palette(int n) {
        return n >= 0 && n <= 255 ? Pen.colour(Pen.KIND_PALETTE, n) : -1;
    }

    private static int rgb(int r, int g, int b) {
        r = Math.max(r, 0);
        g = Math.max(g, 0);
        b = Math.max(b, 0);
        return r <= 255 && g <= 255 && b <= 255 ? Pen.colour(Pen.KIND_RGB, r << 16 | g << 8 | b) : -1;
    }
}
