package dev.slipway.server.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The dotenv files {@code slipway exec --env-file} and {@code --secret-file} read, as act reads
 * them (godotenv): {@code KEY=VALUE} lines, an optional {@code export } before the key, blank
 * lines and {@code #} comments skipped. A value is
 * <ul>
 *   <li>unquoted: up to a {@code " #"} comment, trimmed;</li>
 *   <li>in single quotes: literal, and may span lines;</li>
 *   <li>in double quotes: may span lines; {@code \n}, {@code \r}, {@code \t}, {@code \"},
 *       {@code \\} and {@code \$} are escapes.</li>
 * </ul>
 * Unquoted and double-quoted values expand {@code ${NAME}} and {@code $NAME} from the file's
 * earlier keys, then from {@code environment}; a name that is set nowhere expands to nothing.
 */
final class Dotenv {
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private Dotenv() {}

    /** A line the file cannot mean anything by: the message names the line. */
    static final class DotenvException extends IllegalArgumentException {
        DotenvException(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    static Map<String, String> parse(String text, Function<String, String> environment) {
        Map<String, String> out = new LinkedHashMap<>();
        String s = text.replace("\r\n", "\n");
        int i = 0;
        int line = 1;
        while (i < s.length()) {
            int end = s.indexOf('\n', i);
            if (end < 0) {
                end = s.length();
            }
            String raw = s.substring(i, end).strip();
            if (raw.isEmpty() || raw.startsWith("#")) {
                i = end + 1;
                line++;
                continue;
            }
            int startLine = line;
            if (raw.startsWith("export ")) {
                raw = raw.substring("export ".length()).stripLeading();
            }
            int eq = firstSeparator(raw);
            if (eq < 0) {
                throw new DotenvException(startLine, "expected KEY=VALUE, got '" + shorten(raw) + "'");
            }
            String key = raw.substring(0, eq).strip();
            if (!KEY.matcher(key).matches()) {
                throw new DotenvException(startLine, "'" + shorten(key) + "' is not a variable name");
            }
            // The value starts after the separator on this line, and a quoted one may go on past it.
            int valueStart = s.indexOf(raw, i) + eq + 1;
            while (valueStart < s.length() && (s.charAt(valueStart) == ' ' || s.charAt(valueStart) == '\t')) {
                valueStart++;
            }
            char first = valueStart < s.length() ? s.charAt(valueStart) : '\n';
            String value;
            int next;
            if (first == '\'' || first == '"') {
                StringBuilder v = new StringBuilder();
                int j = valueStart + 1;
                boolean closed = false;
                while (j < s.length()) {
                    char c = s.charAt(j);
                    if (c == first) {
                        closed = true;
                        break;
                    }
                    if (c == '\n') {
                        line++;
                    }
                    if (first == '"' && c == '\\' && j + 1 < s.length()) {
                        char e = s.charAt(j + 1);
                        switch (e) {
                            case 'n' -> v.append('\n');
                            case 'r' -> v.append('\r');
                            case 't' -> v.append('\t');
                            case '"', '\\' -> v.append(e);
                            case '$' -> v.append("\\$"); // kept from expansion below
                            default -> v.append('\\').append(e);
                        }
                        j += 2;
                        continue;
                    }
                    v.append(c);
                    j++;
                }
                if (!closed) {
                    throw new DotenvException(startLine, "the value of " + key + " has no closing " + first);
                }
                value = first == '"' ? expand(v.toString(), out, environment) : v.toString();
                int lineEnd = s.indexOf('\n', j);
                String rest = s.substring(j + 1, lineEnd < 0 ? s.length() : lineEnd).strip();
                if (!rest.isEmpty() && !rest.startsWith("#")) {
                    throw new DotenvException(line, "unexpected '" + shorten(rest) + "' after the quoted value of " + key);
                }
                next = lineEnd < 0 ? s.length() : lineEnd + 1;
            } else {
                int lineEnd = s.indexOf('\n', valueStart);
                String v = s.substring(Math.min(valueStart, s.length()), lineEnd < 0 ? s.length() : lineEnd);
                int comment = v.indexOf(" #");
                if (comment >= 0) {
                    v = v.substring(0, comment);
                }
                value = expand(v.strip(), out, environment);
                next = lineEnd < 0 ? s.length() : lineEnd + 1;
            }
            out.put(key, value);
            i = next;
            line++;
        }
        return out;
    }

    /** {@code =}, or godotenv's {@code :} when it comes first. */
    private static int firstSeparator(String raw) {
        int eq = raw.indexOf('=');
        int colon = raw.indexOf(':');
        if (colon >= 0 && (eq < 0 || colon < eq) && colon + 1 < raw.length() && raw.charAt(colon + 1) == ' ') {
            return colon;
        }
        return eq;
    }

    private static String expand(String v, Map<String, String> earlier, Function<String, String> environment) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length() && v.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            if (c == '$' && i + 1 < v.length()) {
                String name = null;
                int end = i;
                if (v.charAt(i + 1) == '{') {
                    int close = v.indexOf('}', i + 2);
                    if (close > 0) {
                        name = v.substring(i + 2, close);
                        end = close + 1;
                    }
                } else {
                    int j = i + 1;
                    while (j < v.length() && (Character.isLetterOrDigit(v.charAt(j)) || v.charAt(j) == '_')) {
                        j++;
                    }
                    if (j > i + 1) {
                        name = v.substring(i + 1, j);
                        end = j;
                    }
                }
                if (name != null) {
                    String value = earlier.containsKey(name) ? earlier.get(name) : environment.apply(name);
                    out.append(value == null ? "" : value);
                    i = end;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
