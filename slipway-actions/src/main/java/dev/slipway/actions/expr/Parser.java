package dev.slipway.actions.expr;

import dev.slipway.actions.expr.Functions.Function;
import dev.slipway.actions.expr.Node.Call;
import dev.slipway.actions.expr.Node.Compare;
import dev.slipway.actions.expr.Node.ContextRef;
import dev.slipway.actions.expr.Node.Index;
import dev.slipway.actions.expr.Node.Literal;
import dev.slipway.actions.expr.Node.Logical;
import dev.slipway.actions.expr.Node.Not;
import dev.slipway.actions.expr.Node.Op;
import dev.slipway.actions.expr.Node.Wildcard;
import dev.slipway.actions.expr.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive descent over GitHub's grammar, loosest first: {@code ||}, {@code &&}, {@code == !=},
 * {@code < <= > >=}, {@code !}, then property and index access, which only a context, a function
 * call or a parenthesized expression can have (GitHub rejects {@code 'abc'.length}).
 */
final class Parser {
    /** GitHub's limits: nesting deeper than 50 and expressions longer than 21,000 characters are errors. */
    static final int MAX_DEPTH = 50;
    static final int MAX_LENGTH = 21_000;

    private final String source;
    private final List<Token> tokens;
    private int pos;
    private int depth;

    private Parser(String source, List<Token> tokens) {
        this.source = source;
        this.tokens = tokens;
    }

    /** Parses {@code source[from, to)}; offsets in the tree and in errors index {@code source}. */
    static Node parse(String source, int from, int to) {
        if (to - from > MAX_LENGTH) {
            throw new ExpressionException("the expression is " + (to - from) + " characters long; GitHub allows at most " + MAX_LENGTH,
                    source, from);
        }
        Parser parser = new Parser(source, Lexer.tokens(source, from, to));
        if (parser.peek().kind() == Kind.END) {
            throw new ExpressionException("an expression was expected, but there is none", source, from);
        }
        Node node = parser.or();
        Token rest = parser.peek();
        if (rest.kind() != Kind.END) {
            throw parser.error(rest, "expected an operator or the end of the expression, found " + rest.describe());
        }
        return node;
    }

    private Node or() {
        return logical(false);
    }

    private Node logical(boolean and) {
        Kind operator = and ? Kind.AND : Kind.OR;
        Node first = and ? equality() : logical(true);
        if (peek().kind() != operator) {
            return first;
        }
        int offset = peek().offset();
        List<Node> operands = new ArrayList<>(List.of(first));
        while (match(operator) != null) {
            operands.add(and ? equality() : logical(true));
        }
        return new Logical(and, operands, offset);
    }

    private Node equality() {
        Node left = comparison();
        Token op;
        while ((op = match(Kind.EQ, Kind.NE)) != null) {
            left = new Compare(op.kind() == Kind.EQ ? Op.EQ : Op.NE, left, comparison(), op.offset());
        }
        return left;
    }

    private Node comparison() {
        Node left = unary();
        Token op;
        while ((op = match(Kind.LT, Kind.LE, Kind.GT, Kind.GE)) != null) {
            Op kind = switch (op.kind()) {
                case LT -> Op.LT;
                case LE -> Op.LE;
                case GT -> Op.GT;
                default -> Op.GE;
            };
            left = new Compare(kind, left, unary(), op.offset());
        }
        return left;
    }

    private Node unary() {
        Token not = match(Kind.NOT);
        if (not == null) {
            return postfix();
        }
        enter(not);
        Node operand = unary();
        depth--;
        return new Not(operand, not.offset());
    }

    private Node postfix() {
        Token first = peek();
        Node node = primary();
        boolean accessible = !(node instanceof Literal) || first.kind() == Kind.LPAREN;
        int steps = 0;
        while (peek().kind() == Kind.DOT || peek().kind() == Kind.LBRACKET) {
            Token access = next();
            if (!accessible) {
                throw error(access, "unexpected " + access.describe()
                        + ": only a context, a function call or an expression in parentheses has properties");
            }
            enter(access);
            steps++;
            if (access.kind() == Kind.DOT) {
                Token name = next();
                if (name.kind() == Kind.IDENT) {
                    node = new Index(node, new Literal(Values.text(name.text()), name.offset()), access.offset());
                } else if (name.kind() == Kind.STAR) {
                    node = new Wildcard(node, access.offset());
                } else {
                    throw error(name, "expected a property name or '*' after '.', found " + name.describe());
                }
            } else if (peek().kind() == Kind.STAR && tokens.get(pos + 1).kind() == Kind.RBRACKET) {
                pos += 2;
                node = new Wildcard(node, access.offset());
            } else {
                Node key = or();
                expectClosing(Kind.RBRACKET, "]", access);
                node = new Index(node, key, access.offset());
            }
        }
        depth -= steps;
        return node;
    }

    private Node primary() {
        Token token = next();
        return switch (token.kind()) {
            case NUMBER -> new Literal(Values.number((Double) token.value()), token.offset());
            case STRING -> new Literal(Values.text((String) token.value()), token.offset());
            case TRUE, FALSE -> new Literal(Values.bool((Boolean) token.value()), token.offset());
            case NULL -> new Literal(Values.NODES.nullNode(), token.offset());
            case IDENT -> peek().kind() == Kind.LPAREN ? call(token) : new ContextRef(token.text(), token.offset());
            case LPAREN -> {
                enter(token);
                Node inner = or();
                expectClosing(Kind.RPAREN, ")", token);
                depth--;
                yield inner;
            }
            default -> throw error(token, "expected a value (a literal, a context such as github, a function call or '('), found "
                    + token.describe());
        };
    }

    private Node call(Token name) {
        Function function = Function.named(name.text());
        if (function == null) {
            throw error(name, "unknown function '" + name.text() + "'; the functions are " + Function.names());
        }
        Token open = next();
        enter(open);
        List<Node> args = new ArrayList<>();
        if (match(Kind.RPAREN) == null) {
            while (true) {
                args.add(or());
                if (match(Kind.COMMA) != null) {
                    continue;
                }
                if (match(Kind.RPAREN) != null) {
                    break;
                }
                throw error(peek(), "expected ',' or ')' after an argument of " + function.displayName + "( at column "
                        + (open.offset() + 1) + ", found " + peek().describe());
            }
        }
        depth--;
        checkArguments(function, args, name);
        return new Call(function, args, name.offset());
    }

    private void checkArguments(Function function, List<Node> args, Token name) {
        int n = args.size();
        String call = function.displayName + "()";
        if (n < function.min || n > function.max) {
            String takes = function.min == function.max ? "takes " + count(function.min)
                    : n < function.min ? "takes at least " + count(function.min) : "takes at most " + count(function.max);
            throw error(name, call + " " + takes + ", not " + n);
        }
        if (function == Function.CASE && n % 2 == 0) {
            throw error(name, "case() takes an odd number of arguments (pairs of a predicate and its value, then the default), not " + n);
        }
        if (function == Function.FORMAT && args.getFirst() instanceof Literal format && format.value().isTextual()) {
            try {
                Functions.format(format.value().asText(), n - 1, i -> "");
            } catch (IllegalArgumentException e) {
                throw new ExpressionException(e.getMessage(), source, format.offset());
            }
        }
    }

    private static String count(int n) {
        return n == 1 ? "1 argument" : n + " arguments";
    }

    private void expectClosing(Kind kind, String symbol, Token opener) {
        if (match(kind) == null) {
            throw error(peek(), "expected '" + symbol + "' to close the '" + opener.text() + "' at column " + (opener.offset() + 1)
                    + ", found " + peek().describe());
        }
    }

    private void enter(Token at) {
        if (++depth > MAX_DEPTH) {
            throw error(at, "the expression nests deeper than " + MAX_DEPTH + " levels, GitHub's limit");
        }
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        Token token = tokens.get(pos);
        if (token.kind() != Kind.END) {
            pos++;
        }
        return token;
    }

    private Token match(Kind... kinds) {
        Token token = peek();
        for (Kind kind : kinds) {
            if (token.kind() == kind) {
                return next();
            }
        }
        return null;
    }

    private ExpressionException error(Token at, String reason) {
        return new ExpressionException(reason, source, at.offset());
    }
}
