package dev.slipway.actions.workflow;

import dev.slipway.core.Suggestions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The entries of one YAML mapping by key, in file order. Duplicate keys are errors (GitHub
 * refuses them too), unknown keys are errors with a did-you-mean hint, and keys GitHub knows but
 * Slipway does not act on are warnings, all reported when the mapping is read. Merge keys
 * ({@code <<: *defaults}) are applied as YAML specifies, as Gitea's and Forgejo's runners do;
 * GitHub itself supports anchors and aliases but not merge keys.
 */
final class Mapping {
    record Entry(String key, ScalarNode keyNode, Node value) {}

    private final Doc doc;
    private final Node owner;
    private final String where;
    private final boolean mapping;
    private final Map<String, Entry> entries;

    private Mapping(Doc doc, Node owner, String where, boolean mapping, Map<String, Entry> entries) {
        this.doc = doc;
        this.owner = owner;
        this.where = where;
        this.mapping = mapping;
        this.entries = entries;
    }

    /** Stands in for a value that was not a mapping (already reported): it has no keys and reports none missing. */
    static Mapping none(Doc doc, Node owner, String where) {
        return new Mapping(doc, owner, where, false, Map.of());
    }

    static Mapping of(Doc doc, MappingNode node, Node owner, String where, Keys keys) {
        Map<String, Entry> entries = read(doc, node, where, Collections.newSetFromMap(new IdentityHashMap<>()));
        if (keys != null) {
            List<Entry> unknown = new ArrayList<>();
            for (Entry e : entries.values()) {
                String why = keys.unsupported().get(e.key());
                String misplaced = keys.misplaced().get(e.key());
                if (why != null) {
                    doc.warn(e.keyNode(), "'" + e.key() + "' in " + where + " is not supported by Slipway: " + why);
                } else if (misplaced != null) {
                    doc.error(e.keyNode(), "'" + e.key() + "' in " + where + ": " + misplaced);
                    unknown.add(e);
                } else if (!keys.isKnown(e.key())) {
                    doc.error(e.keyNode(), "unknown key '" + e.key() + "' in " + where + hint(e.key(), keys.all()));
                    unknown.add(e);
                }
            }
            unknown.forEach(e -> entries.remove(e.key()));
        }
        return new Mapping(doc, owner, where, true, entries);
    }

    private static String hint(String key, List<String> candidates) {
        String hint = Suggestions.didYouMean(key, candidates);
        return hint.isEmpty() ? " (expected one of: " + String.join(", ", candidates) + ")" : hint;
    }

    /** {@code seen} stops a mapping that merges itself through an alias. */
    private static Map<String, Entry> read(Doc doc, MappingNode node, String where, Set<Node> seen) {
        seen.add(node);
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<Entry> merged = new ArrayList<>();
        for (NodeTuple tuple : node.getValue()) {
            Node key = tuple.getKeyNode();
            if (key.getTag().equals(Tag.MERGE)) {
                merge(doc, tuple.getValueNode(), merged, seen);
                continue;
            }
            if (!(key instanceof ScalarNode scalar) || Doc.isNull(key) || !doc.plainTag(key)) {
                doc.error(key, "keys in " + where + " must be plain names");
                continue;
            }
            if (scalar.getValue().contains("${{")) {
                // GitHub's ${{ insert }} directive would merge a mapping here; Slipway does not, and says so.
                doc.error(key, "'" + scalar.getValue() + "' in " + where + ": a key cannot be an expression"
                        + " (GitHub's '${{ insert }}' is not supported); write the keys out");
                continue;
            }
            Entry first = entries.putIfAbsent(scalar.getValue(), new Entry(scalar.getValue(), scalar, tuple.getValueNode()));
            if (first != null) {
                doc.error(key, "duplicate key '" + scalar.getValue() + "' in " + where
                        + " (first at line " + (first.keyNode().getStartMark().getLine() + 1) + ")");
            }
        }
        for (Entry e : merged) {
            entries.putIfAbsent(e.key(), e);
        }
        return entries;
    }

    private static void merge(Doc doc, Node value, List<Entry> into, Set<Node> seen) {
        switch (value) {
            case MappingNode m -> {
                if (!seen.contains(m)) {
                    into.addAll(read(doc, m, "a merged mapping", seen).values());
                }
            }
            case SequenceNode s -> s.getValue().forEach(item -> {
                if (item instanceof MappingNode) {
                    merge(doc, item, into, seen);
                } else {
                    doc.error(item, "'<<' merges mappings only, not " + Doc.kind(item));
                }
            });
            default -> doc.error(value, "'<<' merges mappings only, not " + Doc.kind(value));
        }
    }

    boolean isMapping() {
        return mapping;
    }

    String where() {
        return where;
    }

    /** Whether the key is written, even with an empty value ({@code workflow_dispatch:}). */
    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value, or null when the key is absent or its value is empty ({@code key:} or {@code key: null}). */
    Node get(String key) {
        Entry e = entries.get(key);
        return e == null || Doc.isNull(e.value()) ? null : e.value();
    }

    Entry entry(String key) {
        return entries.get(key);
    }

    /** The value, reporting at the owning key when it is missing or empty. */
    Node require(String key) {
        Node value = get(key);
        if (value == null && mapping) {
            Entry e = entries.get(key);
            if (e == null) {
                doc.error(owner, where + " needs '" + key + "'");
            } else {
                doc.error(e.keyNode(), "'" + key + "' in " + where + " needs a value");
            }
        }
        return value;
    }

    /** Where to report about the key, falling back to the mapping's owner when it is absent. */
    Node keyNode(String key) {
        Entry e = entries.get(key);
        return e == null ? owner : e.keyNode();
    }

    Node owner() {
        return owner;
    }

    Collection<Entry> entries() {
        return entries.values();
    }
}
