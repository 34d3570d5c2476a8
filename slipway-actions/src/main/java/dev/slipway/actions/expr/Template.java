package dev.slipway.actions.expr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.actions.expr.Node.Interpolation;
import dev.slipway.actions.expr.Node.Literal;
import java.util.ArrayList;
import java.util.List;

/**
 * A workflow value that may hold {@code ${{ }}} anywhere: {@code 'v${{ x }}-${{ y }}'}. Text around
 * expressions makes the value a string (arrays print as 'Array', objects as 'Object', as in
 * GitHub); a value that is exactly one {@code ${{ }}} keeps its type, so that
 * {@code matrix: ${{ fromJSON(...) }}} gives an object.
 */
public final class Template {
    private final String source;
    private final Node node; // null when the text has no ${{ }}
    private final Usage usage;

    private Template(String source, Node node) {
        this.source = source;
        this.node = node;
        this.usage = Usage.of(source, node);
    }

    static Template parse(String text) {
        return new Template(text, parse(text, 0, text.length()));
    }

    /**
     * The tree for {@code text[from, to)}: null without {@code ${{}, the expression itself when it is
     * all there is, else an Interpolation. The end of each expression is found as the runner finds
     * it: the first {@code }}} outside single quotes.
     */
    static Node parse(String source, int from, int to) {
        int open = source.indexOf("${{", from);
        if (open < 0 || open >= to) {
            return null;
        }
        List<Node> parts = new ArrayList<>();
        boolean text = false; // an expression can be a Literal too, so the parts cannot tell
        int i = from;
        while (open >= 0 && open < to) {
            if (open > i) {
                parts.add(new Literal(Values.text(source.substring(i, open)), i));
                text = true;
            }
            int close = close(source, open, to);
            if (close < 0) {
                throw new ExpressionException("'${{' is not closed: the expression needs '}}' after it", source, open);
            }
            int start = open + 3;
            int end = close - 1;
            if (Values.trim(source.substring(start, end)).isEmpty()) {
                throw new ExpressionException("'${{ }}' is empty; put an expression inside", source, open);
            }
            parts.add(Parser.parse(source, start, end));
            i = close + 1;
            open = source.indexOf("${{", i);
        }
        if (i < to) {
            parts.add(new Literal(Values.text(source.substring(i, to)), i));
            text = true;
        }
        if (!text && parts.size() == 1) {
            return parts.getFirst();
        }
        return new Interpolation(parts, from);
    }

    /** Index of the second '}' of the '}}' that ends the expression opened at {@code open}, or -1. */
    private static int close(String text, int open, int to) {
        boolean inString = false;
        for (int i = open + 3; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                inString = !inString; // '' inside a string toggles twice, so it needs no special case
            } else if (!inString && c == '}' && text.charAt(i - 1) == '}') {
                return i;
            }
        }
        return -1;
    }

    public String source() {
        return source;
    }

    public Usage usage() {
        return usage;
    }

    /** Whether the text has no {@code ${{ }}} at all. */
    public boolean isLiteral() {
        return node == null;
    }

    /** Whether the text is exactly one {@code ${{ }}}, so that its value keeps its type. */
    public boolean isSingleExpression() {
        return node != null && !(node instanceof Interpolation);
    }

    /** The value: the text itself, the typed value of a single expression, or the joined string. */
    public JsonNode evaluate(Scope scope) {
        return node == null ? Values.text(source) : Evaluator.evaluate(node, source, scope);
    }

    /**
     * The value as text, for places that take a string (env values, run scripts, with: inputs).
     * A single expression that gives an array or object is an error there, as in GitHub.
     */
    public String evaluateString(Scope scope) {
        JsonNode value = evaluate(scope);
        if (value.isArray() || value.isObject()) {
            throw new ExpressionException("the expression gives " + Functions.describe(value)
                    + " where text is expected; toJSON() writes it as text", source, node.offset());
        }
        return Values.toStr(value);
    }

    @Override
    public String toString() {
        return source;
    }
}
