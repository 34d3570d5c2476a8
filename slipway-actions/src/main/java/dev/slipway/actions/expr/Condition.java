package dev.slipway.actions.expr;

import dev.slipway.actions.expr.Node.Call;
import dev.slipway.actions.expr.Node.Interpolation;
import dev.slipway.actions.expr.Node.Logical;
import java.util.List;

/**
 * An {@code if:} value, with or without {@code ${{ }}}. As in GitHub, a condition that calls none of
 * success(), failure(), cancelled() and always() runs as {@code success() && (condition)}, an empty
 * one as {@code success()}, and the result is GitHub's truthiness (false, 0, -0, '', null and NaN
 * are false).
 */
public final class Condition {
    private final String source;
    private final Node effective;
    private final Usage usage;
    private final boolean interpolated;

    private Condition(String source, Node written, int offset) {
        this.source = source;
        this.usage = Usage.of(source, written);
        this.interpolated = written instanceof Interpolation;
        Call success = new Call(Functions.Function.SUCCESS, List.of(), offset);
        this.effective = written == null ? success
                : usage.hasStatusFunction() ? written : new Logical(true, List.of(success, written), offset);
    }

    /**
     * Surrounding whitespace is ignored (a YAML block scalar leaves a line break after the value);
     * text with no {@code ${{} is one expression; text that is exactly one {@code ${{ }}} is that
     * expression.
     */
    static Condition parse(String text) {
        int from = Values.contentStart(text);
        int to = Values.contentEnd(text, from);
        if (from == to) {
            return new Condition(text, null, 0);
        }
        Node written = Template.parse(text, from, to);
        if (written == null) {
            written = Parser.parse(text, from, to);
        }
        return new Condition(text, written, from);
    }

    public String source() {
        return source;
    }

    /** What the condition uses as written (the implicit success() is not part of it). */
    public Usage usage() {
        return usage;
    }

    /**
     * Whether text stands around a {@code ${{ }}}, as in {@code ${{ a }} && b}. GitHub then compares
     * nothing: the condition is the joined string, true whenever it is not empty. A reader may warn.
     */
    public boolean isInterpolated() {
        return interpolated;
    }

    public boolean test(Scope scope) {
        return Values.truthy(Evaluator.evaluate(effective, source, scope));
    }

    @Override
    public String toString() {
        return source;
    }
}
