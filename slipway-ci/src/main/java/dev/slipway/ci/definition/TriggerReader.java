package dev.slipway.ci.definition;

import dev.slipway.ci.model.Triggers;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** Reads {@code on:}. Without it a pipeline runs only when started by hand or through the API. */
final class TriggerReader {
    private static final Set<String> KEYS = Set.of("push", "pull_request", "manual", "cron");
    private static final Set<String> PUSH_KEYS = Set.of("branches", "tags", "paths", "skip");
    private static final Set<String> PULL_REQUEST_KEYS = Set.of("branches", "paths", "types");
    private static final Set<String> SCHEDULE_KEYS = Set.of("schedule", "branch", "timezone");

    private final Source source;

    TriggerReader(Source source) {
        this.source = source;
    }

    Triggers read(Fields top) {
        Node on = top.get("on");
        if (on == null) {
            return Triggers.MANUAL_ONLY;
        }
        Fields f = source.fields(on, top.keyNode("on"), "'on'", KEYS);
        Triggers.Push push = push(f);
        Triggers.PullRequest pullRequest = pullRequest(f);
        Node manualNode = f.get("manual");
        Boolean manual = manualNode == null ? Boolean.TRUE : source.flag(manualNode, "'on.manual'");
        List<Triggers.Schedule> schedules = schedules(f.get("cron"));
        return new Triggers(push, pullRequest, manual == null || manual, schedules);
    }

    /** {@code push: true} for any push, or a mapping of glob patterns; null when there is no push trigger. */
    private Triggers.Push push(Fields on) {
        Node node = on.get("push");
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode)) {
            Boolean any = source.flag(node, "'on.push'", "true, false or a mapping of branches, tags, paths and skip");
            return Boolean.TRUE.equals(any) ? new Triggers.Push(List.of(), List.of(), List.of()) : null;
        }
        Fields f = source.fields(node, on.keyNode("push"), "'on.push'", PUSH_KEYS);
        List<String> skip = new ArrayList<>();
        for (Source.Text marker : source.texts(f.get("skip"), "'on.push.skip'", "a marker in 'on.push.skip'")) {
            if (marker.value().isBlank()) {
                source.report(marker.node(), "a marker in 'on.push.skip' is empty");
            }
            skip.add(marker.value());
        }
        return new Triggers.Push(patterns(f, "on.push", "branches"), patterns(f, "on.push", "tags"), patterns(f, "on.push", "paths"), skip);
    }

    /** {@code pull_request: true} for the default actions on any base branch, or a mapping; null when absent. */
    private Triggers.PullRequest pullRequest(Fields on) {
        Node node = on.get("pull_request");
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode)) {
            Boolean any = source.flag(node, "'on.pull_request'", "true, false or a mapping of branches, paths and types");
            return Boolean.TRUE.equals(any) ? new Triggers.PullRequest(List.of(), List.of(), Triggers.PullRequest.DEFAULT_TYPES) : null;
        }
        Fields f = source.fields(node, on.keyNode("pull_request"), "'on.pull_request'", PULL_REQUEST_KEYS);
        List<String> types = new ArrayList<>();
        for (Source.Text type : source.texts(f.get("types"), "'on.pull_request.types'", "a type in 'on.pull_request.types'")) {
            String t = type.value().equals("synchronized") ? "synchronize" : type.value(); // Gitea's spelling
            if (!Triggers.PullRequest.KNOWN_TYPES.contains(t)) {
                source.report(type.node(), "pull request type '" + type.value() + "' is not one of "
                        + String.join(", ", Triggers.PullRequest.KNOWN_TYPES) + Syntax.didYouMean(type.value(), Triggers.PullRequest.KNOWN_TYPES));
            }
            types.add(t);
        }
        return new Triggers.PullRequest(patterns(f, "on.pull_request", "branches"), patterns(f, "on.pull_request", "paths"),
                f.get("types") == null ? Triggers.PullRequest.DEFAULT_TYPES : types);
    }

    private List<String> patterns(Fields f, String where, String key) {
        return patterns(source, f, where, key);
    }

    /** The glob patterns ({@link Patterns}) under {@code key}: one or a list, none empty. */
    static List<String> patterns(Source source, Fields f, String where, String key) {
        List<String> patterns = new ArrayList<>();
        String what = "a pattern in '" + where + "." + key + "'";
        for (Source.Text pattern : source.texts(f.get(key), "'" + where + "." + key + "'", what)) {
            if (pattern.value().isBlank() || pattern.value().equals("!")) {
                source.report(pattern.node(), what + " is empty");
            }
            patterns.add(pattern.value());
        }
        return patterns;
    }

    /** One schedule or a list; each a cron expression, or a mapping of schedule, branch and timezone. */
    private List<Triggers.Schedule> schedules(Node node) {
        List<Triggers.Schedule> schedules = new ArrayList<>();
        if (node == null) {
            return schedules;
        }
        List<Node> items = node instanceof MappingNode ? List.of(node) : source.items(node, "'on.cron'");
        for (Node item : items) {
            if (item instanceof MappingNode) {
                Fields f = source.fields(item, item, "a schedule in 'on.cron'", SCHEDULE_KEYS);
                Node expression = f.require("schedule");
                String cron = expression == null ? null : cron(expression, source.text(expression, "'schedule' of a schedule in 'on.cron'"));
                String branch = f.text("branch", "'branch' of a schedule in 'on.cron'");
                String zone = f.text("timezone", "'timezone' of a schedule in 'on.cron'");
                if (zone != null) {
                    try {
                        ZoneId.of(zone);
                    } catch (DateTimeException e) {
                        source.report(f.get("timezone"), "timezone '" + zone + "' is not a time zone (use an IANA name such as Europe/Berlin, or UTC)");
                    }
                }
                if (cron != null) {
                    schedules.add(new Triggers.Schedule(cron, branch, zone));
                }
            } else {
                String text = source.text(item, "a schedule in 'on.cron'");
                String cron = text == null ? null : cron(item, text);
                if (cron != null) {
                    schedules.add(new Triggers.Schedule(cron, null, null));
                }
            }
        }
        return schedules;
    }

    private String cron(Node node, String expression) {
        if (expression == null) {
            return null;
        }
        return switch (Cron.check(expression)) {
            case Cron.Result.Valid v -> v.expression();
            case Cron.Result.Invalid i -> {
                source.report(node, "cron schedule '" + expression + "': " + i.reason());
                yield null;
            }
        };
    }
}
