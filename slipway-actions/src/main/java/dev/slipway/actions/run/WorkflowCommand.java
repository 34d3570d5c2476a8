package dev.slipway.actions.run;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A workflow command line, {@code ::name key=value,key=value::data}, parsed as GitHub's runner
 * parses it (ActionCommand.TryParseV2): leading whitespace is ignored, the name ends at the first
 * space, properties are split at commas and their first {@code =} (empty names or values are
 * dropped), and values are unescaped: data {@code %25 %0D %0A}, properties also {@code %3A %2C}.
 * Names of commands and properties ignore case.
 */
record WorkflowCommand(String name, Map<String, String> properties, String data) {
    /** Replacements in the runner's order: {@code %25} last, so {@code %250A} becomes {@code %0A}, not a line break. */
    private static final String[][] DATA_ESCAPES = {{"%0D", "\r"}, {"%0A", "\n"}, {"%25", "%"}};
    private static final String[][] PROPERTY_ESCAPES = {{"%0D", "\r"}, {"%0A", "\n"}, {"%3A", ":"}, {"%2C", ","}, {"%25", "%"}};

    /** The command on {@code line} (without its line break), or null when the line is not one. */
    static WorkflowCommand parse(String line) {
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        int start = 0;
        while (start < line.length() && Character.isWhitespace(line.charAt(start))) {
            start++;
        }
        if (!line.startsWith("::", start)) {
            return null;
        }
        int end = line.indexOf("::", start + 2);
        if (end < 0) {
            return null;
        }
        String info = line.substring(start + 2, end);
        int space = info.indexOf(' ');
        String name = space < 0 ? info : info.substring(0, space);
        if (name.isEmpty()) {
            return null;
        }
        Map<String, String> properties = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (space > 0) {
            for (String property : info.substring(space + 1).trim().split(",")) {
                int eq = property.indexOf('=');
                if (eq > 0 && eq < property.length() - 1) {
                    properties.put(property.substring(0, eq), unescape(property.substring(eq + 1), PROPERTY_ESCAPES));
                }
            }
        }
        return new WorkflowCommand(name, Collections.unmodifiableMap(properties), unescape(line.substring(end + 2), DATA_ESCAPES));
    }

    String property(String key) {
        return properties.get(key);
    }

    boolean is(String command) {
        return name.equalsIgnoreCase(command);
    }

    private static String unescape(String text, String[][] escapes) {
        for (String[] e : escapes) {
            text = text.replace(e[0], e[1]);
        }
        return text;
    }
}
