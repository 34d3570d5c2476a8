package dev.slipway.actions.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** The case tables under src/test/resources: reading them and writing values the way they expect. */
final class Fixtures {
    private Fixtures() {}

    static final ObjectMapper JSON = new ObjectMapper();

    /** One line {@code INPUT ==> EXPECTED} of a case table. */
    record Case(int line, String input, String expected) {
        private static final Pattern ERROR = Pattern.compile("error(?:@(\\d+))?: (.*)");

        boolean isError() {
            return expected.startsWith("error");
        }

        /** The 1-based column an error case names, or 0 when it names none. */
        int errorColumn() {
            Matcher m = matcher();
            return m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        }

        String errorText() {
            return matcher().group(2);
        }

        private Matcher matcher() {
            Matcher m = ERROR.matcher(expected);
            if (!m.matches()) {
                throw new IllegalStateException("line " + line + ": bad error expectation " + expected);
            }
            return m;
        }

        String name() {
            return line + ": " + input.strip() + " ==> " + expected;
        }
    }

    /**
     * One test per case of a table: {@code evaluate} turns the input into the text the table expects,
     * or throws the ExpressionException an error case expects.
     */
    static Stream<DynamicTest> tests(String resource, Function<String, String> evaluate) {
        return cases(resource).stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            if (c.isError()) {
                ExpressionException e = catchThrowableOfType(ExpressionException.class, () -> evaluate.apply(c.input()));
                assertThat(e).as("an error for %s", c.input()).isNotNull();
                assertThat(e.reason()).contains(c.errorText());
                assertThat(e.source()).isEqualTo(c.input());
                if (c.errorColumn() > 0) {
                    assertThat(e.column()).as("column of: %s", e.getMessage()).isEqualTo(c.errorColumn());
                }
            } else {
                assertThat(evaluate.apply(c.input())).isEqualTo(c.expected());
            }
        }));
    }

    static List<Case> cases(String resource) {
        List<Case> cases = new ArrayList<>();
        String[] lines = resource(resource).split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int at = line.lastIndexOf(" ==> ");
            if (at < 0) {
                throw new IllegalStateException(resource + " line " + (i + 1) + " has no ' ==> '");
            }
            cases.add(new Case(i + 1, line.substring(0, at), line.substring(at + 5).strip()));
        }
        return cases;
    }

    static Map<String, JsonNode> contexts() {
        try {
            JsonNode all = JSON.readTree(resource("contexts.json"));
            Map<String, JsonNode> contexts = new LinkedHashMap<>();
            all.properties().forEach(e -> contexts.put(e.getKey(), e.getValue()));
            return contexts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A value as the tables write it: null, true, numbers as GitHub prints them, 'strings' ('' for a
     * quote, \n, \\), [a,b] and {'key':value}.
     */
    static String render(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        if (value.isBoolean()) {
            return String.valueOf(value.booleanValue());
        }
        if (value.isNumber()) {
            return Expressions.asString(value);
        }
        if (value.isTextual()) {
            return "'" + value.asText().replace("\\", "\\\\").replace("\n", "\\n").replace("'", "''") + "'";
        }
        List<String> parts = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(item -> parts.add(render(item)));
            return "[" + String.join(",", parts) + "]";
        }
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            parts.add("'" + field.getKey() + "':" + render(field.getValue()));
        }
        return "{" + String.join(",", parts) + "}";
    }
}
