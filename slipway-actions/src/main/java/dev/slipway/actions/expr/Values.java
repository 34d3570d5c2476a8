package dev.slipway.actions.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * GitHub's value rules over Jackson trees: kinds, truthiness, conversion to number and string, loose
 * equality and ordering. They follow the runner's EvaluationResult and ExpressionUtility (the
 * JavaScript abstract-equality algorithm, except that strings compare ignoring case and objects and
 * arrays are never converted to primitives).
 */
final class Values {
    private Values() {}

    enum Kind {
        NULL, BOOLEAN, NUMBER, STRING, ARRAY, OBJECT;

        boolean isPrimitive() {
            return this != ARRAY && this != OBJECT;
        }
    }

    /** The array an object filter ({@code .*}) makes; indexing it indexes each of its items. */
    @SuppressWarnings("unchecked") // javac flags ArrayNode's own deepCopy() override; nothing here casts
    static final class FilteredArray extends ArrayNode {
        FilteredArray() {
            super(JsonNodeFactory.instance);
        }
    }

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern OCTAL = Pattern.compile("0o[0-7]+");
    private static final BigInteger UINT32_MAX = BigInteger.valueOf(0xFFFF_FFFFL);
    private static final MathContext G15 = new MathContext(15, RoundingMode.HALF_UP);

    static Kind kind(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return Kind.NULL;
        }
        if (value.isBoolean()) {
            return Kind.BOOLEAN;
        }
        if (value.isNumber()) {
            return Kind.NUMBER;
        }
        if (value.isArray()) {
            return Kind.ARRAY;
        }
        if (value.isObject()) {
            return Kind.OBJECT;
        }
        return Kind.STRING;
    }

    static JsonNode number(double value) {
        return NODES.numberNode(value);
    }

    static JsonNode bool(boolean value) {
        return NODES.booleanNode(value);
    }

    static JsonNode text(String value) {
        return NODES.textNode(value);
    }

    /** false, 0, -0, NaN, '' and null are false; everything else, empty arrays and objects too, is true. */
    static boolean truthy(JsonNode value) {
        return switch (kind(value)) {
            case NULL -> false;
            case BOOLEAN -> value.booleanValue();
            case NUMBER -> {
                double d = value.doubleValue();
                yield d != 0 && !Double.isNaN(d);
            }
            case STRING -> !value.asText().isEmpty();
            case ARRAY, OBJECT -> true;
        };
    }

    /** null is 0, true 1, false 0, a string is parsed ('' is 0), arrays and objects are NaN. */
    static double toNumber(JsonNode value) {
        return switch (kind(value)) {
            case NULL -> 0;
            case BOOLEAN -> value.booleanValue() ? 1 : 0;
            case NUMBER -> value.doubleValue();
            case STRING -> parseNumber(value.asText());
            case ARRAY, OBJECT -> Double.NaN;
        };
    }

    /** The string GitHub makes of a value: null is '', numbers as {@link #formatNumber}, arrays 'Array', objects 'Object'. */
    static String toStr(JsonNode value) {
        return switch (kind(value)) {
            case NULL -> "";
            case BOOLEAN -> value.booleanValue() ? "true" : "false";
            case NUMBER -> formatNumber(value.doubleValue());
            case STRING -> value.asText();
            case ARRAY -> "Array";
            case OBJECT -> "Object";
        };
    }

    /**
     * .NET's {@code ToString("G15")}, which the runner prints numbers with: 15 significant digits,
     * fixed notation for exponents from -5 to 14, else {@code 1.23456789012346E+19}.
     */
    static String formatNumber(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return "0"; // -0 as well, as GitHub's shared expression tests expect
        }
        BigDecimal rounded = new BigDecimal(d).round(G15).stripTrailingZeros();
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent > -5 && exponent < 15) {
            return rounded.toPlainString();
        }
        String digits = rounded.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        int magnitude = Math.abs(exponent);
        return (rounded.signum() < 0 ? "-" : "") + mantissa + "E" + (exponent < 0 ? "-" : "+")
                + (magnitude < 10 ? "0" : "") + magnitude;
    }

    /**
     * The runner's ParseNumber (JavaScript's Number() in spirit): surrounding whitespace is ignored,
     * '' is 0, decimal with sign and exponent, {@code 0x} hex and {@code 0o} octal within 32 bits,
     * {@code Infinity}; anything else is NaN.
     */
    static double parseNumber(String text) {
        String s = trim(text);
        if (s.isEmpty()) {
            return 0;
        }
        if (DECIMAL.matcher(s).matches()) {
            return Double.parseDouble(s);
        }
        if (HEX.matcher(s).matches()) {
            return int32(new BigInteger(s.substring(2), 16));
        }
        if (OCTAL.matcher(s).matches()) {
            return int32(new BigInteger(s.substring(2), 8));
        }
        return switch (s) {
            case "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.NaN;
        };
    }

    /** .NET parses hex into an Int32 bit pattern: 0xffffffff is -1, and more than 32 bits do not parse. */
    private static double int32(BigInteger value) {
        return value.compareTo(UINT32_MAX) > 0 ? Double.NaN : (double) (int) value.longValue();
    }

    static String trim(String text) {
        int start = contentStart(text);
        return text.substring(start, contentEnd(text, start));
    }

    /** Where {@code text} starts after leading whitespace. */
    static int contentStart(String text) {
        int start = 0;
        while (start < text.length() && Lexer.isWhitespace(text.charAt(start))) {
            start++;
        }
        return start;
    }

    /** Where {@code text} ends before trailing whitespace, not before {@code start}. */
    static int contentEnd(String text, int start) {
        int end = text.length();
        while (end > start && Lexer.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    /**
     * .NET's OrdinalIgnoreCase: upper-case each char on its own and compare ordinally. The dotless ı
     * stays as it is there (so 'ı' is not 'I'), unlike Java's Character.toUpperCase.
     */
    static String upper(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char u = c == '\u0131' ? c : Character.toUpperCase(c);
            if (u != c && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                out.append(u);
            }
        }
        return out == null ? text : out.toString();
    }

    static boolean equal(JsonNode left, JsonNode right) {
        JsonNode[] pair = coerce(left, right);
        if (pair == null) {
            return false;
        }
        JsonNode l = pair[0];
        JsonNode r = pair[1];
        return switch (kind(l)) {
            case NULL -> true;
            case BOOLEAN -> l.booleanValue() == r.booleanValue();
            case NUMBER -> l.doubleValue() == r.doubleValue(); // NaN is never equal
            case STRING -> upper(l.asText()).equals(upper(r.asText()));
            case ARRAY, OBJECT -> l == r; // the same instance; equal contents are not enough
        };
    }

    static boolean greater(JsonNode left, JsonNode right) {
        return compare(left, right) == 1;
    }

    static boolean less(JsonNode left, JsonNode right) {
        return compare(left, right) == -1;
    }

    /** -1, 0 or 1; 2 when the operands have no order (NaN, null, arrays, objects, kinds that do not meet). */
    private static int compare(JsonNode left, JsonNode right) {
        JsonNode[] pair = coerce(left, right);
        if (pair == null) {
            return 2;
        }
        JsonNode l = pair[0];
        JsonNode r = pair[1];
        return switch (kind(l)) {
            case NUMBER -> {
                double a = l.doubleValue();
                double b = r.doubleValue();
                yield Double.isNaN(a) || Double.isNaN(b) ? 2 : a < b ? -1 : a > b ? 1 : 0;
            }
            case STRING -> Integer.signum(upper(l.asText()).compareTo(upper(r.asText())));
            case BOOLEAN -> Boolean.compare(l.booleanValue(), r.booleanValue());
            case NULL, ARRAY, OBJECT -> 2;
        };
    }

    /**
     * The runner's CoerceTypes: operands of one kind stay as they are; a number and a string meet as
     * numbers; null and booleans become numbers and the rules apply again. Other pairs (an array and
     * a string, say) do not meet: null.
     */
    private static JsonNode[] coerce(JsonNode left, JsonNode right) {
        while (true) {
            Kind lk = kind(left);
            Kind rk = kind(right);
            if (lk == rk) {
                return new JsonNode[] {left, right};
            }
            if (lk == Kind.NUMBER && rk == Kind.STRING) {
                return new JsonNode[] {left, number(toNumber(right))};
            }
            if (lk == Kind.STRING && rk == Kind.NUMBER) {
                return new JsonNode[] {number(toNumber(left)), right};
            }
            if (lk == Kind.NULL || lk == Kind.BOOLEAN) {
                left = number(toNumber(left));
            } else if (rk == Kind.NULL || rk == Kind.BOOLEAN) {
                right = number(toNumber(right));
            } else {
                return null;
            }
        }
    }

    /** A property by name: the exact name first, else the first one that matches ignoring case. Null when absent. */
    static JsonNode property(JsonNode object, String name) {
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        String wanted = upper(name);
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (upper(field.getKey()).equals(wanted)) {
                return field.getValue();
            }
        }
        return null;
    }
}
