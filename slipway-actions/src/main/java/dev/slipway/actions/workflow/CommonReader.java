package dev.slipway.actions.workflow;

import dev.slipway.actions.workflow.Permissions.Access;
import dev.slipway.core.Suggestions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads what the workflow and its jobs share ({@code defaults}, {@code permissions},
 * {@code concurrency}), and values with a type: ids, flags and numbers that may also be
 * expressions.
 */
final class CommonReader {
    /** Job, step, input and output ids: GitHub's rule. */
    static final Pattern ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    static final String ID_RULE = "must start with a letter or '_' and hold only letters, digits, '-' and '_'";

    private static final Keys DEFAULTS_KEYS = Keys.of("run");
    private static final Keys RUN_DEFAULTS_KEYS = Keys.of("shell", "working-directory");
    private static final Keys CONCURRENCY_KEYS = Keys.of("group", "cancel-in-progress")
            .unsupported("queue", "a concurrency group holds one pending run or job, as GitHub's default 'single' does");
    /** GitHub's built-in shells; any other shell is a command with {0} where the script's path goes. */
    static final List<String> SHELLS = List.of("bash", "sh", "python", "pwsh", "powershell", "cmd");

    private final Doc doc;
    private final ValueReader values;

    CommonReader(Doc doc, ValueReader values) {
        this.doc = doc;
        this.values = values;
    }

    /** An id: a job's, a step's, an input's. */
    boolean checkId(Node at, String id, String what) {
        if (!ID.matcher(id).matches()) {
            doc.error(at, what + " '" + id + "' " + ID_RULE);
            return false;
        }
        return true;
    }

    /** The value of {@code key} at {@code place}, or null when absent (or wrong, reported). */
    Value optional(Mapping m, String key, Place place, String what) {
        Node node = m.get(key);
        return node == null ? null : values.value(node, place, what);
    }

    /** A boolean that may be an expression; {@code fallback} when absent. */
    Value flag(Mapping m, String key, Place place, String what, boolean fallback) {
        Node node = m.get(key);
        if (node == null) {
            return Value.literal(Boolean.toString(fallback), doc.at(m.keyNode(key)));
        }
        Value value = values.value(node, place, what);
        if (value != null && value.isLiteral() && !value.source().strip().equalsIgnoreCase("true")
                && !value.source().strip().equalsIgnoreCase("false")) {
            doc.error(node, what + " must be true, false or an expression, not " + Doc.describe(node));
            return null;
        }
        return value;
    }

    /** A positive number that may be an expression; {@code fallback} (or null) when absent. */
    Value number(Mapping m, String key, Place place, String what, String fallback) {
        Node node = m.get(key);
        if (node == null) {
            return fallback == null ? null : Value.literal(fallback, doc.at(m.keyNode(key)));
        }
        Value value = values.value(node, place, what);
        if (value != null && value.isLiteral()) {
            double d;
            try {
                d = Double.parseDouble(value.source().strip());
            } catch (NumberFormatException e) {
                d = Double.NaN;
            }
            if (!(d > 0) || Double.isInfinite(d)) {
                doc.error(node, what + " must be a number greater than 0 or an expression, not " + Doc.describe(node));
                return null;
            }
        }
        return value;
    }

    /** {@code defaults: {run: {shell, working-directory}}}; the shell's expressions at {@code place}. */
    RunDefaults defaults(Mapping m, Place place, String where) {
        Node node = m.get("defaults");
        if (node == null) {
            return RunDefaults.NONE;
        }
        Mapping defaults = doc.mapping(node, m.keyNode("defaults"), where, DEFAULTS_KEYS);
        Node runNode = defaults.get("run");
        if (runNode == null) {
            return RunDefaults.NONE;
        }
        Mapping run = doc.mapping(runNode, defaults.keyNode("run"), where + ".run", RUN_DEFAULTS_KEYS);
        return new RunDefaults(shell(run.get("shell"), place, where + ".run.shell"),
                optional(run, "working-directory", place, where + ".run.working-directory"));
    }

    /** A shell: one of GitHub's, or a command with {0}; Windows' are warned about. */
    Value shell(Node node, Place place, String what) {
        if (node == null) {
            return null;
        }
        Value shell = values.value(node, place, what);
        if (shell == null || !shell.isLiteral()) {
            return shell;
        }
        String text = shell.source().strip();
        if (!SHELLS.contains(text) && !text.contains("{0}")) {
            doc.error(node, what + ": '" + text + "' is not a shell GitHub knows (" + String.join(", ", SHELLS) + "); a custom shell"
                    + " is a command with {0} where the script goes, such as 'perl {0}'" + Suggestions.didYouMean(text, SHELLS));
            return null;
        }
        if (text.equals("cmd") || text.equals("powershell")) {
            doc.warn(node, what + ": '" + text + "' is a Windows shell; Slipway runs jobs on Linux, where it exists only if the image has it");
        }
        return shell;
    }

    /** {@code read-all}, {@code write-all}, or a mapping of scopes to read, write or none. */
    Permissions permissions(Mapping m, String where) {
        Mapping.Entry entry = m.entry("permissions");
        if (entry == null) {
            return null;
        }
        Node node = entry.value();
        Position at = doc.at(entry.keyNode());
        if (node instanceof ScalarNode && !Doc.isNull(node)) {
            String text = values.literal(node, where);
            if (text == null) {
                return null;
            }
            return switch (text) {
                case "read-all" -> Permissions.readAll(at);
                case "write-all" -> Permissions.writeAll(at);
                default -> {
                    doc.error(node, where + " must be read-all, write-all or a mapping of scopes (contents: write), not '" + text + "'"
                            + Suggestions.didYouMean(text, List.of("read-all", "write-all")));
                    yield null;
                }
            };
        }
        if (Doc.isNull(node)) {
            doc.error(entry.keyNode(), where + " needs a value: read-all, write-all, or a mapping of scopes ({} for none)");
            return null;
        }
        Keys keys = new Keys(new java.util.LinkedHashSet<>(Permissions.SCOPES.keySet()), Map.of(), Map.of());
        Mapping scopes = doc.mapping(node, entry.keyNode(), where, keys);
        if (!scopes.isMapping()) {
            return null;
        }
        Map<String, Access> named = new LinkedHashMap<>();
        for (Mapping.Entry e : scopes.entries()) {
            String text = values.literal(e.value(), where + "." + e.key());
            if (text == null) {
                continue;
            }
            Access access = Access.parse(text);
            List<Access> allowed = Permissions.SCOPES.get(e.key());
            if (access == null || !allowed.contains(access)) {
                doc.error(e.value(), where + "." + e.key() + " must be " + words(allowed.stream().map(Access::word).toList())
                        + ", not '" + text + "'");
                continue;
            }
            named.put(e.key(), access);
        }
        return Permissions.of(named, at);
    }

    /** A group, or a mapping of group and cancel-in-progress. */
    Concurrency concurrency(Mapping m, Place place, String where) {
        Node node = m.get("concurrency");
        if (node == null) {
            return null;
        }
        Position at = doc.at(m.keyNode("concurrency"));
        if (!(node instanceof MappingNode)) {
            Value group = values.value(node, place, where);
            return group == null ? null : new Concurrency(group, Value.literal("false", at), at);
        }
        Mapping c = doc.mapping(node, m.keyNode("concurrency"), where, CONCURRENCY_KEYS);
        Node groupNode = c.require("group");
        Value group = groupNode == null ? null : values.value(groupNode, place, where + ".group");
        Value cancel = flag(c, "cancel-in-progress", place, where + ".cancel-in-progress", false);
        return group == null || cancel == null ? null : new Concurrency(group, cancel, at);
    }

    /** Names in a list, each at its node, without expressions: needs, filters, options. */
    List<Doc.Text> names(Node node, String what) {
        List<Doc.Text> names = new java.util.ArrayList<>();
        for (Doc.Text t : doc.texts(node, what)) {
            if (values.literal(t.node(), "an item of " + what) != null) {
                names.add(t);
            }
        }
        return names;
    }

    /** {@code a, b or c}. */
    static String words(List<String> words) {
        return words.size() == 1 ? words.getFirst()
                : String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.getLast();
    }
}
