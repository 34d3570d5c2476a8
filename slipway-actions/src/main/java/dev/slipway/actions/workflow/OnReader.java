package dev.slipway.actions.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.slipway.actions.workflow.On.InputType;
import dev.slipway.ci.definition.CronSyntax;
import dev.slipway.core.Suggestions;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code on:}: an event name, a list of them, or a mapping of events to their filters.
 * Events GitHub has and Slipway never receives are warnings; unknown ones are errors.
 */
final class OnReader {
    static final List<String> SUPPORTED = List.of("push", "pull_request", "pull_request_target", "workflow_dispatch", "schedule",
            "workflow_call");
    /** GitHub's other events, which no forge webhook brings to Slipway. */
    private static final List<String> OTHER = List.of("branch_protection_rule", "check_run", "check_suite", "create", "delete",
            "deployment", "deployment_status", "discussion", "discussion_comment", "fork", "gollum", "image_version", "issue_comment",
            "issues", "label", "merge_group", "milestone", "page_build", "project", "project_card", "project_column", "public",
            "pull_request_comment", "pull_request_review", "pull_request_review_comment", "registry_package", "release",
            "repository_dispatch", "status", "watch", "workflow_run");
    /** GitHub's pull request activity types. */
    static final List<String> PULL_REQUEST_TYPES = List.of("assigned", "unassigned", "labeled", "unlabeled", "opened", "edited",
            "closed", "reopened", "synchronize", "converted_to_draft", "ready_for_review", "locked", "unlocked", "review_requested",
            "review_request_removed", "auto_merge_enabled", "auto_merge_disabled", "milestoned", "demilestoned", "enqueued", "dequeued");
    /** The pull request actions forges deliver to Slipway. */
    static final Set<String> DELIVERED_TYPES = Set.of("opened", "synchronize", "reopened", "closed");

    private static final Keys PUSH_KEYS = Keys.of("branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore");
    private static final Keys PULL_REQUEST_KEYS = Keys.of("types", "branches", "branches-ignore", "paths", "paths-ignore");
    private static final Keys DISPATCH_KEYS = Keys.of("inputs");
    private static final Keys INPUT_KEYS = Keys.of("description", "type", "required", "default", "options");
    private static final Keys SCHEDULE_KEYS = Keys.of("cron", "timezone");
    private static final Keys CALL_KEYS = Keys.of("inputs", "secrets", "outputs");
    private static final Keys CALL_INPUT_KEYS = Keys.of("description", "type", "required", "default");
    private static final Keys CALL_SECRET_KEYS = Keys.of("description", "required");
    private static final Keys CALL_OUTPUT_KEYS = Keys.of("description", "value");

    private final Doc doc;
    private final ValueReader values;
    private final CommonReader common;

    private On.Push push;
    private On.PullRequest pullRequest;
    private On.PullRequest pullRequestTarget;
    private On.Dispatch dispatch;
    private final List<On.Schedule> schedules = new ArrayList<>();
    private On.Call call;

    OnReader(Doc doc, ValueReader values, CommonReader common) {
        this.doc = doc;
        this.values = values;
        this.common = common;
    }

    On read(Mapping.Entry on) {
        Node node = on.value();
        Position at = doc.at(on.keyNode());
        switch (node) {
            case ScalarNode s when Doc.isNull(s) -> doc.error(on.keyNode(), "'on' needs an event, such as 'on: push'");
            case ScalarNode s -> {
                String name = values.literal(s, "on");
                if (name != null) {
                    event(name, null, s);
                }
            }
            case SequenceNode list -> {
                for (Node item : list.getValue()) {
                    String name = values.literal(item, "an event in 'on'");
                    if (name != null) {
                        event(name, null, item);
                    }
                }
                if (list.getValue().isEmpty()) {
                    doc.error(node, "'on' lists no event");
                }
            }
            default -> {
                Mapping events = doc.mapping(node, on.keyNode(), "on", null);
                for (Mapping.Entry e : events.entries()) {
                    event(e.key(), e.value(), e.keyNode());
                }
                if (events.isMapping() && events.entries().isEmpty()) {
                    doc.error(node, "'on' lists no event");
                }
            }
        }
        if (push == null && pullRequest == null && pullRequestTarget == null && dispatch == null && schedules.isEmpty() && call == null
                && !doc.hasErrors()) {
            doc.warn(on.keyNode(), "none of the events in 'on' start runs in Slipway, so this workflow never runs; Slipway runs"
                    + " workflows for " + CommonReader.words(SUPPORTED));
        }
        return new On(push, pullRequest, pullRequestTarget, dispatch, schedules, call, at);
    }

    private void event(String name, Node config, Node at) {
        String where = "on." + name;
        Node value = Doc.isNull(config) ? null : config;
        switch (name) {
            case "push" -> push = push(value, at, where);
            case "pull_request" -> pullRequest = pullRequest(name, value, at, where);
            case "pull_request_target" -> pullRequestTarget = pullRequest(name, value, at, where);
            case "workflow_dispatch" -> dispatch = dispatch(value, at, where);
            case "schedule" -> schedules(value, at, where);
            case "workflow_call" -> call = call(value, at, where);
            default -> {
                if (OTHER.contains(name)) {
                    doc.warn(at, "'" + name + "' events never start this workflow: Slipway runs workflows for "
                            + CommonReader.words(SUPPORTED) + " only");
                } else {
                    List<String> all = new ArrayList<>(SUPPORTED);
                    all.addAll(OTHER);
                    String hint = Suggestions.didYouMean(name, all);
                    doc.error(at, "unknown event '" + name + "'" + (hint.isEmpty() ? "; Slipway runs workflows for "
                            + String.join(", ", SUPPORTED) : hint));
                }
            }
        }
    }

    private On.Push push(Node config, Node at, String where) {
        if (config == null) {
            return new On.Push(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), doc.at(at));
        }
        Mapping f = doc.mapping(config, at, where, PUSH_KEYS);
        twins(f, where, "branches");
        twins(f, where, "tags");
        twins(f, where, "paths");
        return new On.Push(patterns(f, where, "branches"), patterns(f, where, "branches-ignore"), patterns(f, where, "tags"),
                patterns(f, where, "tags-ignore"), patterns(f, where, "paths"), patterns(f, where, "paths-ignore"), doc.at(at));
    }

    private On.PullRequest pullRequest(String event, Node config, Node at, String where) {
        if (config == null) {
            return new On.PullRequest(event, On.PullRequest.DEFAULT_TYPES, List.of(), List.of(), List.of(), List.of(), doc.at(at));
        }
        Mapping f = doc.mapping(config, at, where, PULL_REQUEST_KEYS);
        twins(f, where, "branches");
        twins(f, where, "paths");
        List<String> types = new ArrayList<>();
        for (Doc.Text t : common.names(f.get("types"), where + ".types")) {
            String type = t.value().equals("synchronized") ? "synchronize" : t.value(); // Gitea's and Forgejo's spelling
            if (!PULL_REQUEST_TYPES.contains(type)) {
                doc.error(t.node(), "'" + t.value() + "' is not a pull request activity type" + hint(type, PULL_REQUEST_TYPES));
                continue;
            }
            if (!DELIVERED_TYPES.contains(type)) {
                doc.warn(t.node(), "pull request action '" + type + "' never starts this workflow: forges send Slipway the actions "
                        + CommonReader.words(PULL_REQUEST_TYPES.stream().filter(DELIVERED_TYPES::contains).toList()) + " only");
            }
            types.add(type);
        }
        return new On.PullRequest(event, f.has("types") ? types : On.PullRequest.DEFAULT_TYPES, patterns(f, where, "branches"),
                patterns(f, where, "branches-ignore"), patterns(f, where, "paths"), patterns(f, where, "paths-ignore"), doc.at(at));
    }

    /** GitHub refuses a filter together with its -ignore twin; '!' patterns in the filter do both. */
    private void twins(Mapping f, String where, String key) {
        if (f.has(key) && f.has(key + "-ignore")) {
            Node second = f.keyNode(key + "-ignore").getStartMark().getIndex() > f.keyNode(key).getStartMark().getIndex()
                    ? f.keyNode(key + "-ignore") : f.keyNode(key);
            doc.error(second, where + " has both '" + key + "' and '" + key + "-ignore', which GitHub refuses; use '" + key
                    + "' with '!' patterns to leave some out");
        }
    }

    private List<String> patterns(Mapping f, String where, String key) {
        List<String> patterns = new ArrayList<>();
        for (Doc.Text t : common.names(f.get(key), where + "." + key)) {
            if (t.value().equals("!")) {
                doc.error(t.node(), "a pattern in " + where + "." + key + " is only '!'");
                continue;
            }
            patterns.add(t.value());
        }
        if (f.has(key) && f.get(key) == null) {
            doc.error(f.keyNode(key), where + "." + key + " needs at least one pattern");
        }
        return patterns;
    }

    private On.Dispatch dispatch(Node config, Node at, String where) {
        SequencedMap<String, On.Input> inputs = new LinkedHashMap<>();
        if (config != null) {
            Mapping d = doc.mapping(config, at, where, DISPATCH_KEYS);
            Node inputsNode = d.get("inputs");
            for (Mapping.Entry e : doc.mapping(inputsNode, d.keyNode("inputs"), where + ".inputs", null).entries()) {
                On.Input input = input(e, where + ".inputs." + e.key());
                if (input != null) {
                    inputs.put(e.key(), input);
                }
            }
        }
        return new On.Dispatch(inputs, doc.at(at));
    }

    private On.Input input(Mapping.Entry e, String where) {
        if (!common.checkId(e.keyNode(), e.key(), "input")) {
            return null;
        }
        Mapping m = doc.mapping(e.value(), e.keyNode(), where, INPUT_KEYS);
        String description = m.get("description") == null ? null : values.literal(m.get("description"), where + ".description");
        InputType type = type(m, where, List.of(InputType.values()));
        Boolean required = m.get("required") == null ? Boolean.FALSE : doc.flag(m.get("required"), where + ".required");
        List<String> options = new ArrayList<>();
        if (m.has("options")) {
            common.names(m.get("options"), where + ".options").forEach(t -> options.add(t.value()));
            if (type != null && type != InputType.CHOICE) {
                doc.warn(m.keyNode("options"), where + ".options is read for type: choice only; this input is type: " + type.word());
            }
        }
        if (type == InputType.CHOICE && options.isEmpty()) {
            doc.error(m.keyNode("options"), where + " is type: choice, so it needs 'options' to choose from");
        }
        JsonNode defaultValue = null;
        Node defaultNode = m.get("default");
        if (defaultNode != null && type != null && values.literal(defaultNode, where + ".default") != null) {
            defaultValue = typedDefault(defaultNode, type, options, where + ".default");
        }
        if (type == null || required == null || (defaultNode != null && defaultValue == null)) {
            return null;
        }
        return new On.Input(e.key(), description, type, required, defaultValue, options, doc.at(e.keyNode()));
    }

    private InputType type(Mapping m, String where, List<InputType> allowed) {
        Node node = m.get("type");
        if (node == null) {
            return InputType.STRING;
        }
        String text = values.literal(node, where + ".type");
        if (text == null) {
            return null;
        }
        List<String> words = allowed.stream().map(InputType::word).toList();
        if (!words.contains(text)) {
            doc.error(node, where + ".type must be one of " + String.join(", ", words) + ", not '" + text + "'" + Suggestions.didYouMean(text, words));
            return null;
        }
        return InputType.valueOf(text.toUpperCase(java.util.Locale.ROOT));
    }

    private JsonNode typedDefault(Node node, InputType type, List<String> options, String what) {
        JsonNode value = node instanceof ScalarNode s ? Doc.scalar(s) : null;
        if (value == null) {
            doc.error(node, what + " must be a single value");
            return null;
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (type) {
            case BOOLEAN -> {
                if (value.isBoolean()) {
                    return value;
                }
                doc.error(node, what + " must be true or false for a boolean input, not " + Doc.describe(node));
                return null;
            }
            case NUMBER -> {
                if (value.isNumber() && Double.isFinite(value.doubleValue())) {
                    return value;
                }
                doc.error(node, what + " must be a number for a number input, not " + Doc.describe(node));
                return null;
            }
            case CHOICE -> {
                String text = ((ScalarNode) node).getValue();
                if (!options.isEmpty() && !options.contains(text)) {
                    doc.error(node, what + " '" + text + "' is not one of the options " + options);
                    return null;
                }
                return f.textNode(text);
            }
            default -> {
                return f.textNode(((ScalarNode) node).getValue());
            }
        }
    }

    private void schedules(Node config, Node at, String where) {
        if (config == null) {
            doc.error(at, where + " needs a list of cron entries, such as \"schedule: [{cron: '30 3 * * *'}]\"");
            return;
        }
        if (!(config instanceof SequenceNode list)) {
            doc.error(config, where + " must be a list of cron entries, such as \"- cron: '30 3 * * *'\", not " + Doc.kind(config));
            return;
        }
        for (Node item : list.getValue()) {
            Mapping m = doc.mapping(item, item, "an entry of " + where, SCHEDULE_KEYS);
            Node cronNode = m.require("cron");
            String cron = cronNode == null ? null : values.literal(cronNode, where + ".cron");
            String zone = m.get("timezone") == null ? null : values.literal(m.get("timezone"), where + ".timezone");
            if (zone != null) {
                try {
                    ZoneId.of(zone);
                } catch (DateTimeException e) {
                    doc.error(m.get("timezone"), "time zone '" + zone + "' is not one (use an IANA name such as Europe/Berlin, or UTC)");
                    zone = null;
                }
            }
            if (cron != null) {
                String reason = CronSyntax.problem(cron);
                if (reason != null) {
                    doc.error(cronNode, "cron schedule '" + cron + "': " + reason);
                } else {
                    schedules.add(new On.Schedule(cron, zone, doc.at(item)));
                }
            }
        }
    }

    private On.Call call(Node config, Node at, String where) {
        SequencedMap<String, On.CallInput> inputs = new LinkedHashMap<>();
        SequencedMap<String, On.CallSecret> secrets = new LinkedHashMap<>();
        SequencedMap<String, On.CallOutput> outputs = new LinkedHashMap<>();
        if (config != null) {
            Mapping c = doc.mapping(config, at, where, CALL_KEYS);
            for (Mapping.Entry e : doc.mapping(c.get("inputs"), c.keyNode("inputs"), where + ".inputs", null).entries()) {
                On.CallInput input = callInput(e, where + ".inputs." + e.key());
                if (input != null) {
                    inputs.put(e.key(), input);
                }
            }
            for (Mapping.Entry e : doc.mapping(c.get("secrets"), c.keyNode("secrets"), where + ".secrets", null).entries()) {
                String w = where + ".secrets." + e.key();
                if (!common.checkId(e.keyNode(), e.key(), "secret")) {
                    continue;
                }
                Mapping s = doc.mapping(Doc.isNull(e.value()) ? null : e.value(), e.keyNode(), w, CALL_SECRET_KEYS);
                String description = s.get("description") == null ? null : values.literal(s.get("description"), w + ".description");
                Boolean required = s.get("required") == null ? Boolean.FALSE : doc.flag(s.get("required"), w + ".required");
                if (required != null) {
                    secrets.put(e.key(), new On.CallSecret(e.key(), description, required, doc.at(e.keyNode())));
                }
            }
            for (Mapping.Entry e : doc.mapping(c.get("outputs"), c.keyNode("outputs"), where + ".outputs", null).entries()) {
                String w = where + ".outputs." + e.key();
                if (!common.checkId(e.keyNode(), e.key(), "output")) {
                    continue;
                }
                Mapping o = doc.mapping(e.value(), e.keyNode(), w, CALL_OUTPUT_KEYS);
                String description = o.get("description") == null ? null : values.literal(o.get("description"), w + ".description");
                Node valueNode = o.require("value");
                Value value = valueNode == null ? null : values.value(valueNode, Place.CALL_OUTPUT_VALUE, w + ".value");
                if (value != null) {
                    outputs.put(e.key(), new On.CallOutput(e.key(), description, value, doc.at(e.keyNode())));
                }
            }
        }
        return new On.Call(inputs, secrets, outputs, doc.at(at));
    }

    private On.CallInput callInput(Mapping.Entry e, String where) {
        if (!common.checkId(e.keyNode(), e.key(), "input")) {
            return null;
        }
        Mapping m = doc.mapping(e.value(), e.keyNode(), where, CALL_INPUT_KEYS);
        if (m.isMapping() && m.get("type") == null) {
            doc.error(m.keyNode("type"), where + " needs 'type': boolean, number or string");
            return null;
        }
        InputType type = type(m, where, List.of(InputType.BOOLEAN, InputType.NUMBER, InputType.STRING));
        String description = m.get("description") == null ? null : values.literal(m.get("description"), where + ".description");
        Boolean required = m.get("required") == null ? Boolean.FALSE : doc.flag(m.get("required"), where + ".required");
        Value defaultValue = null;
        Node defaultNode = m.get("default");
        if (defaultNode != null) {
            defaultValue = values.value(defaultNode, Place.CALL_INPUT_DEFAULT, where + ".default");
            if (defaultValue != null && defaultValue.isLiteral() && type != null && typedDefault(defaultNode, type, List.of(),
                    where + ".default") == null) {
                return null;
            }
        }
        if (type == null || required == null || (defaultNode != null && defaultValue == null)) {
            return null;
        }
        return new On.CallInput(e.key(), description, type, required, defaultValue, doc.at(e.keyNode()));
    }

    private static String hint(String text, List<String> options) {
        String hint = Suggestions.didYouMean(text, options);
        return hint.isEmpty() ? " (GitHub's types: " + String.join(", ", options) + ")" : hint;
    }

    static boolean isMapping(Node node) {
        return node instanceof MappingNode;
    }
}
