package dev.slipway.actions.workflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads {@code steps:} of a job, or of a composite action's {@code runs}: each a {@code run} or a
 * {@code uses} step, never both, with ids unique in the list. A composite action's steps take
 * the keys and contexts GitHub's action_yaml.json gives them: no {@code timeout-minutes}, and a
 * {@code run} step names its {@code shell}.
 */
final class StepReader {
    private static final Keys KEYS = Keys.of("id", "name", "if", "run", "uses", "with", "env", "shell", "working-directory",
                    "continue-on-error", "timeout-minutes")
            .unsupported("background", "the step runs in the foreground, and the job waits for it");
    private static final Keys COMPOSITE_KEYS = Keys.of("id", "name", "if", "run", "uses", "with", "env", "shell", "working-directory",
                    "continue-on-error")
            .misplaced(List.of("timeout-minutes"), "a composite action's steps take no timeout-minutes in GitHub; set it on the"
                    + " workflow step that uses the action");
    /** GitHub's steps that wait for or cancel background steps: with none in the background, they have nothing to do. */
    private static final List<String> BACKGROUND_CONTROL = List.of("wait", "wait-all", "cancel");

    private final Doc doc;
    private final ValueReader values;
    private final CommonReader common;
    private final boolean composite;
    private final Keys keys;
    private final Place place;
    private final Place ifPlace;

    /** A job's steps. */
    StepReader(Doc doc, ValueReader values, CommonReader common) {
        this(doc, values, common, false);
    }

    /** @param composite the steps of a composite action rather than a job's */
    StepReader(Doc doc, ValueReader values, CommonReader common, boolean composite) {
        this.doc = doc;
        this.values = values;
        this.common = common;
        this.composite = composite;
        this.keys = composite ? COMPOSITE_KEYS : KEYS;
        this.place = composite ? Place.ACTION_STEP : Place.STEP;
        this.ifPlace = composite ? Place.ACTION_STEP_IF : Place.STEP_IF;
    }

    List<Step> read(Mapping job, String where) {
        List<Step> steps = new ArrayList<>();
        Node node = job.get("steps");
        if (node == null) {
            if (job.isMapping()) {
                doc.error(job.has("steps") ? job.keyNode("steps") : job.owner(), where + " needs 'steps': what the " + (composite ? "action" : "job") + " runs");
            }
            return steps;
        }
        List<Node> items = doc.items(node, where + ".steps");
        if (items.isEmpty() && node instanceof org.yaml.snakeyaml.nodes.SequenceNode) {
            doc.error(node, where + ".steps is empty; " + (composite ? "a composite action" : "a job") + " needs at least one step");
        }
        Map<String, Node> ids = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Step step = step(items.get(i), steps.size(), where + ".steps[" + i + "]", ids);
            if (step != null) {
                steps.add(step);
            }
        }
        return steps;
    }

    private Step step(Node node, int index, String where, Map<String, Node> ids) {
        if (!(node instanceof MappingNode)) {
            doc.error(node, where + " must be a mapping with 'run' or 'uses', not " + Doc.kind(node));
            return null;
        }
        Mapping raw = Mapping.of(doc, (MappingNode) node, node, where, null);
        for (String control : BACKGROUND_CONTROL) {
            if (raw.has(control)) {
                doc.warn(raw.keyNode(control), where + ": '" + control + "' steps are not supported by Slipway, which runs every"
                        + " step in the foreground; there is nothing to " + (control.equals("cancel") ? "cancel" : "wait for")
                        + ", so the step is left out");
                return null;
            }
        }
        Mapping m = doc.mapping(node, node, where, keys);
        int before = doc.errorCount();
        Position at = doc.at(node);
        String id = null;
        if (m.get("id") != null) {
            id = values.literal(m.get("id"), where + ".id");
            if (id != null && common.checkId(m.get("id"), id, "step id")) {
                Node first = ids.putIfAbsent(id, m.get("id"));
                if (first != null) {
                    doc.error(m.get("id"), "step id '" + id + "' is already used by the step at line " + (first.getStartMark().getLine() + 1));
                }
            }
        }
        Value name = common.optional(m, "name", place, where + ".name");
        Conditional condition = m.get("if") == null ? Conditional.absent(at) : values.condition(m.get("if"), ifPlace, where + ".if");
        SequencedMap<String, Value> env = values.values(m.get("env"), m.keyNode("env"), place, where + ".env");
        Value continueOnError = common.flag(m, "continue-on-error", place, where + ".continue-on-error", false);
        Value timeout = common.number(m, "timeout-minutes", place, where + ".timeout-minutes", null);
        boolean run = m.has("run");
        boolean uses = m.has("uses");
        if (run && uses) {
            doc.error(m.keyNode("uses"), where + " has both 'run' and 'uses'; a step runs a script or an action, not both");
            return null;
        }
        if (!run && !uses) {
            doc.error(node, where + " needs 'run' (a script) or 'uses' (an action)");
            return null;
        }
        Step step;
        if (run) {
            for (String key : List.of("with")) {
                if (m.has(key)) {
                    doc.error(m.keyNode(key), where + "." + key + " belongs to steps that use an action ('uses'); a 'run' step takes 'env'");
                }
            }
            Node script = m.require("run");
            Value value = script == null ? null : values.value(script, place, where + ".run");
            Value shell = common.shell(m.get("shell"), Place.LITERAL, where + ".shell");
            if (composite && m.get("shell") == null) {
                doc.error(m.has("shell") ? m.keyNode("shell") : node, where + " needs 'shell': a composite action's run steps name"
                        + " their shell, as in GitHub (bash, sh, python, or a command with {0})");
            }
            Value workingDirectory = common.optional(m, "working-directory", place, where + ".working-directory");
            step = doc.errorCount() != before ? null : new Step.Run(index, id, name, condition, env, continueOnError, timeout, value,
                    shell, workingDirectory, at);
        } else {
            for (String key : List.of("shell", "working-directory")) {
                if (m.has(key)) {
                    doc.error(m.keyNode(key), where + "." + key + " applies to 'run' steps only; an action decides how it runs");
                }
            }
            Node usesNode = m.require("uses");
            String text = usesNode == null ? null : values.literal(usesNode, where + ".uses");
            ActionRef action = null;
            if (text != null) {
                try {
                    action = ActionRef.parse(text);
                } catch (IllegalArgumentException e) {
                    doc.error(usesNode, where + ".uses: " + e.getMessage());
                }
            }
            SequencedMap<String, Value> with = values.values(m.get("with"), m.keyNode("with"), place, where + ".with");
            step = doc.errorCount() != before ? null : new Step.Uses(index, id, name, condition, env, continueOnError, timeout, action,
                    with, at);
        }
        return step;
    }
}
