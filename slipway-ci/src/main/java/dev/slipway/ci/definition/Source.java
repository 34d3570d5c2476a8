package dev.slipway.ci.definition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One file being read: its YAML node tree, the problems found so far, and typed reads of nodes
 * that report what they cannot accept.
 *
 * <p>We read SnakeYAML's node tree rather than bind to objects because every node keeps its start
 * mark (problems point at the offending node) and a scalar keeps its text exactly as written:
 * {@code revision: 0123}, {@code ref: 1.10} and {@code on:} stay strings, and YAML 1.1's implicit
 * booleans ({@code yes}, {@code off}) never turn a value into something the user did not write.
 */
final class Source {
    /** Pipeline files are small; this bounds what one push can make the server parse. */
    static final int MAX_CODE_POINTS = YamlText.MAX_CODE_POINTS;

    /** Tags that plain YAML gives implicitly. Others ({@code !!binary}, {@code !custom}) mean something we would ignore. */
    private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL,
            Tag.TIMESTAMP, Tag.MAP, Tag.SEQ);

    final String file;
    private final String text;
    private int[] codePoints;
    private final List<Problem> problems = new ArrayList<>();

    Source(String file, String text) {
        this.file = file;
        this.text = text;
    }

    /** The document's root node, or null when it is empty or not valid YAML (reported). */
    Node compose() {
        return YamlText.compose(file, text, problems::add);
    }

    void report(Node at, String message) {
        report(at.getStartMark(), message);
    }

    /** About the whole file, not one node of it. */
    void reportFile(String message) {
        problems.add(new Problem(file, 0, 0, message));
    }

    private void report(Mark mark, String message) {
        problems.add(mark == null
                ? new Problem(file, 0, 0, message)
                : new Problem(file, mark.getLine() + 1, mark.getColumn() + 1, message));
    }

    /** Reports at {@code needle} inside the node's source text, or at the node when it is not found there (escaped). */
    void reportWithin(Node node, String needle, String message) {
        Mark start = node.getStartMark();
        Mark end = node.getEndMark();
        if (codePoints == null) {
            codePoints = text.codePoints().toArray();
        }
        int[] target = needle.codePoints().toArray();
        int limit = Math.min(end.getIndex(), codePoints.length) - target.length;
        for (int i = start.getIndex(); i >= 0 && i <= limit; i++) {
            if (Arrays.equals(codePoints, i, i + target.length, target, 0, target.length)) {
                int line = start.getLine();
                int column = start.getColumn();
                for (int j = start.getIndex(); j < i; j++) {
                    if (codePoints[j] == '\n') {
                        line++;
                        column = 0;
                    } else {
                        column++;
                    }
                }
                problems.add(new Problem(file, line + 1, column + 1, message));
                return;
            }
        }
        report(node, message);
    }

    int problemCount() {
        return problems.size();
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    /**
     * Distinct: a node merged into several mappings ({@code <<: *defaults}) is read, and reported,
     * more than once, as is a command that uses one undeclared variable twice.
     */
    List<Problem> problems() {
        return problems.stream().distinct().toList();
    }

    // ---- typed reads: each reports at the node and returns null when the node is not what is asked for

    /** An environment variable name that Slipway does not reserve. */
    boolean checkEnvName(Node node, String name, String what) {
        if (!Syntax.ENV_NAME.matcher(name).matches()) {
            report(node, "'" + name + "' is not a valid " + what + " name (letters, digits and '_', not starting with a digit)");
            return false;
        }
        if (name.toUpperCase(Locale.ROOT).startsWith(Variables.RESERVED_PREFIX)) {
            report(node, "'" + name + "': names starting with " + Variables.RESERVED_PREFIX + " are reserved for Slipway");
            return false;
        }
        return true;
    }

    /** A {@link Syntax#NAME}: {@code what} is "secret", "cache", ... */
    boolean checkName(Node node, String name, String what) {
        if (!Syntax.NAME.matcher(name).matches()) {
            report(node, what + " name '" + name + "' must be " + Syntax.NAME_RULE);
            return false;
        }
        return true;
    }

    boolean checkAbsolute(Node node, String path, String what) {
        if (!Syntax.isAbsolutePath(path)) {
            report(node, what + " must be an absolute path without '..', not '" + path + "'");
            return false;
        }
        return true;
    }

    static boolean isNull(Node node) {
        return node == null || node.getTag().equals(Tag.NULL);
    }

    /** A scalar's text exactly as written; {@code what} names the value in messages ("task 'build': image"). */
    String text(Node node, String what) {
        if (!plainTag(node)) {
            return null;
        }
        if (node instanceof MappingNode m && m.getFlowStyle() == DumperOptions.FlowStyle.BLOCK && m.getValue().size() == 1) {
            // Almost always `- echo a: b`, where an unquoted ': ' made YAML read a mapping.
            report(node, what + " must be a single value, but reads as a mapping because of the ': ' in it;"
                    + " quote it, or write it in a | block");
            return null;
        }
        if (!(node instanceof ScalarNode scalar)) {
            report(node, what + " must be a single value, not " + kind(node));
            return null;
        }
        if (isNull(node)) {
            report(node, what + " needs a value");
            return null;
        }
        return scalar.getValue();
    }

    /** An entry's value as text; an empty value is reported at the key, since the value has no place of its own. */
    String text(Fields.Entry entry, String what) {
        if (isNull(entry.value()) && entry.value() instanceof ScalarNode) {
            report(entry.keyNode(), what + " needs a value");
            return null;
        }
        return text(entry.value(), what);
    }

    /** true or false, unquoted; YAML 1.1's yes/no/on/off are refused rather than guessed. */
    Boolean flag(Node node, String what) {
        return flag(node, what, "true or false");
    }

    /** {@code expected} says what else the value may be, for values that are a flag or something more. */
    Boolean flag(Node node, String what, String expected) {
        if (!plainTag(node)) {
            return null;
        }
        if (node instanceof ScalarNode scalar && scalar.isPlain()) {
            switch (scalar.getValue()) {
                case "true", "True", "TRUE" -> { return true; }
                case "false", "False", "FALSE" -> { return false; }
                default -> { }
            }
        }
        report(node, what + " must be " + expected + ", not " + describe(node));
        return null;
    }

    /** A list's items, or the node itself when the user wrote one value instead of a list of one. */
    List<Node> items(Node node, String what) {
        if (!plainTag(node)) {
            return List.of();
        }
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue();
        }
        if (node instanceof ScalarNode && !isNull(node)) {
            return List.of(node);
        }
        report(node, what + " must be a list, not " + kind(node));
        return List.of();
    }

    /** A string in the file, with its node to report at. */
    record Text(Node node, String value) {}

    /**
     * A list of strings, or one string for a list of one; items that are not strings are
     * reported and left out. None when {@code node} is null (the key is absent).
     */
    List<Text> texts(Node node, String what, String itemWhat) {
        List<Text> texts = new ArrayList<>();
        if (node != null) {
            for (Node item : items(node, what)) {
                String value = text(item, itemWhat);
                if (value != null) {
                    texts.add(new Text(item, value));
                }
            }
        }
        return texts;
    }

    /**
     * A mapping's entries.
     *
     * @param owner where to report a missing key: the key that names this mapping
     * @param where names the mapping in messages ("task 'build'")
     * @param allowed the keys the format knows, or null when the user names them (env, tasks)
     */
    Fields fields(Node node, Node owner, String where, Set<String> allowed) {
        if (!plainTag(node)) {
            return Fields.none(this, owner, where);
        }
        if (!(node instanceof MappingNode mapping)) {
            report(node, where + " must be a mapping (key: value), not " + kind(node));
            return Fields.none(this, owner, where);
        }
        return Fields.of(this, mapping, owner, where, allowed);
    }

    boolean plainTag(Node node) {
        if (PLAIN_TAGS.contains(node.getTag())) {
            return true;
        }
        String tag = node.getTag().getValue();
        // `branch: !main` and `event: !pull_request` mean a negated pattern, but YAML reads a tag.
        boolean negation = node instanceof ScalarNode && tag.startsWith("!") && !tag.startsWith("!!");
        report(node, "YAML tag '" + (tag.startsWith(Tag.PREFIX) ? "!!" + tag.substring(Tag.PREFIX.length()) : tag)
                + "' is not supported here" + (negation ? "; quote a value that starts with '!': \"" + tag
                + (((ScalarNode) node).getValue().isEmpty() ? "" : " " + ((ScalarNode) node).getValue()) + "\"" : ""));
        return false;
    }

    static String kind(Node node) {
        return switch (node) {
            case MappingNode m -> "a mapping";
            case SequenceNode s -> "a list";
            default -> isNull(node) ? "empty" : "'" + ((ScalarNode) node).getValue() + "'";
        };
    }

    private static String describe(Node node) {
        if (node instanceof ScalarNode scalar && !scalar.isPlain()) {
            return "the quoted string '" + scalar.getValue() + "'";
        }
        return kind(node);
    }
}
