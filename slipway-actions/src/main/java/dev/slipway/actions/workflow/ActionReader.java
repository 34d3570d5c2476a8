package dev.slipway.actions.workflow;

import dev.slipway.core.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads an action's {@code action.yml}, as GitHub's action_yaml.json describes it. GitHub
 * tolerates keys it does not know at the top and in inputs ({@code author}, {@code branding} are
 * common); Slipway reads them too and warns about those it does not know, never silently. What a
 * {@code runs:} of the wrong kind holds ({@code main} in a composite action) is an error.
 */
final class ActionReader {
    static final List<String> NODE_VERSIONS = List.of("node12", "node16", "node20", "node24");
    private static final List<String> USING = List.of("composite", "node12", "node16", "node20", "node24", "docker");
    private static final Set<String> TOP = Set.of("name", "description", "author", "branding", "inputs", "outputs", "runs");
    private static final Set<String> INPUT = Set.of("description", "required", "default", "deprecationMessage");
    private static final Keys OUTPUT = Keys.of("description", "value");
    private static final Keys COMPOSITE = Keys.of("using", "steps");
    private static final Keys NODE = Keys.of("using", "main", "pre", "pre-if", "post", "post-if");
    private static final Keys DOCKER = Keys.of("using", "image", "entrypoint", "args", "env", "pre-entrypoint", "pre-if", "post-entrypoint",
            "post-if");

    private final Doc doc;
    private final ValueReader values;
    private final CommonReader common;

    ActionReader(Doc doc) {
        this.doc = doc;
        this.values = new ValueReader(doc);
        this.common = new CommonReader(doc, values);
    }

    /** The manifest, or null when the file has errors (all reported to the doc). */
    ActionManifest read() {
        Node root = doc.compose();
        if (root == null) {
            if (!doc.hasErrors()) {
                doc.error(Position.file(doc.file), "the file is empty; an action needs 'runs' (and usually 'name' and 'inputs')");
            }
            return null;
        }
        Mapping top = doc.mapping(root, root, "the action", null);
        if (!top.isMapping()) {
            return null;
        }
        tolerated(top, TOP, "the action");
        String name = top.get("name") == null ? null : doc.text(top.get("name"), "name");
        String description = top.get("description") == null ? null : doc.text(top.get("description"), "description");
        SequencedMap<String, ActionManifest.Input> inputs = inputs(top);
        ActionManifest.Runs runs = runs(top);
        SequencedMap<String, ActionManifest.Output> outputs = outputs(top, runs instanceof ActionManifest.Composite);
        if (doc.hasErrors() || runs == null) {
            return null;
        }
        return new ActionManifest(doc.file, name, description, inputs, outputs, runs, doc.warnings());
    }

    /** Keys GitHub lets pass: the unknown ones are warnings with a did-you-mean hint. */
    private void tolerated(Mapping m, Set<String> known, String where) {
        for (Mapping.Entry e : m.entries()) {
            if (!known.contains(e.key())) {
                String hint = Suggestions.didYouMean(e.key(), known);
                doc.warn(e.keyNode(), "unknown key '" + e.key() + "' in " + where + " is ignored" + (hint.isEmpty()
                        ? " (Slipway reads " + String.join(", ", known.stream().sorted().toList()) + ")" : hint));
            }
        }
    }

    private SequencedMap<String, ActionManifest.Input> inputs(Mapping top) {
        SequencedMap<String, ActionManifest.Input> inputs = new LinkedHashMap<>();
        Node node = top.get("inputs");
        if (node == null) {
            return inputs;
        }
        for (Mapping.Entry e : doc.mapping(node, top.keyNode("inputs"), "inputs", null).entries()) {
            String where = "inputs." + e.key();
            if (e.key().isEmpty()) {
                doc.error(e.keyNode(), "an input's name is empty");
                continue;
            }
            Mapping input = Doc.isNull(e.value()) ? Mapping.none(doc, e.keyNode(), where) : doc.mapping(e.value(), e.keyNode(), where, null);
            tolerated(input, INPUT, where);
            String description = input.get("description") == null ? null : doc.text(input.get("description"), where + ".description");
            ActionManifest.Input read = new ActionManifest.Input(description,
                    input.has("default") ? values.valueOrEmpty(input.entry("default").value(), Place.ACTION_INPUT_DEFAULT, where + ".default") : null,
                    input.get("required") != null && required(input.get("required"), where + ".required"),
                    input.get("deprecationMessage") == null ? null : doc.text(input.get("deprecationMessage"), where + ".deprecationMessage"));
            inputs.put(e.key(), read);
        }
        return inputs;
    }

    /** {@code required: true}; GitHub also takes the strings 'true' and 'false'. */
    private boolean required(Node node, String what) {
        String text = doc.text(node, what);
        if (text == null) {
            return false;
        }
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                doc.error(node, what + " must be true or false, not " + Doc.describe(node));
                yield false;
            }
        };
    }

    private SequencedMap<String, ActionManifest.Output> outputs(Mapping top, boolean composite) {
        SequencedMap<String, ActionManifest.Output> outputs = new LinkedHashMap<>();
        Node node = top.get("outputs");
        if (node == null) {
            return outputs;
        }
        for (Mapping.Entry e : doc.mapping(node, top.keyNode("outputs"), "outputs", null).entries()) {
            String where = "outputs." + e.key();
            if (!common.checkId(e.keyNode(), e.key(), "output id")) {
                continue;
            }
            Mapping output = Doc.isNull(e.value()) ? Mapping.none(doc, e.keyNode(), where) : doc.mapping(e.value(), e.keyNode(), where, OUTPUT);
            String description = output.get("description") == null ? null : doc.text(output.get("description"), where + ".description");
            Value value = null;
            if (output.has("value")) {
                if (composite) {
                    value = values.valueOrEmpty(output.entry("value").value(), Place.ACTION_OUTPUT, where + ".value");
                } else {
                    doc.warn(output.keyNode("value"), where + ".value is ignored: only a composite action maps its outputs from"
                            + " its steps; other actions set theirs through GITHUB_OUTPUT");
                }
            } else if (composite) {
                doc.error(e.keyNode(), where + " needs 'value': a composite action's output is mapped from its steps, such as"
                        + " '${{ steps.build.outputs.digest }}'");
            }
            outputs.put(e.key(), new ActionManifest.Output(description, value));
        }
        return outputs;
    }

    private ActionManifest.Runs runs(Mapping top) {
        Node node = top.require("runs");
        if (node == null) {
            return null;
        }
        Mapping raw = doc.mapping(node, top.keyNode("runs"), "runs", null);
        if (!raw.isMapping()) {
            return null;
        }
        Node usingNode = raw.require("using");
        String using = usingNode == null ? null : values.literal(usingNode, "runs.using");
        if (using == null) {
            return null;
        }
        if (!USING.contains(using)) {
            doc.error(usingNode, "runs.using: '" + using + "' is not a way GitHub runs actions (" + CommonReader.words(USING) + ")"
                    + Suggestions.didYouMean(using, USING));
            return null;
        }
        return switch (using) {
            case "composite" -> {
                Mapping m = doc.mapping(node, top.keyNode("runs"), "runs", COMPOSITE);
                List<Step> steps = new StepReader(doc, values, common, true).read(m, "runs");
                yield new ActionManifest.Composite(steps);
            }
            case "docker" -> docker(doc.mapping(node, top.keyNode("runs"), "runs", DOCKER));
            default -> node(using, doc.mapping(node, top.keyNode("runs"), "runs", NODE));
        };
    }

    private ActionManifest.Node node(String using, Mapping m) {
        Node main = m.require("main");
        String file = main == null ? null : values.literal(main, "runs.main");
        String pre = m.get("pre") == null ? null : values.literal(m.get("pre"), "runs.pre");
        String post = m.get("post") == null ? null : values.literal(m.get("post"), "runs.post");
        Conditional preIf = hookIf(m, "pre-if", pre != null);
        Conditional postIf = hookIf(m, "post-if", post != null);
        return file == null ? null : new ActionManifest.Node(using, file, pre, preIf, post, postIf);
    }

    private ActionManifest.Docker docker(Mapping m) {
        Node imageNode = m.require("image");
        String image = imageNode == null ? null : values.literal(imageNode, "runs.image");
        if (image != null && image.startsWith("docker://") && image.length() == "docker://".length()) {
            doc.error(imageNode, "runs.image: 'docker://' names no image; write docker://alpine:3.21 or the path of a Dockerfile");
            image = null;
        }
        String entrypoint = m.get("entrypoint") == null ? null : values.literal(m.get("entrypoint"), "runs.entrypoint");
        List<Value> args = new ArrayList<>();
        List<Node> items = m.get("args") == null ? List.of() : doc.items(m.get("args"), "runs.args");
        for (int i = 0; i < items.size(); i++) {
            Value arg = values.valueOrEmpty(items.get(i), Place.ACTION_CONTAINER, "runs.args[" + i + "]");
            if (arg != null) {
                args.add(arg);
            }
        }
        SequencedMap<String, Value> env = values.values(m.get("env"), m.keyNode("env"), Place.ACTION_CONTAINER, "runs.env");
        String pre = m.get("pre-entrypoint") == null ? null : values.literal(m.get("pre-entrypoint"), "runs.pre-entrypoint");
        String post = m.get("post-entrypoint") == null ? null : values.literal(m.get("post-entrypoint"), "runs.post-entrypoint");
        Conditional preIf = hookIf(m, "pre-if", pre != null);
        Conditional postIf = hookIf(m, "post-if", post != null);
        return image == null ? null : new ActionManifest.Docker(image, entrypoint, args, env, pre, preIf, post, postIf);
    }

    /** {@code pre-if} / {@code post-if}: {@code always()} unless given; said when it has no step to guard. */
    private Conditional hookIf(Mapping m, String key, boolean hasStep) {
        Node node = m.get(key);
        if (node == null) {
            return new Conditional(dev.slipway.actions.expr.Expressions.condition("always()"), doc.at(m.keyNode(key)));
        }
        if (!hasStep) {
            doc.warn(m.keyNode(key), "runs." + key + " is ignored: the action has no " + (key.startsWith("pre") ? "pre" : "post")
                    + " step");
        }
        Conditional c = values.condition(node, Place.ACTION_HOOK_IF, "runs." + key);
        return c == null ? new Conditional(dev.slipway.actions.expr.Expressions.condition("always()"), doc.at(node)) : c;
    }
}
