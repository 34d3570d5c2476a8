package dev.slipway.woodpecker;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code when.evaluate}: the part of expr-lang (the language Woodpecker evaluates it with) that
 * conditions use, over the run's variables ({@code CI_*}, the variables it was started with, a
 * matrix's values). A variable that is not set is {@code nil}, as Woodpecker evaluates with
 * undefined variables allowed. Anything else of expr-lang is refused when the file is read, with
 * the column where it starts.
 *
 * <pre>
 * or:      and (("||" | "or") and)*
 * and:     cmp (("&&" | "and") cmp)*
 * cmp:     unary (("==" | "!=" | "&lt;" | "&gt;" | "&lt;=" | "&gt;=" | "in" | "not in" | "contains" | "startsWith"
 *                  | "endsWith" | "matches") unary)*
 * unary:   ("!" | "not") unary | coalesce
 * coalesce: primary ("??" primary)*
 * primary: string | number | true | false | nil | NAME | NAME "(" args ")" | "[" args "]" | "(" or ")"
 * </pre>
 */
final class Evaluate {
    static final List<String> FUNCTIONS = List.of("hasPrefix", "hasSuffix", "lower", "upper", "trim", "len");
    static final String SUPPORTED = "==, !=, <, >, <=, >=, && (and), || (or), ! (not), parentheses, strings, numbers, true, false, nil, "
            + "[lists], in, not in, contains, startsWith, endsWith, matches, ?? and the functions " + String.join(", ", FUNCTIONS);

    /** An expression that cannot be read, at {@code offset} in it. */
    static final class SyntaxError extends Exception {
        final int offset;

        SyntaxError(int offset, String message) {
            super(message);
            this.offset = offset;
        }
    }

    /** An expression that cannot be evaluated with the values it was given (a type it cannot take). */
    static final class EvaluationError extends RuntimeException {
        EvaluationError(String message) {
            super(message);
        }
    }

    private final String text;
    private final Node root;
    private final Set<String> names;

    private Evaluate(String text, Node root, Set<String> names) {
        this.text = text;
        this.root = root;
        this.names = names;
    }

    static Evaluate parse(String text) throws SyntaxError {
        Parser p = new Parser(text);
        Node root = p.or();
        p.skipSpace();
        if (p.pos < text.length()) {
            throw p.unexpected();
        }
        return new Evaluate(text, root, p.names);
    }

    String text() {
        return text;
    }

    /** The variables it reads. */
    Set<String> names() {
        return names;
    }

    /** The result with {@code env}'s values (a name it lacks is nil). */
    boolean test(Map<String, String> env) {
        Object v = root.eval(env);
        if (v instanceof Boolean b) {
            return b;
        }
        throw new EvaluationError("it gives " + show(v) + ", not true or false");
    }

    @Override
    public String toString() {
        return text;
    }

    // ---- the tree

    private interface Node {
        Object eval(Map<String, String> env);
    }

    private record Literal(Object value) implements Node {
        public Object eval(Map<String, String> env) {
            return value;
        }
    }

    private record Name(String name) implements Node {
        public Object eval(Map<String, String> env) {
            return env.get(name);
        }
    }

    private record ListOf(List<Node> items) implements Node {
        public Object eval(Map<String, String> env) {
            List<Object> out = new ArrayList<>();
            items.forEach(i -> out.add(i.eval(env)));
            return out;
        }
    }

    private record Not(Node operand) implements Node {
        public Object eval(Map<String, String> env) {
            return !bool(operand.eval(env), "!");
        }
    }

    private record Binary(String op, Node left, Node right) implements Node {
        public Object eval(Map<String, String> env) {
            switch (op) {
                case "&&" -> {
                    return bool(left.eval(env), op) && bool(right.eval(env), op);
                }
                case "||" -> {
                    return bool(left.eval(env), op) || bool(right.eval(env), op);
                }
                case "??" -> {
                    Object l = left.eval(env);
                    return l != null ? l : right.eval(env);
                }
                default -> { }
            }
            Object l = left.eval(env);
            Object r = right.eval(env);
            return switch (op) {
                case "==" -> same(l, r);
                case "!=" -> !same(l, r);
                case "<", ">", "<=", ">=" -> compare(op, l, r);
                case "in", "not in" -> {
                    if (r == null) {
                        yield op.equals("not in");
                    }
                    if (!(r instanceof List<?> list)) {
                        throw new EvaluationError("'" + op + "' needs a list on its right, not " + show(r) + " (for text, use contains)");
                    }
                    boolean found = list.stream().anyMatch(x -> same(l, x));
                    yield op.equals("in") == found;
                }
                case "contains", "startsWith", "endsWith" -> {
                    if (l == null || r == null) {
                        yield false; // a variable that is not set contains nothing
                    }
                    String a = text(l, op);
                    String b = text(r, op);
                    yield op.equals("contains") ? a.contains(b) : op.equals("startsWith") ? a.startsWith(b) : a.endsWith(b);
                }
                case "matches" -> {
                    if (l == null) {
                        yield false;
                    }
                    try {
                        yield Pattern.compile(text(r, op)).matcher(text(l, op)).find();
                    } catch (PatternSyntaxException e) {
                        throw new EvaluationError("'" + r + "' is not a regular expression: " + e.getDescription());
                    }
                }
                default -> throw new IllegalStateException(op);
            };
        }
    }

    private record Call(String function, List<Node> args) implements Node {
        public Object eval(Map<String, String> env) {
            List<Object> a = new ArrayList<>();
            args.forEach(x -> a.add(x.eval(env)));
            return switch (function) {
                case "hasPrefix" -> a.get(0) != null && text(a.get(0), function).startsWith(text(a.get(1), function));
                case "hasSuffix" -> a.get(0) != null && text(a.get(0), function).endsWith(text(a.get(1), function));
                case "lower" -> a.get(0) == null ? null : text(a.get(0), function).toLowerCase(Locale.ROOT);
                case "upper" -> a.get(0) == null ? null : text(a.get(0), function).toUpperCase(Locale.ROOT);
                case "trim" -> a.get(0) == null ? null : text(a.get(0), function).strip();
                case "len" -> a.get(0) instanceof List<?> l ? (long) l.size() : a.get(0) == null ? 0L : (long) text(a.get(0), function).length();
                default -> throw new IllegalStateException(function);
            };
        }
    }

    private static boolean bool(Object v, String op) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new EvaluationError("'" + op + "' needs true or false, not " + show(v));
    }

    private static String text(Object v, String op) {
        if (v instanceof String s) {
            return s;
        }
        throw new EvaluationError("'" + op + "' needs text, not " + show(v));
    }

    /** Equality as expr-lang has it: numbers by value, other values of the same type, nil only to nil. */
    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return java.util.Objects.equals(a, b);
    }

    private static boolean compare(String op, Object l, Object r) {
        int c;
        if (l instanceof Number x && r instanceof Number y) {
            c = Double.compare(x.doubleValue(), y.doubleValue());
        } else if (l instanceof String x && r instanceof String y) {
            c = x.compareTo(y);
        } else {
            throw new EvaluationError("'" + op + "' compares two numbers or two texts, not " + show(l) + " and " + show(r));
        }
        return switch (op) {
            case "<" -> c < 0;
            case ">" -> c > 0;
            case "<=" -> c <= 0;
            default -> c >= 0;
        };
    }

    private static String show(Object v) {
        return v == null ? "nil" : v instanceof String s ? "the text \"" + s + "\"" : v instanceof List<?> ? "a list" : v.toString();
    }

    // ---- the parser

    private static final class Parser {
        final String s;
        int pos;
        final Set<String> names = new LinkedHashSet<>();

        Parser(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        /** Whether the next token is {@code word} (a symbol, or a keyword not followed by a name character); consumed if so. */
        boolean eat(String word) {
            skipSpace();
            if (!s.startsWith(word, pos)) {
                return false;
            }
            int end = pos + word.length();
            if (Character.isLetter(word.charAt(0)) && end < s.length() && isNameChar(s.charAt(end))) {
                return false;
            }
            if (word.equals("!") && end < s.length() && s.charAt(end) == '=') {
                return false;
            }
            if ((word.equals("<") || word.equals(">")) && end < s.length() && s.charAt(end) == '=') {
                return false;
            }
            pos = end;
            return true;
        }

        static boolean isNameChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }

        Node or() throws SyntaxError {
            Node left = and();
            while (eat("||") || eat("or")) {
                left = new Binary("||", left, and());
            }
            return left;
        }

        Node and() throws SyntaxError {
            Node left = cmp();
            while (eat("&&") || eat("and")) {
                left = new Binary("&&", left, cmp());
            }
            return left;
        }

        Node cmp() throws SyntaxError {
            Node left = unary();
            while (true) {
                String op = null;
                for (String o : List.of("==", "!=", "<=", ">=", "<", ">", "in", "contains", "startsWith", "endsWith", "matches")) {
                    if (eat(o)) {
                        op = o;
                        break;
                    }
                }
                if (op == null) {
                    int save = pos;
                    if (eat("not") && eat("in")) {
                        op = "not in";
                    } else {
                        pos = save;
                        return left;
                    }
                }
                left = new Binary(op, left, unary());
            }
        }

        Node unary() throws SyntaxError {
            if (eat("!") || eat("not")) {
                return new Not(unary());
            }
            Node left = primary();
            while (eat("??")) {
                left = new Binary("??", left, primary());
            }
            return left;
        }

        Node primary() throws SyntaxError {
            skipSpace();
            if (pos >= s.length()) {
                throw new SyntaxError(pos, "the expression ends where a value is expected");
            }
            char c = s.charAt(pos);
            int start = pos;
            if (c == '(') {
                pos++;
                Node inner = or();
                if (!eat(")")) {
                    throw expected(")", start);
                }
                return inner;
            }
            if (c == '[') {
                pos++;
                return new ListOf(args("]", start));
            }
            if (c == '"' || c == '\'' || c == '`') {
                return new Literal(string(c));
            }
            if (Character.isDigit(c)) {
                while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                    pos++;
                }
                boolean fraction = pos + 1 < s.length() && s.charAt(pos) == '.' && Character.isDigit(s.charAt(pos + 1));
                if (fraction) {
                    pos++;
                    while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                        pos++;
                    }
                }
                String n = s.substring(start, pos).replace("_", "");
                return new Literal(fraction ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n));
            }
            if (Character.isLetter(c) || c == '_' || c == '$') {
                while (pos < s.length() && isNameChar(s.charAt(pos))) {
                    pos++;
                }
                String name = s.substring(start, pos);
                switch (name) {
                    case "true" -> {
                        return new Literal(true);
                    }
                    case "false" -> {
                        return new Literal(false);
                    }
                    case "nil" -> {
                        return new Literal(null);
                    }
                    default -> { }
                }
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == '(') {
                    if (!FUNCTIONS.contains(name)) {
                        throw new SyntaxError(start, "the function '" + name + "' is not supported by Slipway (it supports " + SUPPORTED + ")");
                    }
                    pos++;
                    List<Node> args = args(")", start);
                    int want = name.startsWith("has") ? 2 : 1;
                    if (args.size() != want) {
                        throw new SyntaxError(start, name + "() takes " + want + " argument" + (want > 1 ? "s" : "") + ", not " + args.size());
                    }
                    return new Call(name, args);
                }
                if (pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == '[')) {
                    throw new SyntaxError(pos, "'" + s.charAt(pos) + "' after a variable is not supported by Slipway: the variables are texts "
                            + "(it supports " + SUPPORTED + ")");
                }
                names.add(name);
                return new Name(name);
            }
            throw unexpected();
        }

        List<Node> args(String close, int start) throws SyntaxError {
            List<Node> out = new ArrayList<>();
            if (eat(close)) {
                return out;
            }
            do {
                out.add(or());
            } while (eat(","));
            if (!eat(close)) {
                throw expected(close, start);
            }
            return out;
        }

        String string(char quote) throws SyntaxError {
            int start = pos++;
            StringBuilder out = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == quote) {
                    return out.toString();
                }
                if (c == '\\' && quote != '`' && pos < s.length()) {
                    char e = s.charAt(pos++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case '\\', '"', '\'' -> out.append(e);
                        default -> throw new SyntaxError(pos - 2, "'\\" + e + "' is not an escape Slipway knows in a string (\\n, \\t, \\r, \\\\, \\\", \\')");
                    }
                } else {
                    out.append(c);
                }
            }
            throw new SyntaxError(start, "this string is not closed");
        }

        SyntaxError expected(String what, int openedAt) {
            return pos >= s.length() ? new SyntaxError(openedAt, "'" + what + "' is missing for what opens here")
                    : new SyntaxError(pos, "'" + what + "' expected here, not '" + s.charAt(pos) + "'");
        }

        SyntaxError unexpected() {
            skipSpace();
            if (pos >= s.length()) {
                return new SyntaxError(pos, "the expression ends too early");
            }
            int end = pos + 1;
            while (end < s.length() && !Character.isWhitespace(s.charAt(end)) && !isNameChar(s.charAt(pos)) == !isNameChar(s.charAt(end))
                    && end - pos < 12) {
                end++;
            }
            return new SyntaxError(pos, "'" + s.substring(pos, end) + "' is not supported by Slipway (it supports " + SUPPORTED + ")");
        }
    }
}
