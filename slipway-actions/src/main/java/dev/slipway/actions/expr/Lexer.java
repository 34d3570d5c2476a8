package dev.slipway.actions.expr;

import dev.slipway.actions.expr.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code source[from, to)} into tokens with the rules of GitHub's runner
 * (DTExpressions2 LexicalAnalyzer): a token ends at {@code ( [ ) ] , . ! > < = & |} or whitespace,
 * {@code -}, {@code +} and digits start numbers, and a {@code .} is a number's start only where a
 * value may begin (so {@code .5} is a number but {@code a.b} a property access).
 */
final class Lexer {
    private final String source;
    private final int to;
    private int pos;
    private final List<Token> tokens = new ArrayList<>();

    private Lexer(String source, int from, int to) {
        this.source = source;
        this.pos = from;
        this.to = to;
    }

    static List<Token> tokens(String source, int from, int to) {
        Lexer lexer = new Lexer(source, from, to);
        lexer.run();
        return lexer.tokens;
    }

    private void run() {
        while (true) {
            while (pos < to && isWhitespace(source.charAt(pos))) {
                pos++;
            }
            if (pos >= to) {
                tokens.add(new Token(Kind.END, "", to, null));
                return;
            }
            int start = pos;
            char c = source.charAt(pos);
            switch (c) {
                case '(' -> single(Kind.LPAREN);
                case ')' -> single(Kind.RPAREN);
                case '[' -> single(Kind.LBRACKET);
                case ']' -> single(Kind.RBRACKET);
                case ',' -> single(Kind.COMMA);
                case '*' -> single(Kind.STAR);
                case '\'' -> string();
                case '!' -> pair('=', Kind.NE, Kind.NOT);
                case '<' -> pair('=', Kind.LE, Kind.LT);
                case '>' -> pair('=', Kind.GE, Kind.GT);
                case '=' -> doubled(Kind.EQ, "'=' is not an operator; compare with '=='");
                case '&' -> doubled(Kind.AND, "'&' is not an operator; the logical and is '&&'");
                case '|' -> doubled(Kind.OR, "'|' is not an operator; the logical or is '||'");
                case '.' -> {
                    if (valueMayStart()) {
                        number();
                    } else {
                        single(Kind.DOT);
                    }
                }
                default -> {
                    if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
                        number();
                    } else {
                        keyword();
                    }
                }
            }
            assert pos > start;
        }
    }

    private void single(Kind kind) {
        tokens.add(new Token(kind, source.substring(pos, pos + 1), pos, null));
        pos++;
    }

    private void pair(char second, Kind both, Kind one) {
        if (pos + 1 < to && source.charAt(pos + 1) == second) {
            tokens.add(new Token(both, source.substring(pos, pos + 2), pos, null));
            pos += 2;
        } else {
            single(one);
        }
    }

    private void doubled(Kind kind, String error) {
        char c = source.charAt(pos);
        if (pos + 1 < to && source.charAt(pos + 1) == c) {
            tokens.add(new Token(kind, source.substring(pos, pos + 2), pos, null));
            pos += 2;
            return;
        }
        throw new ExpressionException(error, source, pos);
    }

    /** After nothing, ',', '(', '[' or an operator a value begins; after a value, '.' dereferences. */
    private boolean valueMayStart() {
        if (tokens.isEmpty()) {
            return true;
        }
        Kind last = tokens.getLast().kind();
        return last == Kind.COMMA || last == Kind.LPAREN || last == Kind.LBRACKET || last.isOperator();
    }

    private void number() {
        int start = pos;
        pos++;
        while (pos < to && (!isBoundary(source.charAt(pos)) || source.charAt(pos) == '.')) {
            pos++;
        }
        String text = source.substring(start, pos);
        double value = Values.parseNumber(text);
        if (Double.isNaN(value)) {
            throw new ExpressionException("'" + text + "' is not a number", source, start);
        }
        tokens.add(new Token(Kind.NUMBER, text, start, value));
    }

    private void string() {
        int start = pos;
        StringBuilder value = new StringBuilder();
        pos++;
        while (pos < to) {
            char c = source.charAt(pos++);
            if (c == '\'') {
                if (pos < to && source.charAt(pos) == '\'') {
                    pos++;
                } else {
                    tokens.add(new Token(Kind.STRING, source.substring(start, pos), start, value.toString()));
                    return;
                }
            }
            value.append(c);
        }
        throw new ExpressionException("the string is not closed: end it with ' (a ' inside a string is written '')", source, start);
    }

    private void keyword() {
        int start = pos;
        pos++;
        while (pos < to && !isBoundary(source.charAt(pos))) {
            pos++;
        }
        String text = source.substring(start, pos);
        if (!isLegalKeyword(text)) {
            if (text.startsWith("\"")) {
                throw new ExpressionException("unexpected " + quote(text) + ": strings are written in single quotes, as 'text'", source, start);
            }
            throw new ExpressionException("unexpected " + quote(text), source, start);
        }
        // After a '.', every name is a property: github.event.null is the property "null".
        boolean property = !tokens.isEmpty() && tokens.getLast().kind() == Kind.DOT;
        Token token = property ? new Token(Kind.IDENT, text, start, null) : switch (text) {
            case "true" -> new Token(Kind.TRUE, text, start, Boolean.TRUE);
            case "false" -> new Token(Kind.FALSE, text, start, Boolean.FALSE);
            case "null" -> new Token(Kind.NULL, text, start, null);
            case "NaN" -> new Token(Kind.NUMBER, text, start, Double.NaN);
            case "Infinity" -> new Token(Kind.NUMBER, text, start, Double.POSITIVE_INFINITY);
            default -> new Token(Kind.IDENT, text, start, null);
        };
        tokens.add(token);
    }

    private static String quote(String text) {
        return text.contains("'") ? text : "'" + text + "'";
    }

    static boolean isLegalKeyword(String text) {
        if (text.isEmpty() || !(isLetter(text.charAt(0)) || text.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(isLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isBoundary(char c) {
        return switch (c) {
            case '(', '[', ')', ']', ',', '.', '!', '>', '<', '=', '&', '|' -> true;
            default -> isWhitespace(c);
        };
    }

    /** .NET's char.IsWhiteSpace, which the runner uses, also counts no-break spaces. */
    static boolean isWhitespace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }
}
