package dev.slipway.actions.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.definition.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One workflow file being read: its YAML node tree, the errors and warnings found so far, and
 * typed reads of nodes that report what they cannot accept. The same approach as the native
 * pipeline parser's {@code Source}: SnakeYAML's node tree keeps the start of every node (problems
 * point at it) and a scalar's text exactly as written ({@code on:} and {@code yes} stay strings);
 * anchors and aliases are resolved by SnakeYAML, so an alias reads as the anchored node, at the
 * anchor's position.
 *
 * <p>Unlike the native format, a workflow has warnings: GitHub syntax that Slipway reads but does
 * not act on is said, with its position, instead of being dropped silently.
 */
final class Doc {
    /** Workflow files are small; this bounds what one push can make the server parse. */
    static final int MAX_CODE_POINTS = dev.slipway.ci.definition.YamlText.MAX_CODE_POINTS;

    static final Comparator<Problem> ORDER = Comparator.comparing(Problem::file)
            .thenComparingInt(Problem::line).thenComparingInt(Problem::column);

    /** Tags that plain YAML gives implicitly; others ({@code !!binary}, {@code !custom}) mean something we would ignore. */
    private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL,
            Tag.TIMESTAMP, Tag.MAP, Tag.SEQ);

    // YAML 1.2's core schema, which GitHub's reader follows: yes, on and 010 are strings, not YAML 1.1's boolean and octal.
    private static final Pattern NULL = Pattern.compile("null|Null|NULL|~|");
    private static final Pattern BOOLEAN = Pattern.compile("true|True|TRUE|false|False|FALSE");
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern OCTAL = Pattern.compile("0o[0-7]+");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Pattern INFINITY = Pattern.compile("[-+]?\\.(inf|Inf|INF)");
    private static final Pattern NAN = Pattern.compile("\\.(nan|NaN|NAN)");

    final String file;
    private final String text;
    private List<String> lines;
    private final List<Problem> errors = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();

    Doc(String file, String text) {
        this.file = file;
        this.text = text;
    }

    /**
     * Reads a file with {@code reader}, which reports to the doc and returns null on errors.
     *
     * @throws WorkflowException with every problem (and the warnings found with them)
     */
    static <T> T read(String file, String text, java.util.function.Function<Doc, T> reader) {
        Doc doc = new Doc(file, text);
        T read;
        try {
            read = reader.apply(doc);
        } catch (RuntimeException e) { // anything the YAML library throws for odd input is the file's problem
            doc.error(Position.file(file), "cannot be read: " + e.getMessage());
            read = null;
        }
        if (read == null) {
            throw new WorkflowException(doc.errors(), doc.warnings());
        }
        return read;
    }

    /** The document's root node, or null when it is empty or not valid YAML (reported). */
    Node compose() {
        return dev.slipway.ci.definition.YamlText.compose(file, text, errors::add);
    }

    // ---- problems

    void error(Node at, String message) {
        errors.add(at(at).problem(message));
    }

    void error(Position at, String message) {
        errors.add(at.problem(message));
    }

    void warn(Node at, String message) {
        warnings.add(at(at).problem(message));
    }

    void warn(Position at, String message) {
        warnings.add(at.problem(message));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    int errorCount() {
        return errors.size();
    }

    /**
     * Sorted and distinct: an aliased node is read, and reported, once for every place it is
     * used, always at the anchor.
     */
    List<Problem> errors() {
        return errors.stream().distinct().sorted(ORDER).toList();
    }

    List<Problem> warnings() {
        return warnings.stream().distinct().sorted(ORDER).toList();
    }

    // ---- positions

    Position at(Node node) {
        return node == null ? Position.file(file) : position(node.getStartMark());
    }

    private Position position(Mark mark) {
        return mark == null ? Position.file(file) : new Position(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    private Problem problem(Mark mark, String message) {
        return position(mark).problem(message);
    }

    /**
     * The position of the character at {@code offset} of a scalar's value: an expression's error
     * points into the line of the file, even in a {@code run: |} block. Each line of the value is
     * looked for in the file's lines from the node on (a block scalar's line is the file's line
     * without its indentation); when a folded scalar makes that fail, the text at the offset is
     * looked for instead, and the node's own start is the last resort.
     */
    Position at(Node node, int offset) {
        if (!(node instanceof ScalarNode scalar) || offset < 0 || offset > scalar.getValue().length()) {
            return at(node);
        }
        String value = scalar.getValue();
        int lineStart = value.lastIndexOf('\n', offset - 1) + 1;
        int lineEnd = value.indexOf('\n', offset);
        String[] valueLines = value.substring(0, lineEnd < 0 ? value.length() : lineEnd).split("\n", -1);
        int target = valueLines.length - 1;
        int first = scalar.getStartMark().getLine();
        int last = Math.min(scalar.getEndMark().getLine(), lines().size() - 1);
        int column = charIndex(lines().get(first), scalar.getStartMark().getColumn());
        int line = first;
        for (int k = 0; k <= target; k++) {
            int found = -1;
            while (line <= last) {
                found = lines().get(line).indexOf(valueLines[k], column);
                if (found >= 0) {
                    break;
                }
                line++;
                column = 0;
            }
            if (found < 0) {
                return search(scalar, value.substring(offset, lineEnd < 0 ? value.length() : lineEnd), first, last);
            }
            if (k == target) {
                String sourceLine = lines().get(line);
                int index = found + offset - lineStart;
                return new Position(file, line + 1, sourceLine.codePointCount(0, Math.min(index, sourceLine.length())) + 1);
            }
            line++;
            column = 0;
        }
        return at(node);
    }

    private Position search(ScalarNode node, String needle, int first, int last) {
        if (!needle.isBlank()) {
            for (int line = first; line <= last; line++) {
                int found = lines().get(line).indexOf(needle);
                if (found >= 0) {
                    return new Position(file, line + 1, lines().get(line).codePointCount(0, found) + 1);
                }
            }
        }
        return at(node);
    }

    private static int charIndex(String line, int codePoints) {
        try {
            return line.offsetByCodePoints(0, codePoints);
        } catch (IndexOutOfBoundsException e) {
            return line.length();
        }
    }

    private List<String> lines() {
        if (lines == null) {
            lines = List.of(text.split("\r\n|\r|\n", -1));
        }
        return lines;
    }

    // ---- typed reads: each reports at the node and returns null (or nothing) when the node is not what is asked for

    static boolean isNull(Node node) {
        return node == null || node.getTag().equals(Tag.NULL);
    }

    boolean plainTag(Node node) {
        if (PLAIN_TAGS.contains(node.getTag())) {
            return true;
        }
        String tag = node.getTag().getValue();
        error(node, "YAML tag '" + (tag.startsWith(Tag.PREFIX) ? "!!" + tag.substring(Tag.PREFIX.length()) : tag)
                + "' is not supported here");
        return false;
    }

    /** A scalar's text exactly as written; {@code what} names the value in messages ("jobs.build.runs-on"). */
    String text(Node node, String what) {
        if (!plainTag(node)) {
            return null;
        }
        if (node instanceof MappingNode m && m.getFlowStyle() == DumperOptions.FlowStyle.BLOCK && m.getValue().size() == 1) {
            // Almost always `run: echo a: b`, where an unquoted ': ' made YAML read a mapping.
            error(node, what + " must be a single value, but reads as a mapping because of the ': ' in it;"
                    + " quote it, or write it in a | block");
            return null;
        }
        if (!(node instanceof ScalarNode scalar)) {
            error(node, what + " must be a single value, not " + kind(node));
            return null;
        }
        if (isNull(node)) {
            error(node, what + " needs a value");
            return null;
        }
        return scalar.getValue();
    }

    /** An entry's value as text; an empty value is reported at the key, since the value has no place of its own. */
    String text(Mapping.Entry entry, String what) {
        if (isNull(entry.value()) && entry.value() instanceof ScalarNode) {
            error(entry.keyNode(), what + " needs a value");
            return null;
        }
        return text(entry.value(), what);
    }

    /** true or false, unquoted, as GitHub's YAML reader takes them; YAML 1.1's yes/no/on/off are refused rather than guessed. */
    Boolean flag(Node node, String what) {
        if (!plainTag(node)) {
            return null;
        }
        if (node instanceof ScalarNode scalar && scalar.isPlain() && BOOLEAN.matcher(scalar.getValue()).matches()) {
            return scalar.getValue().equalsIgnoreCase("true");
        }
        error(node, what + " must be true or false, not " + describe(node));
        return null;
    }

    /** A list's items, or the node itself when the user wrote one value instead of a list of one. */
    List<Node> items(Node node, String what) {
        if (node == null || !plainTag(node)) {
            return List.of();
        }
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue();
        }
        if (node instanceof ScalarNode && !isNull(node)) {
            return List.of(node);
        }
        error(node, what + " must be a list, not " + kind(node));
        return List.of();
    }

    /** A string in the file with its node. */
    record Text(Node node, String value) {}

    /** The non-empty strings of a list (or of one string); others are reported and left out. */
    List<Text> texts(Node node, String what) {
        List<Text> texts = new ArrayList<>();
        for (Node item : items(node, what)) {
            String value = text(item, "an item of " + what);
            if (value != null && value.isEmpty()) {
                error(item, "an item of " + what + " is empty");
            } else if (value != null) {
                texts.add(new Text(item, value));
            }
        }
        return texts;
    }

    /**
     * A mapping's entries.
     *
     * @param owner where to report a missing key: the key that names this mapping
     * @param where names the mapping in messages ({@code jobs.build})
     * @param keys the keys GitHub knows there, or null where the user names them (env, jobs)
     */
    Mapping mapping(Node node, Node owner, String where, Keys keys) {
        if (node == null || !plainTag(node)) {
            return Mapping.none(this, owner, where);
        }
        if (!(node instanceof MappingNode mapping)) {
            error(node, where + " must be a mapping (key: value), not " + kind(node));
            return Mapping.none(this, owner, where);
        }
        return Mapping.of(this, mapping, owner, where, keys);
    }

    /**
     * The node as a JSON value, typed as GitHub types YAML: plain {@code true}, {@code 10},
     * {@code 1.5}, {@code null} and {@code ~} are a boolean, numbers (doubles, as expressions
     * see them) and null; quoted scalars and everything else are strings as written. Used where
     * a value keeps its type: matrix values, inputs of reusable workflows, input defaults.
     */
    JsonNode json(Node node, String where) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node == null) {
            return f.nullNode();
        }
        if (!plainTag(node)) {
            return f.nullNode();
        }
        return switch (node) {
            case ScalarNode scalar -> scalar(scalar);
            case SequenceNode sequence -> {
                ArrayNode array = f.arrayNode();
                sequence.getValue().forEach(item -> array.add(json(item, where)));
                yield array;
            }
            case MappingNode mapping -> {
                ObjectNode object = f.objectNode();
                for (Mapping.Entry e : Mapping.of(this, mapping, mapping, where, null).entries()) {
                    object.set(e.key(), json(e.value(), where + "." + e.key()));
                }
                yield object;
            }
            default -> f.nullNode();
        };
    }

    static JsonNode scalar(ScalarNode scalar) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        String text = scalar.getValue();
        if (!scalar.isPlain()) {
            return f.textNode(text);
        }
        if (NULL.matcher(text).matches()) {
            return f.nullNode();
        }
        if (BOOLEAN.matcher(text).matches()) {
            return f.booleanNode(text.equalsIgnoreCase("true"));
        }
        if (INTEGER.matcher(text).matches() || FLOAT.matcher(text).matches()) {
            return f.numberNode(Double.parseDouble(text));
        }
        if (HEX.matcher(text).matches()) {
            return f.numberNode((double) Long.parseUnsignedLong(text.substring(2), 16));
        }
        if (OCTAL.matcher(text).matches()) {
            return f.numberNode((double) Long.parseUnsignedLong(text.substring(2), 8));
        }
        if (INFINITY.matcher(text).matches()) {
            return f.numberNode(text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (NAN.matcher(text).matches()) {
            return f.numberNode(Double.NaN);
        }
        return f.textNode(text);
    }

    static String kind(Node node) {
        return switch (node) {
            case MappingNode m -> "a mapping";
            case SequenceNode s -> "a list";
            default -> isNull(node) ? "empty" : "'" + ((ScalarNode) node).getValue() + "'";
        };
    }

    static String describe(Node node) {
        if (node instanceof ScalarNode scalar && !scalar.isPlain()) {
            return "the quoted string '" + scalar.getValue() + "'";
        }
        return kind(node);
    }
}
