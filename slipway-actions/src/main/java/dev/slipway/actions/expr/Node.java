package dev.slipway.actions.expr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The syntax tree of an expression. Every node keeps the offset of its token in the source, for errors. */
sealed interface Node {
    int offset();

    /** {@code null}, {@code true}, a number or a string; also the text between {@code ${{ }}} in a template. */
    record Literal(JsonNode value, int offset) implements Node {}

    /** A named value such as {@code github} or {@code matrix}. */
    record ContextRef(String name, int offset) implements Node {}

    /** {@code target.name} (the key is then a string literal) or {@code target[key]}. */
    record Index(Node target, Node key, int offset) implements Node {}

    /** {@code target.*} or {@code target[*]}: the object filter. */
    record Wildcard(Node target, int offset) implements Node {}

    record Not(Node operand, int offset) implements Node {}

    record Compare(Op op, Node left, Node right, int offset) implements Node {}

    /** {@code a && b && c} or {@code a || b}: gives the operand that decided, not a boolean. */
    record Logical(boolean and, List<Node> operands, int offset) implements Node {
        public Logical {
            operands = List.copyOf(operands);
        }
    }

    record Call(Functions.Function function, List<Node> args, int offset) implements Node {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** A template with text around or between {@code ${{ }}}: every part converted to a string and joined. */
    record Interpolation(List<Node> parts, int offset) implements Node {
        public Interpolation {
            parts = List.copyOf(parts);
        }
    }

    enum Op {
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }
}
