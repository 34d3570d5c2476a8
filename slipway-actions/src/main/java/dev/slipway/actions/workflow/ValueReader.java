package dev.slipway.actions.workflow;

import dev.slipway.actions.expr.Condition;
import dev.slipway.actions.expr.ExpressionException;
import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Template;
import dev.slipway.actions.expr.Usage;
import dev.slipway.core.Suggestions;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.SequencedMap;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads scalars that may hold {@code ${{ }}}: parses them with the expression engine and checks
 * each context and function against the {@link Place}, every problem at its own line and column.
 */
final class ValueReader {
    private static final Set<String> KNOWN_CONTEXTS;

    static {
        Set<String> known = new LinkedHashSet<>(Expressions.CONTEXTS);
        known.add("gitea");
        known.add("forgejo");
        KNOWN_CONTEXTS = Set.copyOf(known);
    }

    private static final Set<String> STATUS_FUNCTIONS = Set.of("success", "failure", "cancelled", "always");

    private final Doc doc;

    ValueReader(Doc doc) {
        this.doc = doc;
    }

    /** A value at {@code place}, or null when it is not a single value or its expressions have problems (reported). */
    Value value(Node node, Place place, String what) {
        String text = doc.text(node, what);
        return text == null ? null : value(node, text, place, what);
    }

    Value value(Mapping.Entry entry, Place place, String what) {
        String text = doc.text(entry, what);
        return text == null ? null : value(entry.value(), text, place, what);
    }

    /** A value where an empty one means '' ({@code FOO:} in env). */
    Value valueOrEmpty(Node node, Place place, String what) {
        if (Doc.isNull(node) && node instanceof ScalarNode) {
            return value(node, "", place, what);
        }
        return value(node, place, what);
    }

    private Value value(Node node, String text, Place place, String what) {
        int before = doc.errorCount();
        Template template;
        try {
            template = Expressions.template(text);
        } catch (ExpressionException e) {
            doc.error(doc.at(node, Math.max(e.offset(), 0)), what + ": " + e.reason());
            return null;
        }
        if (!template.isLiteral()) {
            if (!place.allowsExpressions()) {
                doc.error(doc.at(node, text.indexOf("${{")), what + " cannot hold an expression: GitHub reads it as written, before"
                        + " any context exists; write a plain value");
                return null;
            }
            check(node, template.usage(), place, what, false);
        }
        return doc.errorCount() == before ? new Value(template, doc.at(node)) : null;
    }

    /** A text without expressions (step ids, uses, shells): '${{' is an error, since GitHub would not evaluate it. */
    String literal(Node node, String what) {
        Value value = value(node, Place.LITERAL, what);
        return value == null ? null : value.source();
    }

    /**
     * An {@code if:}; with or without {@code ${{ }}}. Text around a {@code ${{ }}} makes the
     * condition a string that is true whenever it is not empty; GitHub runs it that way, so
     * Slipway does too, and warns.
     */
    Conditional condition(Node node, Place place, String what) {
        String text = doc.text(node, what);
        if (text == null) {
            return null;
        }
        int before = doc.errorCount();
        Condition condition;
        try {
            condition = Expressions.condition(text);
        } catch (ExpressionException e) {
            doc.error(doc.at(node, Math.max(e.offset(), 0)), what + ": " + e.reason());
            return null;
        }
        check(node, condition.usage(), place, what, true);
        if (condition.isInterpolated()) {
            doc.warn(node, what + " has text around '${{ }}', so it is a string, and true whenever it is not empty"
                    + " (as in GitHub); write the whole condition inside one '${{ }}', or without it");
        }
        return doc.errorCount() == before ? new Conditional(condition, doc.at(node)) : null;
    }

    /** A mapping of names to values: env, with, outputs. Keys are any non-empty names, in file order. */
    SequencedMap<String, Value> values(Node node, Node owner, Place place, String where) {
        SequencedMap<String, Value> values = new LinkedHashMap<>();
        if (node == null) {
            return values;
        }
        for (Mapping.Entry e : doc.mapping(node, owner, where, null).entries()) {
            if (e.key().isEmpty()) {
                doc.error(e.keyNode(), "a name in " + where + " is empty");
                continue;
            }
            Value value = valueOrEmpty(e.value(), place, where + "." + e.key());
            if (value != null) {
                values.put(e.key(), value);
            }
        }
        return values;
    }

    private void check(Node node, Usage usage, Place place, String what, boolean inIf) {
        for (Usage.Reference ref : usage.contexts()) {
            String name = ref.name().toLowerCase(Locale.ROOT);
            if (place.contexts.contains(name)) {
                continue;
            }
            String available = "; available here: " + String.join(", ", place.contexts);
            if (!KNOWN_CONTEXTS.contains(name)) {
                String hint = Suggestions.didYouMean(ref.name(), place.contexts);
                doc.error(doc.at(node, ref.offset()), what + ": unknown context '" + ref.name() + "'" + hint + available);
            } else if (inIf && name.equals("secrets")) {
                doc.error(doc.at(node, ref.offset()), what + ": 'secrets' cannot be used in 'if:', as in GitHub; put the secret"
                        + " in the env of the job and test env.NAME in a step's 'if:'");
            } else {
                doc.error(doc.at(node, ref.offset()), what + ": the '" + ref.name() + "' context is not available here" + available);
            }
        }
        for (Usage.Reference ref : usage.functions()) {
            String name = ref.name().toLowerCase(Locale.ROOT);
            if (STATUS_FUNCTIONS.contains(name) && !place.statusFunctions) {
                doc.error(doc.at(node, ref.offset()), what + ": " + ref.name() + "() is only available in 'if:' of a job or a step");
            } else if (name.equals("hashfiles") && !place.hashFiles) {
                doc.error(doc.at(node, ref.offset()), what + ": hashFiles() is only available in steps, where the workspace is");
            }
        }
    }
}
