package dev.slipway.logs.render;

import dev.slipway.logs.LogStream;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A {@link Line} as an HTML fragment: its runs as escaped text in {@code <span>}s with CSS classes,
 * without the line's own wrapper (the viewer adds it, with the line number and anchor).
 *
 * <p>Classes (all prefixed {@code a-}, see {@link #stylesheet()}): {@code a-fgN} / {@code a-bgN}
 * for palette colours 0-255 (0-15 are the 16 standard colours, whose values a theme sets through
 * the CSS variables {@code --a-0} to {@code --a-15}); {@code a-bold a-dim a-italic a-underline
 * a-strike a-inverse}; {@code a-invalid} and {@code a-control} for shown bytes; {@code a-stderr}
 * and {@code a-system} for runs not from stdout. Truecolor is an inline {@code style} (it has no
 * class to name it). Inverse swaps the colours here; {@code a-inverse} supplies the swapped default
 * colours. OSC 8 links become {@code <a class="a-link">} when they are http or https URLs; other
 * schemes (javascript:, file:, ...) are dropped and the text stays.
 */
public final class LineHtml {
    private static final String[] DARK = {
        "#484f58", "#ff7b72", "#3fb950", "#d29922", "#58a6ff", "#bc8cff", "#39c5cf", "#b1bac4",
        "#6e7681", "#ffa198", "#56d364", "#e3b341", "#79c0ff", "#d2a8ff", "#56d4dd", "#ffffff",
    };
    private static final String[] LIGHT = {
        "#24292f", "#cf222e", "#116329", "#4d2d00", "#0969da", "#8250df", "#1b7c83", "#6e7781",
        "#57606a", "#a40e26", "#1a7f37", "#633c01", "#218bff", "#a475f9", "#3192aa", "#8c959f",
    };
    private static final String STYLESHEET = buildStylesheet();

    private LineHtml() {}

    public static String render(Line line) {
        StringBuilder sb = new StringBuilder(64);
        render(line, sb);
        return sb.toString();
    }

    public static void render(Line line, StringBuilder out) {
        List<Run> runs = line.runs();
        String openLink = null;
        for (Run run : runs) {
            String link = safeLink(run.link());
            if (!Objects.equals(link, openLink)) {
                if (openLink != null) {
                    out.append("</a>");
                }
                if (link != null) {
                    out.append("<a class=\"a-link\" href=\"");
                    escape(link, out);
                    out.append("\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">");
                }
                openLink = link;
            }
            span(run, out);
        }
        if (openLink != null) {
            out.append("</a>");
        }
    }

    private static void span(Run run, StringBuilder out) {
        Style s = run.style();
        if ((s == Style.DEFAULT || s.isDefault()) && run.kind() == Run.Kind.TEXT && run.stream() == LogStream.STDOUT) {
            escape(run.text(), out);
            return;
        }
        boolean inverse = s.has(Style.Attribute.INVERSE);
        Color fg = inverse ? s.background() : s.foreground();
        Color bg = inverse ? s.foreground() : s.background();
        out.append("<span");
        int noClass = out.length();
        out.append(" class=\"");
        int classes = out.length();
        colourClass(fg, "a-fg", out);
        colourClass(bg, "a-bg", out);
        for (Style.Attribute a : s.attributes()) {
            out.append(switch (a) {
                case INVERSE -> "a-inverse ";
                case BOLD -> "a-bold ";
                case DIM -> "a-dim ";
                case ITALIC -> "a-italic ";
                case UNDERLINE -> "a-underline ";
                case STRIKETHROUGH -> "a-strike ";
            });
        }
        switch (run.kind()) {
            case INVALID_BYTES -> out.append("a-invalid ");
            case CONTROL -> out.append("a-control ");
            case TEXT -> { }
        }
        switch (run.stream()) {
            case STDERR -> out.append("a-stderr ");
            case SYSTEM -> out.append("a-system ");
            case STDOUT -> { }
        }
        if (out.length() == classes) {
            out.setLength(noClass);
        } else {
            out.setCharAt(out.length() - 1, '"');
        }
        if (fg instanceof Color.Rgb || bg instanceof Color.Rgb) {
            out.append(" style=\"");
            if (fg instanceof Color.Rgb rgb) {
                out.append("color:").append(rgb.hex()).append(';');
            }
            if (bg instanceof Color.Rgb rgb) {
                out.append("background-color:").append(rgb.hex()).append(';');
            }
            out.append('"');
        }
        out.append('>');
        escape(run.text(), out);
        out.append("</span>");
    }

    private static void colourClass(Color c, String prefix, StringBuilder out) {
        switch (c) {
            case Color.Basic b -> out.append(prefix).append(b.index()).append(' ');
            case Color.Palette p -> out.append(prefix).append(p.index()).append(' ');
            case Color.Default d -> { }
            case Color.Rgb rgb -> { } // an inline style: no class names 16 million colours
        }
    }

    /** The link if a browser may follow it from a log: absolute http or https only. */
    static String safeLink(String link) {
        if (link == null) {
            return null;
        }
        String lower = link.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://") ? link : null;
    }

    static void escape(String text, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
    }

    /**
     * CSS for the classes above: light colours by default, dark ones under
     * {@code prefers-color-scheme: dark}; {@code --a-fg} and {@code --a-bg} are the default colours
     * that inverse swaps in. A page may override any variable.
     */
    public static String stylesheet() {
        return STYLESHEET;
    }

    private static String buildStylesheet() {
        StringBuilder sb = new StringBuilder(24 * 1024);
        sb.append(":root{--a-fg:#1f2328;--a-bg:#ffffff;");
        vars(LIGHT, sb);
        sb.append("}\n@media (prefers-color-scheme: dark){:root{--a-fg:#e6edf3;--a-bg:#0d1117;");
        vars(DARK, sb);
        sb.append("}}\n");
        sb.append(".a-inverse{color:var(--a-bg);background-color:var(--a-fg)}\n");
        for (int i = 0; i < 256; i++) {
            String value = i < 16 ? "var(--a-" + i + ")" : palette(i);
            sb.append(".a-fg").append(i).append("{color:").append(value).append("}.a-bg").append(i)
                    .append("{background-color:").append(value).append("}\n");
        }
        sb.append(".a-bold{font-weight:bold}\n.a-dim{opacity:.65}\n.a-italic{font-style:italic}\n")
                .append(".a-underline{text-decoration:underline}\n.a-strike{text-decoration:line-through}\n")
                .append(".a-underline.a-strike{text-decoration:underline line-through}\n")
                .append(".a-invalid,.a-control{outline:1px dotted currentColor;outline-offset:-1px;opacity:.8}\n")
                .append(".a-system{font-style:italic}\n")
                .append(".a-link{color:inherit;text-decoration:underline dotted}\n");
        return sb.toString();
    }

    private static void vars(String[] colours, StringBuilder sb) {
        for (int i = 0; i < colours.length; i++) {
            sb.append("--a-").append(i).append(':').append(colours[i]).append(';');
        }
    }

    /** The xterm value of palette entry 16-255: a 6x6x6 colour cube, then 24 greys. */
    static String palette(int i) {
        if (i >= 232) {
            int v = 8 + (i - 232) * 10;
            return new Color.Rgb(v, v, v).hex();
        }
        int n = i - 16;
        return new Color.Rgb(level(n / 36), level(n / 6 % 6), level(n % 6)).hex();
    }

    private static int level(int step) {
        return step == 0 ? 0 : 55 + step * 40;
    }
}
