package dev.slipway.ci.definition;

import dev.slipway.ci.model.Condition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** Reads a task's {@code when:}: its status, event, branch, tag and variables conditions. */
final class ConditionReader {
    private static final Set<String> KEYS = Set.of("status", "event", "branch", "tag", "variables");
    private static final List<String> STATUSES = List.of("success", "failure");

    private final Source source;
    private final Set<String> variables;

    /** @param variables the pipeline's declared variables: the only ones a condition can name */
    ConditionReader(Source source, Set<String> variables) {
        this.source = source;
        this.variables = variables;
    }

    /** The condition, {@link Condition#DEFAULT} without {@code when:}, or null when it has problems (reported). */
    Condition read(Fields task, String taskName) {
        Node node = task.get("when");
        if (node == null) {
            return Condition.DEFAULT;
        }
        String where = "tasks." + taskName + ".when";
        Fields f = source.fields(node, task.keyNode("when"), "'" + where + "'", KEYS);
        if (!f.isMapping()) {
            return null;
        }
        int before = source.problemCount();
        Set<Condition.Status> status = status(f, where);
        List<String> events = events(f, where);
        List<String> branches = TriggerReader.patterns(source, f, where, "branch");
        List<String> tags = TriggerReader.patterns(source, f, where, "tag");
        Map<String, List<String>> values = variables(f, where);
        return source.problemCount() > before ? null : new Condition(status, events, branches, tags, values);
    }

    /** {@code success} (the default), {@code failure}, or both; one or a list. */
    private Set<Condition.Status> status(Fields f, String where) {
        Node node = f.get("status");
        if (node == null) {
            return Condition.DEFAULT.status();
        }
        Set<Condition.Status> status = EnumSet.noneOf(Condition.Status.class);
        int before = source.problemCount();
        for (Source.Text s : source.texts(node, "'" + where + ".status'", "a status in '" + where + ".status'")) {
            if (STATUSES.contains(s.value())) {
                status.add(Condition.Status.valueOf(s.value().toUpperCase(Locale.ROOT)));
            } else {
                source.report(s.node(), "status '" + s.value() + "' in '" + where + ".status' must be success or failure"
                        + " (both: whatever happened before)" + Syntax.didYouMean(s.value(), STATUSES));
            }
        }
        if (status.isEmpty() && source.problemCount() == before) {
            source.report(node, "'" + where + ".status' needs success, failure or both");
        }
        return status;
    }

    /** Event names, each possibly negated ({@code "!pull_request"}: every event but that one). */
    private List<String> events(Fields f, String where) {
        List<String> events = new ArrayList<>();
        for (Source.Text e : source.texts(f.get("event"), "'" + where + ".event'", "an event in '" + where + ".event'")) {
            String name = e.value().startsWith("!") ? e.value().substring(1) : e.value();
            if (!Condition.EVENTS.contains(name)) {
                source.report(e.node(), "event '" + e.value() + "' in '" + where + ".event' is not one of "
                        + String.join(", ", Condition.EVENTS) + " (a leading '!' excludes one)" + Syntax.didYouMean(name, Condition.EVENTS));
            }
            events.add(e.value());
        }
        return events;
    }

    /** {@code { DEPLOY: "true" }}: each a declared variable and the value (or one of the values) it must have. */
    private Map<String, List<String>> variables(Fields f, String where) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        Node node = f.get("variables");
        if (node == null) {
            return values;
        }
        String what = "'" + where + ".variables'";
        for (Fields.Entry e : source.fields(node, f.keyNode("variables"), what, null).entries()) {
            if (!variables.contains(e.key())) {
                source.report(e.keyNode(), what + " names undeclared variable '" + e.key() + "'" + (variables.isEmpty()
                        ? "; declare it under 'variables' with its default value" : Syntax.didYouMean(e.key(), variables)));
            }
            List<String> accepted = new ArrayList<>();
            if (Source.isNull(e.value())) {
                source.report(e.keyNode(), "variable '" + e.key() + "' in " + what + " needs the value (or a list of values) it must have");
            } else {
                source.texts(e.value(), what, "a value of '" + e.key() + "' in " + what).forEach(t -> accepted.add(t.value()));
            }
            values.put(e.key(), accepted);
        }
        return values;
    }
}
