package dev.slipway.ci.definition;

import dev.slipway.ci.model.Triggers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** Reads {@code on:}. Without it a pipeline runs only when started by hand or through the API. */
final class TriggerReader {
    private static final Set<String> KEYS = Set.of("push", "manual", "cron");
    private static final Set<String> PUSH_KEYS = Set.of("branches", "tags", "paths");

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
        Node manualNode = f.get("manual");
        Boolean manual = manualNode == null ? Boolean.TRUE : source.flag(manualNode, "'on.manual'");
        List<String> cron = cron(f.get("cron"));
        return new Triggers(push, manual == null || manual, cron);
    }

    /** {@code push: true} for any push, or a mapping of glob patterns; null when there is no push trigger. */
    private Triggers.Push push(Fields on) {
        Node node = on.get("push");
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode)) {
            Boolean any = source.flag(node, "'on.push'", "true, false or a mapping of branches, tags and paths");
            return Boolean.TRUE.equals(any) ? new Triggers.Push(List.of(), List.of(), List.of()) : null;
        }
        Fields f = source.fields(node, on.keyNode("push"), "'on.push'", PUSH_KEYS);
        return new Triggers.Push(patterns(f, "branches"), patterns(f, "tags"), patterns(f, "paths"));
    }

    private List<String> patterns(Fields push, String key) {
        List<String> patterns = new ArrayList<>();
        String what = "a pattern in 'on.push." + key + "'";
        for (Source.Text pattern : source.texts(push.get(key), "'on.push." + key + "'", what)) {
            if (pattern.value().isBlank()) {
                source.report(pattern.node(), what + " is empty");
            }
            patterns.add(pattern.value());
        }
        return patterns;
    }

    private List<String> cron(Node node) {
        List<String> schedules = new ArrayList<>();
        for (Source.Text expression : source.texts(node, "'on.cron'", "a schedule in 'on.cron'")) {
            switch (Cron.check(expression.value())) {
                case Cron.Result.Valid v -> schedules.add(v.expression());
                case Cron.Result.Invalid i -> source.report(expression.node(), "cron schedule '" + expression.value() + "': " + i.reason());
            }
        }
        return schedules;
    }
}
