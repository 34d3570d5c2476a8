package dev.slipway.woodpecker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.definition.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads one Woodpecker file (v2 and v3 syntax: {@code steps} as a map or a list) into a
 * {@link Workflow}, with every problem at its file, line and column, and the rules of Woodpecker's
 * linter: unknown keys, a step without an image, a plugin with commands, privileged steps. What
 * Slipway cannot do yet is an error that says so rather than a silent difference; what it
 * ignores ({@code backend_options}, {@code labels}, {@code clone}) is a warning.
 */
final class WorkflowReader {
    static final List<String> WORKFLOW_KEYS = List.of("when", "steps", "services", "workspace", "clone", "skip_clone", "depends_on",
            "matrix", "labels", "runs_on", "variables", "version");
    static final List<String> STEP_KEYS = List.of("name", "image", "pull", "commands", "entrypoint", "environment", "secrets", "settings",
            "when", "depends_on", "failure", "detach", "directory", "privileged", "backend_options", "volumes", "ports", "network_mode",
            "dns", "dns_search", "extra_hosts", "tmpfs", "devices", "shm_size");
    static final List<String> SERVICE_KEYS = List.of("name", "image", "pull", "commands", "entrypoint", "environment", "secrets", "settings",
            "when", "failure", "directory", "ports", "privileged", "backend_options", "volumes");
    /** What a service's name must look like: it is the host name the steps reach it at. */
    private static final java.util.regex.Pattern HOST_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_.-]{0,62})");
    static final List<String> WHEN_KEYS = List.of("event", "branch", "ref", "path", "status", "matrix", "evaluate", "repo", "instance",
            "cron", "platform", "environment", "local");

    /** A file read: the workflow (null when it has problems), its problems and its warnings. */
    record Read(Workflow workflow, List<Problem> problems, List<Problem> warnings) {}

    private final YamlFile y;

    private WorkflowReader(YamlFile y) {
        this.y = y;
    }

    static Read read(String file, String text) {
        YamlFile y = new YamlFile(file, text);
        Workflow w = new WorkflowReader(y).workflow(file);
        List<Problem> problems = y.problems();
        return new Read(problems.isEmpty() ? w : null, problems, y.warnings());
    }

    /** The workflow's name: the file's base name without extension. */
    static String nameOf(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        base = base.replaceFirst("\\.ya?ml$", "");
        return base.startsWith(".") ? base.substring(1) : base;
    }

    private Workflow workflow(String file) {
        Node root = y.compose();
        if (root == null) {
            if (y.problems().isEmpty()) {
                y.report(null, "the file is empty: a workflow needs steps");
            }
            return null;
        }
        Map<String, Node> top = y.mapping(root, "a workflow");
        if (top == null) {
            return null;
        }
        if (top.containsKey("pipeline")) {
            y.report(top.get("pipeline"), "'pipeline' was renamed 'steps' in Woodpecker 1.0");
        }
        List<String> known = new ArrayList<>(WORKFLOW_KEYS);
        known.add("pipeline");
        y.unknownKeys(top, (MappingNode) root, known, "workflow");
        if (top.containsKey("matrix")) {
            matrix(top.get("matrix"));
        }
        if (top.containsKey("clone")) {
            y.warn(top.get("clone"), "'clone' is ignored: Slipway checks the repository out itself (skip_clone: true still skips it)");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (top.containsKey("labels")) {
            Map<String, Node> l = y.mapping(top.get("labels"), "labels");
            if (l != null) {
                l.forEach((k, v) -> labels.put(k, YamlFile.isNull(v) ? "" : y.scalar(v, "labels." + k)));
                y.warn(top.get("labels"), "'labels' are not matched yet: this server runs every workflow itself");
            }
        }
        boolean skipClone = top.containsKey("skip_clone") && Boolean.TRUE.equals(y.bool(top.get("skip_clone"), "skip_clone"));
        String workspace = null;
        if (top.containsKey("workspace")) {
            Map<String, Node> ws = y.mapping(top.get("workspace"), "workspace");
            if (ws != null) {
                y.unknownKeys(ws, (MappingNode) top.get("workspace"), List.of("base", "path"), "workspace");
                String base = ws.containsKey("base") ? y.scalar(ws.get("base"), "workspace.base") : "/woodpecker";
                String path = ws.containsKey("path") ? y.scalar(ws.get("path"), "workspace.path") : "";
                if (base != null && (!base.startsWith("/") || List.of(base.split("/")).contains(".."))) {
                    y.report(ws.get("base"), "workspace.base must be an absolute path, without '..'");
                } else if (path != null && (path.startsWith("/") || List.of(path.split("/")).contains(".."))) {
                    y.report(ws.get("path"), "workspace.path must be relative to the base, without '..'");
                } else if (base != null && path != null) {
                    workspace = (base + "/" + path).replaceAll("/+", "/").replaceAll("(.)/$", "$1");
                    if (workspace.equals("/")) {
                        y.report(top.get("workspace"), "the workspace cannot be the container's root");
                    }
                }
            }
        }
        List<String> runsOn = y.strings(top.get("runs_on"), "runs_on");
        for (String s : runsOn) {
            if (!s.equals("success") && !s.equals("failure")) {
                y.report(top.get("runs_on"), "runs_on takes success and failure, not '" + s + "'");
            }
        }
        List<When> when = whens(top.get("when"), true);
        List<Step> steps = steps(top.get("steps"));
        List<Step> services = services(top.get("services"), steps);
        List<String> dependsOn = y.strings(top.get("depends_on"), "depends_on");
        return new Workflow(nameOf(file), file, when, dependsOn, steps, skipClone, workspace, labels, runsOn.contains("failure"), services,
                Map.of());
    }

    /** At most this many workflows come of one matrix, as in Woodpecker. */
    static final int MAX_COMBINATIONS = 64;
    /** At most this many variables in a matrix, as in Woodpecker. */
    static final int MAX_VARIABLES = 10;

    /**
     * The combinations of a file's top-level {@code matrix}, read from the file as written (as
     * Woodpecker reads it, before substitution); none without one, or when the file does not read
     * (its reading says why).
     */
    static List<Map<String, String>> combinations(String file, String text) {
        YamlFile y = new YamlFile(file, text);
        Node root = y.compose();
        if (!(root instanceof MappingNode)) {
            return List.of();
        }
        Map<String, Node> top = y.mapping(root, "a workflow");
        if (top == null || !top.containsKey("matrix")) {
            return List.of();
        }
        List<Map<String, String>> out = new WorkflowReader(y).matrix(top.get("matrix"));
        return y.problems().isEmpty() ? out : List.of();
    }

    /**
     * {@code matrix}: variables with their lists of values (every combination, the first variable
     * varying slowest), or {@code include}: the combinations themselves.
     */
    private List<Map<String, String>> matrix(Node node) {
        Map<String, Node> m = y.mapping(node, "matrix");
        if (m == null) {
            return List.of();
        }
        List<Map<String, String>> out = new ArrayList<>();
        if (m.containsKey("include")) {
            if (m.size() > 1) {
                y.report(node, "matrix: include lists the combinations; it cannot be combined with variables (" + String.join(", ",
                        m.keySet().stream().filter(k -> !k.equals("include")).toList()) + ")");
            }
            if (!(m.get("include") instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
                y.report(m.get("include"), "matrix.include must be a list of combinations (mappings of variable to value)");
                return List.of();
            }
            for (Node item : seq.getValue()) {
                Map<String, Node> c = y.mapping(item, "matrix.include items");
                if (c == null) {
                    continue;
                }
                Map<String, String> combination = new LinkedHashMap<>();
                c.forEach((k, v) -> combination.put(k, matrixValue(v, "matrix.include." + k)));
                out.add(combination);
            }
        } else {
            if (m.isEmpty()) {
                y.report(node, "matrix needs variables, each with a list of values, or include");
                return List.of();
            }
            out.add(new LinkedHashMap<>());
            for (var e : m.entrySet()) {
                if (!(e.getValue() instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
                    y.report(e.getValue(), "matrix." + e.getKey() + " must be a list of values");
                    continue;
                }
                List<Map<String, String>> next = new ArrayList<>();
                for (Map<String, String> before : out) {
                    for (Node v : seq.getValue()) {
                        Map<String, String> c = new LinkedHashMap<>(before);
                        c.put(e.getKey(), matrixValue(v, "matrix." + e.getKey()));
                        next.add(c);
                    }
                }
                out = next;
            }
        }
        for (Map<String, String> c : out) {
            for (String k : c.keySet()) {
                if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    y.report(node, "matrix: '" + k + "' is not a variable name (letters, digits and '_')");
                    return List.of();
                }
            }
            if (c.size() > MAX_VARIABLES) {
                y.report(node, "matrix: a combination has " + c.size() + " variables; Woodpecker allows " + MAX_VARIABLES);
                return List.of();
            }
        }
        if (out.size() > MAX_COMBINATIONS) {
            y.report(node, "matrix: " + out.size() + " combinations; Woodpecker runs at most " + MAX_COMBINATIONS + " workflows of a matrix");
            return List.of();
        }
        return out;
    }

    /** A value of the matrix as written: text, a number or a boolean. */
    private String matrixValue(Node v, String what) {
        if (v instanceof ScalarNode s && !YamlFile.isNull(v)) {
            return s.getValue();
        }
        y.report(v, what + ": a value is a string, a number or a boolean, not " + YamlFile.kind(v));
        return "";
    }

    /**
     * {@code services}, a mapping or a list as {@code steps} are. Their names are the host names
     * the steps reach them at, so each is a valid host name and no step has it too.
     */
    private List<Step> services(Node node, List<Step> steps) {
        if (YamlFile.isNull(node)) {
            return List.of();
        }
        List<Step> services = containers(node, true);
        Set<String> names = new LinkedHashSet<>();
        for (Step s : services) {
            if (!names.add(s.name())) {
                y.report(node, "two services are named '" + s.name() + "'");
            }
            if (!HOST_NAME.matcher(s.name()).matches()) {
                y.report(node, "service '" + s.name() + "': its name is the host name steps reach it at: letters, digits, '_', '.', '-', "
                        + "starting with a letter or digit");
            }
            if (steps.stream().anyMatch(x -> x.name().equals(s.name()))) {
                y.report(node, "service '" + s.name() + "' has the name of a step; a name is a host name of the workflow's network, "
                        + "give them different names");
            }
        }
        return services;
    }

    private List<Step> steps(Node node) {
        if (YamlFile.isNull(node)) {
            y.report(node, "a workflow needs steps");
            return List.of();
        }
        List<Step> steps = containers(node, false);
        Set<String> names = new LinkedHashSet<>();
        for (Step s : steps) {
            if (!names.add(s.name())) {
                y.report(node, "two steps are named '" + s.name() + "'");
            }
        }
        for (Step s : steps) {
            for (String d : s.dependsOn() == null ? List.<String>of() : s.dependsOn()) {
                if (!names.contains(d)) {
                    y.report(node, "step '" + s.name() + "' depends on '" + d + "', which is not a step of this workflow");
                }
            }
        }
        if (steps.isEmpty() && y.problems().isEmpty()) {
            y.report(node, "a workflow needs steps");
        }
        return steps;
    }

    /** The steps or services of a mapping (named by their keys) or of a list (each with a name). */
    private List<Step> containers(Node node, boolean service) {
        String kind = service ? "service" : "step";
        List<Step> out = new ArrayList<>();
        if (node instanceof MappingNode m) {
            for (var e : y.entries(m)) {
                Step s = step(e.getKey().getValue(), e.getKey(), e.getValue(), service);
                if (s != null) {
                    out.add(s);
                }
            }
        } else if (node instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                Map<String, Node> m = y.mapping(item, "a " + kind);
                if (m == null) {
                    continue;
                }
                if (!m.containsKey("name")) {
                    y.report(item, "a " + kind + " of a list needs a name");
                    continue;
                }
                String name = y.scalar(m.get("name"), "name");
                Step s = name == null ? null : step(name, m.get("name"), item, service);
                if (s != null) {
                    out.add(s);
                }
            }
        } else {
            y.report(node, kind + "s must be a mapping or a list of " + kind + "s, not " + YamlFile.kind(node));
        }
        return out;
    }

    private Step step(String name, Node at, Node node, boolean service) {
        String what = (service ? "service '" : "step '") + name + "'";
        Map<String, Node> m = y.mapping(node, what);
        if (m == null) {
            return null;
        }
        y.unknownKeys(m, (MappingNode) node, service ? SERVICE_KEYS : STEP_KEYS, what);
        String image = m.containsKey("image") ? y.scalar(m.get("image"), what + ": image") : null;
        if (!m.containsKey("image")) {
            y.report(at, what + " has no image");
        }
        List<String> commands = commands(m.get("commands"), what + ": commands");
        List<String> entrypoint = y.strings(m.get("entrypoint"), what + ": entrypoint");
        if (m.containsKey("entrypoint") && entrypoint.isEmpty()) {
            y.report(m.get("entrypoint"), what + ": entrypoint needs the command to run (a string, or a list of the command and its arguments)");
        }

        Map<String, Step.Value> settings = new LinkedHashMap<>();
        if (m.containsKey("settings")) {
            if (!commands.isEmpty() || !entrypoint.isEmpty()) {
                y.report(m.get("settings"), what + ": a step has settings (a plugin) or commands, not both");
            }
            Map<String, Node> s = y.mapping(m.get("settings"), what + ": settings");
            if (s != null) {
                s.forEach((k, v) -> settings.put(k, value(v, what + ": settings." + k)));
            }
        }
        Map<String, Step.Value> environment = new LinkedHashMap<>();
        if (m.get("environment") instanceof SequenceNode list) { // the older KEY=VALUE list
            for (Node item : list.getValue()) {
                String kv = y.scalar(item, what + ": environment items");
                if (kv != null && kv.indexOf('=') > 0) {
                    environment.put(kv.substring(0, kv.indexOf('=')), new Step.Value.Text(kv.substring(kv.indexOf('=') + 1)));
                } else if (kv != null) {
                    y.report(item, what + ": environment items of a list are KEY=VALUE, not '" + kv + "'");
                }
            }
        } else if (m.containsKey("environment")) {
            Map<String, Node> env = y.mapping(m.get("environment"), what + ": environment");
            if (env != null) {
                env.forEach((k, v) -> {
                    if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                        y.report(v, what + ": '" + k + "' is not a valid environment variable name");
                    }
                    Step.Value value = value(v, what + ": environment." + k);
                    if (!(v instanceof ScalarNode) && !(value instanceof Step.Value.FromSecret)) {
                        y.report(v, what + ": environment." + k + " must be a string or {from_secret: NAME}");
                    }
                    environment.put(k, value);
                });
            }
        }
        Map<String, String> secrets = secrets(m.get("secrets"), what + ": secrets");
        if (m.containsKey("secrets")) {
            y.warn(m.get("secrets"), what + ": 'secrets' is deprecated in Woodpecker; use environment with from_secret");
        }
        if (m.containsKey("privileged") && Boolean.TRUE.equals(y.bool(m.get("privileged"), what + ": privileged"))) {
            y.report(m.get("privileged"), what + ": privileged steps are not allowed on this server");
        }
        for (String trusted : List.of("volumes", "ports", "network_mode", "dns", "dns_search", "extra_hosts", "tmpfs", "devices", "shm_size")) {
            if (m.containsKey(trusted) && !(service && trusted.equals("ports"))) {
                y.report(m.get(trusted), what + ": '" + trusted + "' is not supported by Slipway (Woodpecker allows it for trusted repositories only)");
            }
        }
        if (m.containsKey("backend_options")) {
            y.warn(m.get("backend_options"), what + ": backend_options are ignored");
        }
        boolean failureIgnore = false;
        if (m.containsKey("failure")) {
            String f = y.scalar(m.get("failure"), what + ": failure");
            if (f != null && !f.equals("ignore") && !f.equals("fail")) {
                y.report(m.get("failure"), what + ": failure must be 'ignore' or 'fail', not '" + f + "'");
            }
            failureIgnore = "ignore".equals(f);
        }
        if (service && m.containsKey("ports")) {
            ports(m.get("ports"), what + ": ports");
        }
        boolean detach = service || m.containsKey("detach") && Boolean.TRUE.equals(y.bool(m.get("detach"), what + ": detach"));
        if (commands.isEmpty() && !detach && m.containsKey("failure")) {
            y.report(m.get("failure"), what + ": 'failure' is not supported by Slipway for steps without commands (plugins, an entrypoint alone) yet");
        }
        boolean pull = m.containsKey("pull") && Boolean.TRUE.equals(y.bool(m.get("pull"), what + ": pull"));
        String directory = m.containsKey("directory") ? y.scalar(m.get("directory"), what + ": directory") : null;
        if (directory != null && !directory.startsWith("/") && List.of(directory.split("/")).contains("..")) {
            y.report(m.get("directory"), what + ": a relative directory is in the workspace: without '..'");
        }
        List<String> dependsOn = m.containsKey("depends_on") ? y.strings(m.get("depends_on"), what + ": depends_on") : null;
        List<When> when = whens(m.get("when"), false);
        return new Step(name, image == null ? "" : image, commands, entrypoint, environment, secrets, settings, when, dependsOn,
                failureIgnore, detach, directory, pull, service);
    }

    /**
     * A service's {@code ports}: numbers, or {@code 51820/udp}. Checked only: on the workflow's
     * network every port of a service is reachable by its name, and none is published on the host.
     */
    private void ports(Node node, String what) {
        if (!(node instanceof SequenceNode seq)) {
            y.report(node, what + " must be a list of ports");
            return;
        }
        for (Node item : seq.getValue()) {
            String p = y.scalar(item, what + " items");
            if (p != null && !p.matches("([1-9][0-9]{0,4})(/(tcp|udp))?")) {
                y.report(item, what + ": '" + p + "' is not a port (a number, or a number/tcp or /udp)");
            } else if (p != null && Integer.parseInt(p.replaceFirst("/.*", "")) > 65535) {
                y.report(item, what + ": " + p + " is not a port: ports go up to 65535");
            }
        }
    }

    /** The older {@code secrets}: names (the variable is the name in upper case) or {@code {source, target}}; variable to secret. */
    private Map<String, String> secrets(Node node, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        List<Node> items = node instanceof SequenceNode seq ? seq.getValue() : YamlFile.isNull(node) ? List.of() : List.of(node);
        for (Node item : items) {
            if (item instanceof MappingNode) {
                Map<String, Node> st = y.mapping(item, what);
                y.unknownKeys(st, (MappingNode) item, List.of("source", "target"), what);
                String source = st.containsKey("source") ? y.scalar(st.get("source"), what + ".source") : null;
                String target = st.containsKey("target") ? y.scalar(st.get("target"), what + ".target") : source;
                if (source == null) {
                    y.report(item, what + ": a secret needs its source");
                } else if (target != null) {
                    out.put(target.toUpperCase(java.util.Locale.ROOT), source);
                }
            } else {
                String name = y.scalar(item, what);
                if (name != null) {
                    out.put(name.toUpperCase(java.util.Locale.ROOT), name);
                }
            }
        }
        return out;
    }

    /** Commands: a string or a list of strings. A list item that YAML read as a mapping is the seed's gotcha: it says to quote. */
    private List<String> commands(Node node, String what) {
        if (node instanceof SequenceNode seq) {
            List<String> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (item instanceof MappingNode) {
                    y.report(item, what + ": this command is a YAML mapping, not a string: a ':' followed by a space or the line's end "
                            + "starts a key (as an unquoted ${A}:${B} does when the values are empty); quote the command");
                } else if (item instanceof ScalarNode s) {
                    out.add(s.getValue());
                } else {
                    y.report(item, what + " must be strings");
                }
            }
            return out;
        }
        return y.strings(node, what);
    }

    /** An environment or settings value: {@code from_secret}, else its text (lists and maps as JSON, as Woodpecker passes them). */
    private Step.Value value(Node node, String what) {
        if (node instanceof MappingNode) {
            Map<String, Node> m = y.mapping(node, what);
            if (m != null && m.size() == 1 && m.containsKey("from_secret")) {
                String secret = y.scalar(m.get("from_secret"), what + ".from_secret");
                return new Step.Value.FromSecret(secret == null ? "" : secret);
            }
        }
        if (node instanceof ScalarNode s) {
            return new Step.Value.Text(YamlFile.isNull(node) ? "" : s.getValue());
        }
        // As Woodpecker hands settings to plugins: a list of plain values joined with commas, anything else as JSON.
        if (node instanceof SequenceNode seq && seq.getValue().stream().allMatch(n -> n instanceof ScalarNode)) {
            return new Step.Value.Text(String.join(",", seq.getValue().stream().map(n -> ((ScalarNode) n).getValue()).toList()));
        }
        return new Step.Value.Text(json(node).toString());
    }

    private JsonNode json(Node node) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (node) {
            case MappingNode m -> {
                ObjectNode o = f.objectNode();
                Map<String, Node> entries = y.mapping(m, "a value");
                if (entries != null) {
                    entries.forEach((k, v) -> o.set(k, json(v)));
                }
                yield o;
            }
            case SequenceNode s -> {
                ArrayNode a = f.arrayNode();
                s.getValue().forEach(v -> a.add(json(v)));
                yield a;
            }
            default -> YamlFile.isNull(node) ? f.nullNode() : f.textNode(((ScalarNode) node).getValue());
        };
    }

    private List<When> whens(Node node, boolean workflow) {
        if (YamlFile.isNull(node)) {
            return List.of();
        }
        if (node instanceof SequenceNode seq) {
            List<When> out = new ArrayList<>();
            seq.getValue().forEach(n -> out.add(when(n, workflow)));
            return out;
        }
        return List.of(when(node, workflow));
    }

    private When when(Node node, boolean workflow) {
        Map<String, Node> m = y.mapping(node, "when");
        if (m == null) {
            return When.ANY;
        }
        y.unknownKeys(m, (MappingNode) node, WHEN_KEYS, "when");
        List<String> events = y.strings(m.get("event"), "when.event");
        for (String e : events) {
            if (!When.EVENTS.contains(e)) {
                y.report(m.get("event"), "when.event: unknown event '" + e + "' (known: " + String.join(", ", When.EVENTS) + ")");
            }
        }
        List<String> status = y.strings(m.get("status"), "when.status");
        for (String s : status) {
            if (!s.equals("success") && !s.equals("failure")) {
                y.report(m.get("status"), "when.status takes success and failure, not '" + s + "'");
            }
        }
        if (workflow && !status.isEmpty()) {
            y.report(m.get("status"), "when.status is for steps; a workflow uses runs_on");
        }
        Evaluate evaluate = null;
        String evaluateAt = null;
        if (m.containsKey("evaluate")) {
            Node e = m.get("evaluate");
            String text = y.scalar(e, "when.evaluate");
            if (text != null) {
                evaluateAt = y.at(e, 0);
                try {
                    evaluate = Evaluate.parse(text);
                } catch (Evaluate.SyntaxError bad) {
                    y.reportAt(e, bad.offset, "when.evaluate: " + bad.getMessage());
                }
            }
        }
        Boolean local = null;
        if (!YamlFile.isNull(m.get("local"))) {
            String text = y.scalar(m.get("local"), "when.local");
            if ("true".equals(text) || "false".equals(text)) {
                local = Boolean.valueOf(text);
            } else if (text != null) {
                y.report(m.get("local"), "when.local takes true or false, not '" + text + "'");
            }
        }
        When.MatrixFilter matrix = When.MatrixFilter.ANY;
        if (m.containsKey("matrix")) {
            if (workflow) {
                y.report(m.get("matrix"), "when.matrix is for steps: every workflow of a matrix has the workflow's when");
            }
            Map<String, Node> mm = y.mapping(m.get("matrix"), "when.matrix");
            if (mm != null) {
                Map<String, String> include = new LinkedHashMap<>();
                Map<String, String> exclude = new LinkedHashMap<>();
                mm.forEach((k, v) -> {
                    if ((k.equals("include") || k.equals("exclude")) && v instanceof MappingNode) {
                        Map<String, Node> inner = y.mapping(v, "when.matrix." + k);
                        inner.forEach((ik, iv) -> (k.equals("include") ? include : exclude).put(ik,
                                YamlFile.isNull(iv) ? "" : y.scalar(iv, "when.matrix." + k + "." + ik)));
                    } else {
                        include.put(k, YamlFile.isNull(v) ? "" : y.scalar(v, "when.matrix." + k));
                    }
                });
                matrix = new When.MatrixFilter(include, exclude);
            }
        }
        When.PathFilter paths = null;
        if (m.containsKey("path")) {
            Node p = m.get("path");
            if (p instanceof MappingNode) {
                Map<String, Node> pm = y.mapping(p, "when.path");
                y.unknownKeys(pm, (MappingNode) p, List.of("include", "exclude", "on_empty", "ignore_message"), "when.path");
                boolean onEmpty = !pm.containsKey("on_empty") || Boolean.TRUE.equals(y.bool(pm.get("on_empty"), "when.path.on_empty"));
                String ignore = pm.containsKey("ignore_message") ? y.scalar(pm.get("ignore_message"), "when.path.ignore_message") : "";
                paths = new When.PathFilter(new When.Filter(y.strings(pm.get("include"), "when.path.include"),
                        y.strings(pm.get("exclude"), "when.path.exclude")), onEmpty, ignore == null ? "" : ignore);
            } else {
                paths = new When.PathFilter(new When.Filter(y.strings(p, "when.path"), List.of()), true, "");
            }
        }
        return new When(events, filter(m.get("branch"), "when.branch"), filter(m.get("ref"), "when.ref"), filter(m.get("repo"), "when.repo"),
                filter(m.get("instance"), "when.instance"), filter(m.get("cron"), "when.cron"), paths, status, matrix, evaluate, evaluateAt,
                filter(m.get("platform"), "when.platform"), filter(m.get("environment"), "when.environment"), local);
    }

    /** A string, a list, or {@code {include, exclude}}. */
    private When.Filter filter(Node node, String what) {
        if (YamlFile.isNull(node)) {
            return When.Filter.ANY;
        }
        if (node instanceof MappingNode mn) {
            Map<String, Node> m = y.mapping(node, what);
            y.unknownKeys(m, mn, List.of("include", "exclude"), what);
            return new When.Filter(y.strings(m.get("include"), what + ".include"), y.strings(m.get("exclude"), what + ".exclude"));
        }
        return new When.Filter(y.strings(node, what), List.of());
    }
}
