package dev.slipway.actions.expr;

/**
 * An expression that cannot be parsed or evaluated. {@link #reason()} says what is wrong without a
 * position, so that the workflow reader can put its own file, line and column in front of it;
 * {@link #offset()} is where in {@link #source()} the problem is.
 */
public final class ExpressionException extends RuntimeException {
    private final String reason;
    private final String source;
    private final int offset;

    ExpressionException(String reason, String source, int offset) {
        super(message(reason, source, offset));
        this.reason = reason;
        this.source = source;
        this.offset = offset;
    }

    ExpressionException(String reason, String source, int offset, Throwable cause) {
        this(reason, source, offset);
        initCause(cause);
    }

    /** What is wrong, without the position. */
    public String reason() {
        return reason;
    }

    /** The text that was parsed: an expression, a template with {@code ${{ }}} or an {@code if:} value. */
    public String source() {
        return source;
    }

    /** The 0-based index into {@link #source()} of the problem, or -1 when it has no single place. */
    public int offset() {
        return offset;
    }

    /** The 1-based column in {@link #source()}, or 0 when the problem has no single place. */
    public int column() {
        return offset + 1;
    }

    private static String message(String reason, String source, int offset) {
        return offset < 0 ? reason + " (in: " + source + ")" : "column " + (offset + 1) + ": " + reason + " (in: " + source + ")";
    }
}
