package dev.slipway.actions.expr;

/** One lexical token; {@code offset} indexes the whole source text, {@code value} is set for literals. */
record Token(Kind kind, String text, int offset, Object value) {
    enum Kind {
        LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA, DOT, STAR,
        NOT, EQ, NE, LT, LE, GT, GE, AND, OR,
        NUMBER, STRING, IDENT, TRUE, FALSE, NULL, END;

        boolean isOperator() {
            return switch (this) {
                case NOT, EQ, NE, LT, LE, GT, GE, AND, OR -> true;
                default -> false;
            };
        }
    }

    /** How an error message names this token. */
    String describe() {
        return switch (kind) {
            case END -> "the end of the expression";
            case STRING -> "the string " + text;
            default -> "'" + text + "'";
        };
    }
}
