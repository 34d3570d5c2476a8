package dev.slipway.woodpecker;

import dev.slipway.ci.definition.Problem;
import dev.slipway.ci.definition.YamlText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One Woodpecker file being read: SnakeYAML's node tree (every node keeps its line and column),
 * the problems and warnings found so far, and typed reads that report what they cannot accept.
 * Anchors, aliases and merge keys ({@code <<: *defaults}) work as Woodpecker's YAML reader has them.
 */
final class YamlFile {
    final String file;
    private final String text;
    private final List<Problem> problems = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();

    YamlFile(String file, String text) {
        this.file = file;
        this.text = text;
    }

    /** The root node; null when the file is empty or not YAML (reported). */
    Node compose() {
        return YamlText.compose(file, text, problems::add);
    }

    List<Problem> problems() {
        return problems.stream().distinct().toList();
    }

    List<Problem> warnings() {
        return warnings.stream().distinct().toList();
    }

    void report(Node at, String message) {
        report(at == null ? null : at.getStartMark(), message);
    }

    void warn(Node at, String message) {
        Mark m = at == null ? null : at.getStartMark();
        warnings.add(m == null ? new Problem(file, 0, 0, message) : new Problem(file, m.getLine() + 1, m.getColumn() + 1, message));
    }

    /**
     * Reports at {@code offset} characters into a scalar's value: its own line and column when the
     * value is on one line as written (plain or quoted), else at the scalar's start.
     */
    void reportAt(Node at, int offset, String message) {
        int[] p = position(at, offset);
        problems.add(new Problem(file, p[0], p[1], message));
    }

    /** {@code file:line:column} of the character {@code offset} into a scalar's value (see {@link #reportAt}). */
    String at(Node at, int offset) {
        int[] p = position(at, offset);
        return file + ":" + p[0] + ":" + p[1];
    }

    private static int[] position(Node at, int offset) {
        Mark start = at.getStartMark();
        Mark end = at.getEndMark();
        int line = start.getLine() + 1;
        int column = start.getColumn() + 1;
        if (at instanceof ScalarNode s && end != null && end.getLine() == start.getLine()) {
            boolean quoted = s.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.SINGLE_QUOTED
                    || s.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.DOUBLE_QUOTED;
            column += (quoted ? 1 : 0) + offset;
        }
        return new int[] {line, column};
    }

    private void report(Mark mark, String message) {
        problems.add(mark == null ? new Problem(file, 0, 0, message) : new Problem(file, mark.getLine() + 1, mark.getColumn() + 1, message));
    }

    static boolean isNull(Node node) {
        return node == null || node.getTag().equals(Tag.NULL);
    }

    /**
     * A mapping's entries by key, merge keys applied (explicit keys win over merged ones); keys
     * Woodpecker ignores ({@code x-...} extensions) left out. Null, reported, when it is not a mapping.
     */
    Map<String, Node> mapping(Node node, String what) {
        if (!(node instanceof MappingNode m)) {
            report(node, what + " must be a mapping, not " + kind(node));
            return null;
        }
        Map<String, Node> out = new LinkedHashMap<>();
        Map<String, Node> merged = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            Node k = t.getKeyNode();
            if (k.getTag().equals(Tag.MERGE) || (k instanceof ScalarNode s && s.getValue().equals("<<"))) {
                List<Node> sources = t.getValueNode() instanceof SequenceNode seq ? seq.getValue() : List.of(t.getValueNode());
                for (Node src : sources) {
                    Map<String, Node> inner = mapping(src, "a merge key's value");
                    if (inner != null) {
                        inner.forEach(merged::putIfAbsent);
                    }
                }
                continue;
            }
            if (!(k instanceof ScalarNode s)) {
                report(k, what + ": keys must be plain text");
                continue;
            }
            if (out.containsKey(s.getValue())) {
                report(k, what + ": '" + s.getValue() + "' is given twice");
            }
            out.put(s.getValue(), t.getValueNode());
        }
        merged.forEach(out::putIfAbsent);
        out.keySet().removeIf(key -> key.startsWith("x-") || key.startsWith("."));
        return out;
    }

    /** A mapping's entries in file order with their key nodes (for a map of steps). */
    List<Map.Entry<ScalarNode, Node>> entries(MappingNode m) {
        List<Map.Entry<ScalarNode, Node>> out = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode s && !s.getValue().equals("<<")) {
                out.add(Map.entry(s, t.getValueNode()));
            }
        }
        return out;
    }

    /** A scalar's text; null (reported) for anything else. */
    String scalar(Node node, String what) {
        if (node instanceof ScalarNode s && !isNull(node)) {
            return s.getValue();
        }
        report(node, what + " must be a string, not " + kind(node));
        return null;
    }

    /** A string or a list of strings, as Woodpecker's "string or slice" fields are. */
    List<String> strings(Node node, String what) {
        if (isNull(node)) {
            return List.of();
        }
        if (node instanceof ScalarNode s) {
            return List.of(s.getValue());
        }
        if (node instanceof SequenceNode seq) {
            List<String> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                String v = scalar(item, what + " items");
                if (v != null) {
                    out.add(v);
                }
            }
            return out;
        }
        report(node, what + " must be a string or a list of strings, not " + kind(node));
        return List.of();
    }

    Boolean bool(Node node, String what) {
        if (node instanceof ScalarNode s) {
            switch (s.getValue()) {
                case "true", "True", "TRUE" -> {
                    return true;
                }
                case "false", "False", "FALSE" -> {
                    return false;
                }
                default -> { }
            }
        }
        report(node, what + " must be true or false");
        return null;
    }

    /** Reports every key of {@code map} that is not in {@code known}, as Woodpecker's linter does. */
    void unknownKeys(Map<String, Node> map, MappingNode at, List<String> known, String what) {
        for (NodeTuple t : at.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode s && map.containsKey(s.getValue()) && !known.contains(s.getValue())) {
                report(s, what + ": unknown key '" + s.getValue() + "' (known: " + String.join(", ", known) + ")");
            }
        }
    }

    static String kind(Node node) {
        if (isNull(node)) {
            return "empty";
        }
        return switch (node) {
            case MappingNode m -> "a mapping";
            case SequenceNode s -> "a list";
            default -> "'" + ((ScalarNode) node).getValue() + "'";
        };
    }
}
