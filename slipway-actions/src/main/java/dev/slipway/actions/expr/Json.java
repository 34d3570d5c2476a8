package dev.slipway.actions.expr;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** toJSON() as the runner prints it, and fromJSON() as lenient as Newtonsoft.Json reads. */
final class Json {
    private Json() {}

    // Newtonsoft, which the runner parses with, takes comments, single quotes, unquoted names,
    // NaN and Infinity, and trailing commas.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_SINGLE_QUOTES,
                    JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS,
                    JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * The runner's ToJson: two-space indents, a line per item, {@code "key": value}, {@code []} and
     * {@code {}} when empty, numbers as GitHub prints them.
     */
    static String pretty(JsonNode value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, JsonNode value, int level) {
        switch (Values.kind(value)) {
            case NULL -> out.append("null");
            case BOOLEAN, NUMBER -> out.append(Values.toStr(value));
            case STRING -> quote(out, value.asText());
            case ARRAY -> {
                if (value.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                for (int i = 0; i < value.size(); i++) {
                    out.append(i == 0 ? "\n" : ",\n").append("  ".repeat(level + 1));
                    write(out, value.get(i), level + 1);
                }
                out.append('\n').append("  ".repeat(level)).append(']');
            }
            case OBJECT -> {
                if (value.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> field : value.properties()) {
                    out.append(first ? "\n" : ",\n").append("  ".repeat(level + 1));
                    quote(out, field.getKey());
                    out.append(": ");
                    write(out, field.getValue(), level + 1);
                    first = false;
                }
                out.append('\n').append("  ".repeat(level)).append('}');
            }
        }
    }

    /** A JSON string as Newtonsoft writes it: control characters, quote, backslash, U+0085, U+2028 and U+2029 escaped. */
    private static void quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Parses JSON text; every number becomes a double, as in GitHub. Throws IllegalArgumentException with the reason. */
    static JsonNode parse(String text) {
        if (Values.trim(text).isEmpty()) {
            throw new IllegalArgumentException("fromJSON() got an empty string; it needs JSON text such as '{\"a\": 1}' or '[1, 2]'");
        }
        try {
            return numbersAsDoubles(MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new IllegalArgumentException("fromJSON() got text that is not JSON" + where + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse("") + " (text: " + abbreviate(text) + ")");
        }
    }

    private static JsonNode numbersAsDoubles(JsonNode node) {
        if (node.isNumber()) {
            return Values.number(node.doubleValue());
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, numbersAsDoubles(array.get(i)));
            }
        } else if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                object.set(name, numbersAsDoubles(object.get(name)));
            }
        }
        return node;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
