package dev.slipway.ci.definition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The entries of one YAML mapping by key, in file order. Merge keys ({@code <<: *defaults}, much
 * used in Woodpecker files) are applied as YAML specifies: keys written in the mapping win over
 * merged ones, and earlier merged mappings win over later ones. Unknown keys and duplicate keys
 * are reported when the mapping is read, so every caller gets that for free.
 */
final class Fields {
    record Entry(String key, ScalarNode keyNode, Node value) {}

    private final Source source;
    private final Node owner;
    private final String where;
    private final boolean mapping;
    private final Map<String, Entry> entries;

    private Fields(Source source, Node owner, String where, boolean mapping, Map<String, Entry> entries) {
        this.source = source;
        this.owner = owner;
        this.where = where;
        this.mapping = mapping;
        this.entries = entries;
    }

    /** Stands in for a value that was not a mapping (already reported): it has no keys and reports none missing. */
    static Fields none(Source source, Node owner, String where) {
        return new Fields(source, owner, where, false, Map.of());
    }

    static Fields of(Source source, MappingNode node, Node owner, String where, Set<String> allowed) {
        Map<String, Entry> entries = read(source, node, where, Collections.newSetFromMap(new IdentityHashMap<>()));
        if (allowed != null) {
            for (Entry e : entries.values()) {
                if (!allowed.contains(e.key()) && !isExtension(e.key(), allowed)) {
                    String hint = Syntax.didYouMean(e.key(), allowed.stream().filter(k -> !k.endsWith("*")).toList());
                    source.report(e.keyNode(), "unknown key '" + e.key() + "' in " + where
                            + (hint.isEmpty() ? " (expected one of: " + String.join(", ", new TreeSet<>(allowed)) + ")" : hint));
                }
            }
        }
        return new Fields(source, owner, where, true, entries);
    }

    /** An allowed key ending in '*' admits every key with that prefix ({@code x-*}: Compose's extension fields). */
    private static boolean isExtension(String key, Set<String> allowed) {
        return allowed.stream().anyMatch(k -> k.endsWith("*") && key.startsWith(k.substring(0, k.length() - 1)));
    }

    /** {@code seen} stops a mapping that merges itself through an alias. */
    private static Map<String, Entry> read(Source source, MappingNode node, String where, Set<Node> seen) {
        seen.add(node);
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<Entry> merged = new ArrayList<>();
        for (NodeTuple tuple : node.getValue()) {
            Node key = tuple.getKeyNode();
            if (key.getTag().equals(Tag.MERGE)) {
                merge(source, tuple.getValueNode(), merged, seen);
                continue;
            }
            if (!(key instanceof ScalarNode scalar) || Source.isNull(key) || !source.plainTag(key)) {
                source.report(key, "keys in " + where + " must be plain names");
                continue;
            }
            Entry first = entries.putIfAbsent(scalar.getValue(), new Entry(scalar.getValue(), scalar, tuple.getValueNode()));
            if (first != null) {
                source.report(key, "duplicate key '" + scalar.getValue() + "' in " + where
                        + " (first at line " + (first.keyNode().getStartMark().getLine() + 1) + ")");
            }
        }
        for (Entry e : merged) {
            entries.putIfAbsent(e.key(), e);
        }
        return entries;
    }

    private static void merge(Source source, Node value, List<Entry> into, Set<Node> seen) {
        switch (value) {
            case MappingNode m -> {
                if (!seen.contains(m)) {
                    into.addAll(read(source, m, "a merged mapping", seen).values());
                }
            }
            case SequenceNode s -> s.getValue().forEach(item -> {
                if (item instanceof MappingNode) {
                    merge(source, item, into, seen);
                } else {
                    source.report(item, "'<<' merges mappings only, not " + Source.kind(item));
                }
            });
            default -> source.report(value, "'<<' merges mappings only, not " + Source.kind(value));
        }
    }

    boolean isMapping() {
        return mapping;
    }

    /** Whether the key is written, even with an empty value. */
    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value, or null when the key is absent or its value is empty ({@code key:} or {@code key: null}). */
    Node get(String key) {
        Entry e = entries.get(key);
        return e == null || Source.isNull(e.value()) ? null : e.value();
    }

    /** The value, reporting at the owning key when it is missing or empty. */
    Node require(String key) {
        Node value = get(key);
        if (value == null && mapping) {
            Entry e = entries.get(key);
            if (e == null) {
                source.report(owner, where + " needs '" + key + "'");
            } else {
                source.report(e.keyNode(), "'" + key + "' in " + where + " needs a value");
            }
        }
        return value;
    }

    /** The value's text, or null when absent or empty; {@code what} names it in messages. */
    String text(String key, String what) {
        Node value = get(key);
        return value == null ? null : source.text(value, what);
    }

    /** Where to report about the key, falling back to the mapping's owner when it is absent. */
    Node keyNode(String key) {
        Entry e = entries.get(key);
        return e == null ? owner : e.keyNode();
    }

    Collection<Entry> entries() {
        return entries.values();
    }
}
