package dev.slipway.woodpecker;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Woodpecker's substitution of a file's text before it is parsed (the envsubst forms it documents):
 * {@code $NAME} and {@code ${NAME}}, {@code ${NAME:-default}} and {@code ${NAME-default}},
 * {@code ${NAME=default}} and {@code ${NAME:=default}}, {@code ${NAME^^}} {@code ${NAME^}}
 * {@code ${NAME,,}} {@code ${NAME,}}, {@code ${NAME/from/to}} {@code ${NAME//from/to}}
 * {@code ${NAME/#from/to}} {@code ${NAME/%from/to}}, {@code ${NAME#prefix}} {@code ${NAME##prefix}}
 * {@code ${NAME%suffix}} {@code ${NAME%%suffix}}, {@code ${NAME:offset}} {@code ${NAME:offset:length}}
 * and {@code ${#NAME}}. A name without a value is the empty string, as in Woodpecker (the reason an
 * unquoted {@code ${A}:${B}} can break the YAML). {@code $$} is a literal {@code $}, so
 * {@code $${HOME}} reaches the shell as {@code ${HOME}}. A value with a newline is inserted quoted,
 * as Woodpecker does, so it stays one YAML scalar.
 */
final class Envsubst {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Envsubst() {}

    /** Thrown for a {@code ${...}} that no form reads. */
    static final class BadSubstitution extends IllegalArgumentException {
        final int offset;

        BadSubstitution(String message, int offset) {
            super(message);
            this.offset = offset;
        }
    }

    static String eval(String text, Map<String, String> values) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char n = text.charAt(i + 1);
            if (n == '$') {
                out.append('$');
                i += 2;
            } else if (n == '{') {
                int end = closing(text, i + 2);
                if (end < 0) {
                    throw new BadSubstitution("'${' without its closing '}'", i);
                }
                out.append(quoted(expression(text.substring(i + 2, end), values, i)));
                i = end + 1;
            } else if (Character.isLetter(n) || n == '_') {
                int end = i + 1;
                while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
                    end++;
                }
                out.append(quoted(values.getOrDefault(text.substring(i + 1, end), "")));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The matching '}' of an expression that starts at {@code from}, nested {@code ${...}} counted. */
    private static int closing(String text, int from) {
        int depth = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                return -1;
            }
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return -1;
    }

    private static String quoted(String value) {
        if (!value.contains("\n")) {
            return value;
        }
        StringBuilder q = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> q.append(c);
            }
        }
        return q.append('"').toString();
    }

    private static String expression(String e, Map<String, String> values, int offset) {
        if (e.startsWith("#") && NAME.matcher(e.substring(1)).matches()) {
            return Integer.toString(values.getOrDefault(e.substring(1), "").length());
        }
        int nameEnd = 0;
        while (nameEnd < e.length() && (Character.isLetterOrDigit(e.charAt(nameEnd)) || e.charAt(nameEnd) == '_')) {
            nameEnd++;
        }
        String name = e.substring(0, nameEnd);
        if (!NAME.matcher(name).matches()) {
            throw new BadSubstitution("'${" + e + "}' is not a substitution Woodpecker knows (write $${...} for a literal ${...})", offset);
        }
        String set = values.get(name);
        String value = set == null ? "" : set;
        String op = e.substring(nameEnd);
        if (op.isEmpty()) {
            return value;
        }
        if (op.startsWith(":-") || op.startsWith(":=")) {
            return value.isEmpty() ? eval(op.substring(2), values) : value;
        }
        if (op.startsWith("-") || op.startsWith("=")) {
            return set == null ? eval(op.substring(1), values) : value;
        }
        switch (op) {
            case "^^" -> {
                return value.toUpperCase(Locale.ROOT);
            }
            case ",," -> {
                return value.toLowerCase(Locale.ROOT);
            }
            case "^" -> {
                return value.isEmpty() ? value : value.substring(0, 1).toUpperCase(Locale.ROOT) + value.substring(1);
            }
            case "," -> {
                return value.isEmpty() ? value : value.substring(0, 1).toLowerCase(Locale.ROOT) + value.substring(1);
            }
            default -> { }
        }
        if (op.startsWith("/")) {
            return replace(value, op.substring(1), values);
        }
        if (op.startsWith("##")) {
            return stripPrefix(value, eval(op.substring(2), values), true);
        }
        if (op.startsWith("#")) {
            return stripPrefix(value, eval(op.substring(1), values), false);
        }
        if (op.startsWith("%%")) {
            return stripSuffix(value, eval(op.substring(2), values), true);
        }
        if (op.startsWith("%")) {
            return stripSuffix(value, eval(op.substring(1), values), false);
        }
        if (op.startsWith(":")) {
            String[] parts = op.substring(1).split(":", 2);
            try {
                int from = Math.min(value.length(), Math.max(0, Integer.parseInt(parts[0].strip())));
                int length = parts.length > 1 ? Integer.parseInt(parts[1].strip()) : value.length() - from;
                return value.substring(from, Math.min(value.length(), from + Math.max(0, length)));
            } catch (NumberFormatException bad) {
                throw new BadSubstitution("'${" + e + "}': an offset and a length are numbers", offset);
            }
        }
        throw new BadSubstitution("'${" + e + "}' is not a substitution Woodpecker knows (write $${...} for a literal ${...})", offset);
    }

    /** {@code from/to}, {@code /from/to} (all), {@code #from/to} (at the start), {@code %from/to} (at the end). */
    private static String replace(String value, String spec, Map<String, String> values) {
        boolean all = spec.startsWith("/");
        boolean start = spec.startsWith("#");
        boolean end = spec.startsWith("%");
        String rest = all || start || end ? spec.substring(1) : spec;
        int slash = rest.indexOf('/');
        String from = eval(slash < 0 ? rest : rest.substring(0, slash), values);
        String to = slash < 0 ? "" : eval(rest.substring(slash + 1), values);
        if (from.isEmpty()) {
            return value;
        }
        if (start) {
            return value.startsWith(from) ? to + value.substring(from.length()) : value;
        }
        if (end) {
            return value.endsWith(from) ? value.substring(0, value.length() - from.length()) + to : value;
        }
        return all ? value.replace(from, to) : value.replaceFirst(Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    }

    private static String stripPrefix(String value, String pattern, boolean longest) {
        Pattern p = glob(pattern);
        int best = -1;
        for (int i = 0; i <= value.length(); i++) {
            if (p.matcher(value.substring(0, i)).matches()) {
                best = i;
                if (!longest) {
                    break;
                }
            }
        }
        return best < 0 ? value : value.substring(best);
    }

    private static String stripSuffix(String value, String pattern, boolean longest) {
        Pattern p = glob(pattern);
        int best = -1;
        for (int i = value.length(); i >= 0; i--) {
            if (p.matcher(value.substring(i)).matches()) {
                best = i;
                if (!longest) {
                    break;
                }
            }
        }
        return best < 0 ? value : value.substring(0, best);
    }

    /** A shell pattern ({@code *}, {@code ?}) as a regular expression. */
    private static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
