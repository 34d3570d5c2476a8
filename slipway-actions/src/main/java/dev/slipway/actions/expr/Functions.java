package dev.slipway.actions.expr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.actions.expr.Values.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/** The built-in functions: their names, how many arguments they take, and what they do. */
final class Functions {
    private Functions() {}

    enum Function {
        CONTAINS("contains", 2, 2),
        STARTS_WITH("startsWith", 2, 2),
        ENDS_WITH("endsWith", 2, 2),
        FORMAT("format", 1, 255),
        JOIN("join", 1, 2),
        TO_JSON("toJSON", 1, 1),
        FROM_JSON("fromJSON", 1, 1),
        HASH_FILES("hashFiles", 1, 255),
        CASE("case", 3, Integer.MAX_VALUE),
        SUCCESS("success", 0, 0),
        ALWAYS("always", 0, 0),
        CANCELLED("cancelled", 0, 0),
        FAILURE("failure", 0, 0);

        final String displayName;
        final int min;
        final int max;

        Function(String displayName, int min, int max) {
            this.displayName = displayName;
            this.min = min;
            this.max = max;
        }

        boolean isStatus() {
            return this == SUCCESS || this == ALWAYS || this == CANCELLED || this == FAILURE;
        }

        /** Function names ignore case, as in GitHub ({@code fromjson} is {@code fromJSON}). */
        static Function named(String name) {
            for (Function f : values()) {
                if (f.displayName.equalsIgnoreCase(name)) {
                    return f;
                }
            }
            return null;
        }

        static String names() {
            List<String> names = new ArrayList<>();
            for (Function f : values()) {
                names.add(f.displayName);
            }
            return String.join(", ", names);
        }
    }

    /** Arguments, evaluated when first asked for: format() and case() only evaluate what they use, as GitHub does. */
    interface Args {
        int size();

        JsonNode get(int index);
    }

    /** Turns a reason into an exception positioned at the call. */
    interface Failure {
        ExpressionException at(String reason);
    }

    static JsonNode call(Function function, Args args, Scope scope, Failure fail) {
        return switch (function) {
            case CONTAINS -> Values.bool(contains(args.get(0), args));
            case STARTS_WITH -> Values.bool(affix(args, true));
            case ENDS_WITH -> Values.bool(affix(args, false));
            case FORMAT -> Values.text(format(args, fail));
            case JOIN -> Values.text(join(args));
            case TO_JSON -> Values.text(Json.pretty(args.get(0)));
            case FROM_JSON -> fromJson(args.get(0), fail);
            case HASH_FILES -> Values.text(hashFiles(args, scope, fail));
            case CASE -> choose(args, fail);
            case SUCCESS -> Values.bool(scope.status().success());
            case FAILURE -> Values.bool(scope.status().failure());
            case CANCELLED -> Values.bool(scope.status().cancelled());
            case ALWAYS -> Values.bool(true);
        };
    }

    /** A substring ignoring case for primitives; loose equality with any item for arrays; false otherwise. */
    private static boolean contains(JsonNode search, Args args) {
        Kind kind = Values.kind(search);
        if (kind.isPrimitive()) {
            JsonNode item = args.get(1);
            return Values.kind(item).isPrimitive()
                    && Values.upper(Values.toStr(search)).contains(Values.upper(Values.toStr(item)));
        }
        if (kind == Kind.ARRAY && !search.isEmpty()) {
            JsonNode item = args.get(1);
            for (JsonNode element : search) {
                if (Values.equal(item, element)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean affix(Args args, boolean start) {
        JsonNode text = args.get(0);
        JsonNode affix = args.get(1);
        if (!Values.kind(text).isPrimitive() || !Values.kind(affix).isPrimitive()) {
            return false;
        }
        String s = Values.upper(Values.toStr(text));
        String a = Values.upper(Values.toStr(affix));
        return start ? s.startsWith(a) : s.endsWith(a);
    }

    private static String format(Args args, Failure fail) {
        String format = Values.toStr(args.get(0));
        try {
            return format(format, args.size() - 1, i -> Values.toStr(args.get(i + 1)));
        } catch (IllegalArgumentException e) {
            throw fail.at(e.getMessage());
        }
    }

    /**
     * GitHub's format(): {@code {N}} is argument N, {@code {{} and {@code }}} are braces; anything else
     * with a brace is an error. With {@code arg} giving "" this also checks a literal format string
     * when the expression is parsed. Throws IllegalArgumentException with the reason.
     */
    static String format(String format, int supplied, IntFunction<String> arg) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            int left = format.indexOf('{', i);
            int right = format.indexOf('}', i);
            if (left >= 0 && (right < 0 || right > left)) {
                if (charAt(format, left + 1) == '{') {
                    out.append(format, i, left + 1);
                    i = left + 2;
                    continue;
                }
                int digits = left + 1;
                while (digits < format.length() && format.charAt(digits) >= '0' && format.charAt(digits) <= '9') {
                    digits++;
                }
                String number = format.substring(left + 1, digits).replaceFirst("^0+(?=.)", "");
                if (number.isEmpty() || number.length() > 3 || Integer.parseInt(number) > 255) {
                    throw invalid(format); // the runner reads the index as a byte
                }
                int index = Integer.parseInt(number);
                int close = closeOfPlaceholder(format, digits);
                if (close < 0) {
                    throw invalid(format);
                }
                if (close != digits) {
                    throw new IllegalArgumentException("format string '" + format + "' gives {" + index + "} the format specifier '"
                            + format.substring(digits, close) + "'; format() takes none");
                }
                if (index >= supplied) {
                    throw new IllegalArgumentException("format string '" + format + "' refers to {" + index + "}, but "
                            + (supplied == 0 ? "no arguments follow it" : supplied == 1 ? "only 1 argument follows it" : "only " + supplied + " arguments follow it"));
                }
                out.append(format, i, left).append(arg.apply(index));
                i = close + 1;
            } else if (right >= 0) {
                if (charAt(format, right + 1) != '}') {
                    throw invalid(format);
                }
                out.append(format, i, right + 1);
                i = right + 2;
            } else {
                out.append(format, i, format.length());
                break;
            }
        }
        return out.toString();
    }

    /** The '}' that ends a placeholder whose number ends at {@code from}: at once, or after ':specifiers' ('}}' escaped). */
    private static int closeOfPlaceholder(String format, int from) {
        char c = charAt(format, from);
        if (c == '}') {
            return from;
        }
        if (c != ':') {
            return -1;
        }
        for (int i = from + 1; i < format.length(); i++) {
            if (format.charAt(i) == '}') {
                if (charAt(format, i + 1) != '}') {
                    return i;
                }
                i++;
            }
        }
        return -1;
    }

    private static IllegalArgumentException invalid(String format) {
        return new IllegalArgumentException("invalid format string '" + format
                + "': '{N}' stands for argument N, and a brace itself is written '{{' or '}}'");
    }

    private static char charAt(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    /** Items as strings between separators (',' unless a primitive separator is given); a primitive on its own; else ''. */
    private static String join(Args args) {
        JsonNode items = args.get(0);
        Kind kind = Values.kind(items);
        if (kind == Kind.ARRAY && !items.isEmpty()) {
            String separator = ",";
            if (items.size() > 1 && args.size() > 1 && Values.kind(args.get(1)).isPrimitive()) {
                separator = Values.toStr(args.get(1));
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.append(separator);
                }
                out.append(Values.toStr(items.get(i)));
            }
            return out.toString();
        }
        return kind.isPrimitive() ? Values.toStr(items) : "";
    }

    private static JsonNode fromJson(JsonNode value, Failure fail) {
        try {
            return Json.parse(Values.toStr(value));
        } catch (IllegalArgumentException e) {
            throw fail.at(e.getMessage());
        }
    }

    private static String hashFiles(Args args, Scope scope, Failure fail) {
        boolean follow = false;
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String pattern = Values.toStr(args.get(i));
            if (i == 0 && pattern.startsWith("--")) {
                if (!pattern.toLowerCase(Locale.ROOT).equals("--follow-symbolic-links")) {
                    throw fail.at("hashFiles() has no option '" + pattern + "'; the only one is --follow-symbolic-links");
                }
                follow = true;
                continue;
            }
            patterns.add(pattern);
        }
        if (scope.hasher() == null) {
            throw fail.at("hashFiles() needs the job's workspace and is only available in steps");
        }
        try {
            return scope.hasher().hash(patterns, follow);
        } catch (IOException | RuntimeException e) {
            throw fail.at("hashFiles('" + String.join("', '", patterns) + "') failed: " + e.getMessage());
        }
    }

    /** case(pred1, value1, ..., default): the value of the first true predicate; predicates must be booleans. */
    private static JsonNode choose(Args args, Failure fail) {
        for (int i = 0; i + 1 < args.size(); i += 2) {
            JsonNode predicate = args.get(i);
            if (Values.kind(predicate) != Kind.BOOLEAN) {
                throw fail.at("case() predicate " + (i / 2 + 1) + " must be true or false, not " + describe(predicate));
            }
            if (predicate.booleanValue()) {
                return args.get(i + 1);
            }
        }
        return args.get(args.size() - 1);
    }

    static String describe(JsonNode value) {
        return switch (Values.kind(value)) {
            case NULL -> "null";
            case BOOLEAN, NUMBER -> Values.toStr(value);
            case STRING -> "the string '" + value.asText() + "'";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
        };
    }
}
