package dev.slipway.actions.expr;

import com.fasterxml.jackson.databind.JsonNode;

/** A parsed expression, the part between {@code ${{} and {@code }}}. Immutable; evaluate it as often as needed. */
public final class Expression {
    private final String source;
    private final Node node;
    private final Usage usage;

    Expression(String source, Node node) {
        this.source = source;
        this.node = node;
        this.usage = Usage.of(source, node);
    }

    public String source() {
        return source;
    }

    public Usage usage() {
        return usage;
    }

    /** The value, typed: null, a boolean, a number (always a double), a string, an array or an object. */
    public JsonNode evaluate(Scope scope) {
        return Evaluator.evaluate(node, source, scope);
    }

    @Override
    public String toString() {
        return source;
    }
}
