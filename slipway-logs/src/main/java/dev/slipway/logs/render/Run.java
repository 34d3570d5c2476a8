package dev.slipway.logs.render;

import dev.slipway.logs.LogStream;
import java.util.Objects;

/**
 * Consecutive cells of a line with the same style, stream, kind and link.
 *
 * @param text what the cells show; for {@link Kind#INVALID_BYTES} and {@link Kind#CONTROL} the
 *     visible escapes, such as {@code \xff}, one per byte or control character
 * @param stream the stream whose bytes wrote these cells (cells skipped by cursor movement take the
 *     stream of the bytes that moved the cursor)
 * @param link the target of an OSC 8 hyperlink around the text, or null; as the program gave it,
 *     not checked (the HTML renderer links only http and https)
 */
public record Run(String text, Style style, LogStream stream, Kind kind, String link) {

    public enum Kind {
        /** Decoded text. */
        TEXT,
        /** Bytes that are not valid UTF-8, kept as {@code \xNN} escapes: never dropped, never U+FFFD. */
        INVALID_BYTES,
        /**
         * Control characters a terminal would not print and that have no effect here: C0 controls
         * other than NUL, BEL, BS, HT, LF, VT, FF, CR, SO, SI and ESC (shown as {@code \xNN}) and the
         * C1 controls U+0080-U+009F (shown as {@code \u0085}).
         */
        CONTROL
    }

    public Run {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(style, "style");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(kind, "kind");
    }
}
