package dev.slipway.actions.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * GitHub's problem matchers ({@code ::add-matcher::file.json}): regular expressions that turn
 * lines of a tool's output into annotations. The file format, its validation and the matching of
 * multi-line patterns (with {@code loop}) follow the runner's IssueMatcher:
 * <pre>{@code
 * {"problemMatcher": [{"owner": "gcc", "severity": "error",
 *   "pattern": [{"regexp": "^(.*):(\\d+):(\\d+):\\s+(warning|error):\\s+(.*)$",
 *                "file": 1, "line": 2, "column": 3, "severity": 4, "message": 5}]}]}
 * }</pre>
 * Property names ignore case. Expressions are Java's, which read the ECMAScript-style expressions
 * matchers are written in the same way.
 */
final class ProblemMatchers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemMatchers() {}

    /** One pattern: a regular expression and which of its groups hold which values. */
    record PatternSpec(Pattern regex, Integer file, Integer line, Integer column, Integer severity, Integer code, Integer message,
                       Integer fromPath, boolean loop) {}

    /** One matcher of a file. */
    record Config(String owner, String severity, List<PatternSpec> patterns) {
        Config {
            patterns = List.copyOf(patterns);
        }
    }

    /** What a matched line (or lines) says; a value is null when no pattern names it, '' when its group did not match. */
    record Match(String file, String line, String column, String severity, String code, String message, String fromPath) {}

    /**
     * The matchers of a file.
     *
     * @throws IllegalArgumentException naming what is wrong, with the runner's wording
     */
    static List<Config> read(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read it: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a problem matcher file is a JSON object with \"problemMatcher\": [...]");
        }
        JsonNode list = field(root, "problemMatcher");
        List<Config> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException("\"problemMatcher\" must be an array of matchers");
        }
        Set<String> owners = new HashSet<>();
        for (JsonNode m : list) {
            Config config = config(m);
            if (!owners.add(config.owner().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("Duplicate owner name '" + config.owner() + "'");
            }
            out.add(config);
        }
        return out;
    }

    private static Config config(JsonNode m) {
        if (!m.isObject()) {
            throw new IllegalArgumentException("each problem matcher must be an object");
        }
        String owner = text(m, "owner");
        if (owner == null || owner.isEmpty()) {
            throw new IllegalArgumentException("Owner must not be empty");
        }
        String severity = text(m, "severity");
        severity = severity == null ? "" : severity;
        switch (severity.toUpperCase(Locale.ROOT)) {
            case "", "ERROR", "WARNING", "NOTICE" -> {}
            default -> throw new IllegalArgumentException("Matcher '" + owner + "' contains unexpected default severity '" + severity + "'");
        }
        JsonNode patterns = field(m, "pattern");
        if (patterns != null && patterns.isObject()) {
            patterns = JSON.createArrayNode().add(patterns);
        }
        if (patterns == null || !patterns.isArray() || patterns.isEmpty()) {
            throw new IllegalArgumentException("Matcher '" + owner + "' does not contain any patterns");
        }
        Map<String, Integer> used = new TreeMap<>();
        List<PatternSpec> specs = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            specs.add(pattern(patterns.get(i), i == 0, i == patterns.size() - 1, used));
        }
        if (!used.containsKey("message")) {
            throw new IllegalArgumentException("At least one pattern must set 'message'");
        }
        return new Config(owner, severity, specs);
    }

    private static PatternSpec pattern(JsonNode p, boolean first, boolean last, Map<String, Integer> used) {
        if (!p.isObject()) {
            throw new IllegalArgumentException("each pattern must be an object");
        }
        JsonNode loopNode = field(p, "loop");
        boolean loop = loopNode != null && loopNode.asBoolean(false);
        Integer message = number(p, "message");
        if (loop && (first || !last)) {
            throw new IllegalArgumentException("Only the last pattern in a multiline matcher may set 'loop'");
        }
        if (loop && message == null) {
            throw new IllegalArgumentException("The loop pattern must set 'message'");
        }
        String regexp = text(p, "regexp");
        Pattern regex;
        try {
            regex = Pattern.compile(regexp == null ? "" : regexp);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("pattern '" + regexp + "' is not a regular expression: " + e.getDescription());
        }
        int groups = regex.matcher("").groupCount() + 1;
        Integer file = group(p, "file", groups, used);
        Integer line = group(p, "line", groups, used);
        Integer column = group(p, "column", groups, used);
        Integer severity = group(p, "severity", groups, used);
        Integer code = group(p, "code", groups, used);
        group(p, "message", groups, used);
        Integer fromPath = group(p, "fromPath", groups, used);
        return new PatternSpec(regex, file, line, column, severity, code, message, fromPath, loop);
    }

    private static Integer group(JsonNode p, String property, int groups, Map<String, Integer> used) {
        Integer value = number(p, property);
        if (value == null) {
            return null;
        }
        if (used.containsKey(property)) {
            throw new IllegalArgumentException("The property '" + property + "' is set twice");
        }
        if (value < 0 || value >= groups) {
            throw new IllegalArgumentException("The property '" + property + "' is set to " + value + " which is out of range");
        }
        used.put(property, value);
        return value;
    }

    private static JsonNode field(JsonNode object, String name) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String text(JsonNode object, String name) {
        JsonNode v = field(object, name);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Integer number(JsonNode object, String name) {
        JsonNode v = field(object, name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isTextual() && v.asText().matches("-?\\d{1,9}")) {
            return Integer.parseInt(v.asText());
        }
        throw new IllegalArgumentException("'" + name + "' must be a group number, not " + v);
    }

    /**
     * A matcher at work on one step's output. Its state carries a multi-line match across lines:
     * a line that matches pattern i continues a match of patterns 0..i-1 that the previous lines
     * made; the last pattern completes it (and with {@code loop}, may complete it again on the
     * following lines).
     */
    static final class Active {
        final Config config;
        private Match[] state;

        Active(Config config) {
            this.config = config;
            reset();
        }

        String owner() {
            return config.owner();
        }

        void reset() {
            state = new Match[config.patterns().size() - 1];
        }

        /** The match this line completes, or null. */
        Match match(String line) {
            List<PatternSpec> patterns = config.patterns();
            if (patterns.size() == 1) {
                Matcher m = patterns.getFirst().regex().matcher(line);
                return m.find() ? match(null, patterns.getFirst(), m, config.severity()) : null;
            }
            for (int i = patterns.size() - 1; i >= 0; i--) {
                Match running = i > 0 ? state[i - 1] : null;
                if (i != 0 && running == null) {
                    continue;
                }
                PatternSpec pattern = patterns.get(i);
                boolean isLast = i == patterns.size() - 1;
                Matcher m = pattern.regex().matcher(line);
                if (m.find()) {
                    if (isLast) {
                        reset();
                        if (pattern.loop()) {
                            state[i - 1] = running; // the next line may complete the same match again
                        }
                        return match(running, pattern, m, config.severity());
                    }
                    state[i] = match(running, pattern, m, null);
                } else if (isLast) {
                    state[i - 1] = null;
                } else {
                    state[i] = null;
                }
            }
            return null;
        }

        private static Match match(Match running, PatternSpec p, Matcher m, String defaultSeverity) {
            String severity = running != null && running.severity() != null ? running.severity() : value(m, p.severity());
            if ((severity == null || severity.isEmpty()) && defaultSeverity != null && !defaultSeverity.isEmpty()) {
                severity = defaultSeverity;
            }
            return new Match(
                    running != null && running.file() != null ? running.file() : value(m, p.file()),
                    running != null && running.line() != null ? running.line() : value(m, p.line()),
                    running != null && running.column() != null ? running.column() : value(m, p.column()),
                    severity,
                    running != null && running.code() != null ? running.code() : value(m, p.code()),
                    running != null && running.message() != null ? running.message() : value(m, p.message()),
                    running != null && running.fromPath() != null ? running.fromPath() : value(m, p.fromPath()));
        }

        private static String value(Matcher m, Integer group) {
            if (group == null || group > m.groupCount()) {
                return null;
            }
            String v = m.group(group);
            return v == null ? "" : v;
        }
    }
}
