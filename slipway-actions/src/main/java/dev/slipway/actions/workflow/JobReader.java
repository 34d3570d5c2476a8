package dev.slipway.actions.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.ci.definition.Dag;
import dev.slipway.core.Suggestions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code jobs:}, then checks what needs all of them: {@code needs} names existing jobs,
 * forms no cycle, and leaves at least one job to start with.
 */
final class JobReader {
    private static final List<String> COMMON = List.of("name", "needs", "if", "strategy", "permissions", "concurrency");
    private static final List<String> STEPS_ONLY = List.of("runs-on", "timeout-minutes", "continue-on-error", "container", "services",
            "env", "environment", "outputs", "defaults", "steps");
    private static final List<String> CALL_ONLY = List.of("uses", "with", "secrets");
    private static final Keys STEPS_JOB_KEYS = keys(STEPS_ONLY)
            .unsupported("cancel-timeout-minutes", "a cancelled job is stopped at once")
            .unsupported("snapshot", "runner images are not snapshotted")
            .misplaced(List.of("with", "secrets"), "it belongs to a job that calls a reusable workflow ('uses'); a job with"
                    + " steps passes values in 'env'");
    private static final Keys CALL_JOB_KEYS = keys(CALL_ONLY)
            .misplaced(STEPS_ONLY, "a job that calls a reusable workflow ('uses') runs the jobs of that workflow, so it cannot"
                    + " have its own; set it in the called workflow");
    private static final Keys RUNS_ON_KEYS = Keys.of("labels").unsupported("group", "Slipway has no runner groups; the labels decide");
    private static final Keys STRATEGY_KEYS = Keys.of("matrix", "fail-fast", "max-parallel");
    private static final Keys CONTAINER_KEYS = Keys.of("image", "options", "env", "ports", "volumes", "credentials");
    private static final Keys SERVICE_KEYS = Keys.of("image", "options", "env", "ports", "volumes", "credentials", "entrypoint", "command");
    private static final Keys CREDENTIALS_KEYS = Keys.of("username", "password");
    private static final Keys ENVIRONMENT_KEYS = Keys.of("name", "url")
            .unsupported("deployment", "Slipway records no deployments");
    /** A service's name becomes its host name on the job's network. */
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private final Doc doc;
    private final ValueReader values;
    private final CommonReader common;
    private final Map<String, List<Doc.Text>> needs = new LinkedHashMap<>();

    JobReader(Doc doc, ValueReader values, CommonReader common) {
        this.doc = doc;
        this.values = values;
        this.common = common;
    }

    private static Keys keys(List<String> own) {
        List<String> all = new ArrayList<>(COMMON);
        all.addAll(own);
        return Keys.of(all.toArray(String[]::new));
    }

    SequencedMap<String, Job> read(Mapping top) {
        SequencedMap<String, Job> jobs = new LinkedHashMap<>();
        Node node = top.get("jobs");
        if (node == null) {
            doc.error(top.keyNode("jobs"), top.has("jobs") ? "'jobs' needs at least one job"
                    : "a workflow needs 'jobs': at least one job, with 'runs-on' and 'steps'");
            return jobs;
        }
        Mapping m = doc.mapping(node, top.keyNode("jobs"), "jobs", null);
        if (m.isMapping() && m.entries().isEmpty()) {
            doc.error(top.keyNode("jobs"), "'jobs' is empty; a workflow needs at least one job");
        }
        for (Mapping.Entry e : m.entries()) {
            if (!common.checkId(e.keyNode(), e.key(), "job id")) {
                continue;
            }
            Job job = job(e);
            if (job != null) {
                jobs.put(e.key(), job);
            }
        }
        checkNeeds(m, top.keyNode("jobs"));
        return jobs;
    }

    private Job job(Mapping.Entry e) {
        String where = "jobs." + e.key();
        if (!(e.value() instanceof MappingNode)) {
            doc.error(Doc.isNull(e.value()) ? e.keyNode() : e.value(), where + " must be a mapping with 'runs-on' and 'steps',"
                    + " or 'uses' for a reusable workflow");
            return null;
        }
        boolean call = Mapping.of(doc, (MappingNode) e.value(), e.keyNode(), where, null).has("uses");
        Mapping m = doc.mapping(e.value(), e.keyNode(), where, call ? CALL_JOB_KEYS : STEPS_JOB_KEYS);
        int before = doc.errorCount();
        Position at = doc.at(e.keyNode());
        Value name = common.optional(m, "name", Place.JOB, where + ".name");
        List<String> needed = new ArrayList<>();
        List<Doc.Text> neededNodes = common.names(m.get("needs"), where + ".needs");
        neededNodes.forEach(t -> needed.add(t.value()));
        needs.put(e.key(), neededNodes);
        Conditional condition = m.get("if") == null ? Conditional.absent(at) : values.condition(m.get("if"), Place.JOB_IF, where + ".if");
        Strategy strategy = strategy(m, where + ".strategy");
        Permissions permissions = common.permissions(m, where + ".permissions");
        Concurrency concurrency = common.concurrency(m, Place.JOB, where + ".concurrency");
        // Parts with errors are null; a job is made only when it has none, since its records refuse null parts.
        return call ? callJob(e.key(), m, where, name, needed, condition, strategy, permissions, concurrency, at, before)
                : stepsJob(e.key(), m, where, name, needed, condition, strategy, permissions, concurrency, at, before);
    }

    private Job stepsJob(String id, Mapping m, String where, Value name, List<String> needed, Conditional condition, Strategy strategy,
                         Permissions permissions, Concurrency concurrency, Position at, int before) {
        RunsOn runsOn = runsOn(m, where);
        Environment environment = environment(m, where + ".environment");
        SequencedMap<String, Value> env = values.values(m.get("env"), m.keyNode("env"), Place.JOB_ENV, where + ".env");
        RunDefaults defaults = common.defaults(m, Place.JOB_DEFAULTS_RUN, where + ".defaults");
        SequencedMap<String, Value> outputs = values.values(m.get("outputs"), m.keyNode("outputs"), Place.JOB_OUTPUTS, where + ".outputs");
        for (Mapping.Entry o : doc.mapping(m.get("outputs"), m.keyNode("outputs"), where + ".outputs", null).entries()) {
            common.checkId(o.keyNode(), o.key(), "output");
        }
        Value timeout = common.number(m, "timeout-minutes", Place.JOB, where + ".timeout-minutes", "360");
        Value continueOnError = common.flag(m, "continue-on-error", Place.JOB, where + ".continue-on-error", false);
        Container container = m.get("container") == null ? null : container(m.get("container"), m.keyNode("container"),
                where + ".container", false);
        SequencedMap<String, Container> services = new LinkedHashMap<>();
        for (Mapping.Entry s : doc.mapping(m.get("services"), m.keyNode("services"), where + ".services", null).entries()) {
            if (!SERVICE_NAME.matcher(s.key()).matches()) {
                doc.error(s.keyNode(), "service name '" + s.key() + "' becomes its host name, so it must start with a letter or digit"
                        + " and hold only letters, digits, '.', '-' and '_' (at most 63)");
                continue;
            }
            Container service = Doc.isNull(s.value()) ? null : container(s.value(), s.keyNode(), where + ".services." + s.key(), true);
            if (Doc.isNull(s.value())) {
                doc.error(s.keyNode(), where + ".services." + s.key() + " needs an image");
            }
            if (service != null) {
                services.put(s.key(), service);
            }
        }
        List<Step> steps = new StepReader(doc, values, common).read(m, where);
        if (doc.errorCount() != before) {
            return null;
        }
        return new Job.Steps(id, name, needed, condition, strategy, permissions, concurrency, runsOn, environment, env, defaults, outputs,
                timeout, continueOnError, container, services, steps, at);
    }

    private Job callJob(String id, Mapping m, String where, Value name, List<String> needed, Conditional condition, Strategy strategy,
                        Permissions permissions, Concurrency concurrency, Position at, int before) {
        Node usesNode = m.require("uses");
        String text = usesNode == null ? null : values.literal(usesNode, where + ".uses");
        WorkflowRef uses = null;
        if (text != null) {
            try {
                uses = WorkflowRef.parse(text);
                if (uses instanceof WorkflowRef.Remote) {
                    doc.warn(usesNode, where + ".uses: reusable workflows of other repositories are not run by Slipway yet; this job"
                            + " fails when it starts. Copy the workflow into this repository and call it as ./" + WorkflowFiles.DIRECTORIES.getLast()
                            + "/NAME.yml");
                }
            } catch (IllegalArgumentException ex) {
                doc.error(usesNode, where + ".uses: " + ex.getMessage());
            }
        }
        SequencedMap<String, Value> with = new LinkedHashMap<>();
        for (Mapping.Entry w : doc.mapping(m.get("with"), m.keyNode("with"), where + ".with", null).entries()) {
            Value value = values.valueOrEmpty(w.value(), Place.JOB, where + ".with." + w.key());
            if (value != null) {
                with.put(w.key(), value);
            }
        }
        Job.CallSecrets secrets = Job.CallSecrets.NONE;
        Node secretsNode = m.get("secrets");
        if (secretsNode instanceof ScalarNode) {
            String word = values.literal(secretsNode, where + ".secrets");
            if ("inherit".equals(word)) {
                secrets = new Job.CallSecrets(true, new LinkedHashMap<>());
            } else if (word != null) {
                doc.error(secretsNode, where + ".secrets must be 'inherit' or a mapping of secret names to values, not '" + word + "'");
            }
        } else if (secretsNode != null) {
            secrets = new Job.CallSecrets(false, values.values(secretsNode, m.keyNode("secrets"), Place.JOB_ENV, where + ".secrets"));
        }
        return doc.errorCount() != before ? null
                : new Job.Call(id, name, needed, condition, strategy, permissions, concurrency, uses, with, secrets, at);
    }

    private RunsOn runsOn(Mapping m, String where) {
        Node node = m.get("runs-on");
        if (node == null) {
            doc.error(m.keyNode("runs-on"), where + " needs 'runs-on' (the runner labels, such as ubuntu-latest), or 'uses' to"
                    + " call a reusable workflow");
            return null;
        }
        Position at = doc.at(m.keyNode("runs-on"));
        String what = where + ".runs-on";
        if (node instanceof MappingNode) {
            Mapping r = doc.mapping(node, m.keyNode("runs-on"), what, RUNS_ON_KEYS);
            Value group = r.get("group") == null ? null : values.value(r.get("group"), Place.JOB, what + ".group");
            List<Value> labels = labels(r.get("labels"), what + ".labels");
            if (labels.isEmpty() && r.isMapping()) {
                doc.error(node, what + " names no labels; Slipway picks the runner by its labels only");
            }
            return new RunsOn(labels, group, at);
        }
        List<Value> labels = labels(node, what);
        return labels.isEmpty() ? null : new RunsOn(labels, null, at);
    }

    private List<Value> labels(Node node, String what) {
        List<Value> labels = new ArrayList<>();
        for (Node item : doc.items(node, what)) {
            Value label = values.value(item, Place.JOB, "a label of " + what);
            if (label != null && label.isLiteral() && label.source().isBlank()) {
                doc.error(item, "a label of " + what + " is empty");
            } else if (label != null) {
                labels.add(label);
            }
        }
        return labels;
    }

    private Environment environment(Mapping m, String where) {
        Node node = m.get("environment");
        if (node == null) {
            return null;
        }
        Position at = doc.at(m.keyNode("environment"));
        if (!(node instanceof MappingNode)) {
            Value name = values.value(node, Place.JOB, where);
            return name == null ? null : new Environment(name, null, at);
        }
        Mapping e = doc.mapping(node, m.keyNode("environment"), where, ENVIRONMENT_KEYS);
        Node nameNode = e.require("name");
        Value name = nameNode == null ? null : values.value(nameNode, Place.JOB, where + ".name");
        Value url = common.optional(e, "url", Place.ENVIRONMENT_URL, where + ".url");
        return name == null ? null : new Environment(name, url, at);
    }

    private Container container(Node node, Node owner, String where, boolean service) {
        Position at = doc.at(owner);
        if (!(node instanceof MappingNode)) {
            Value image = values.value(node, Place.JOB, where);
            return image == null ? null : new Container(image, new LinkedHashMap<>(), null, List.of(), List.of(), null, null, null, at);
        }
        Mapping c = doc.mapping(node, owner, where, service ? SERVICE_KEYS : CONTAINER_KEYS);
        Node imageNode = c.require("image");
        Value image = imageNode == null ? null : values.value(imageNode, Place.JOB, where + ".image");
        SequencedMap<String, Value> env = values.values(c.get("env"), c.keyNode("env"), Place.CONTAINER_ENV, where + ".env");
        Container.Credentials credentials = null;
        Node credentialsNode = c.get("credentials");
        if (credentialsNode != null) {
            Mapping cr = doc.mapping(credentialsNode, c.keyNode("credentials"), where + ".credentials", CREDENTIALS_KEYS);
            Node user = cr.require("username");
            Node password = cr.require("password");
            Value u = user == null ? null : values.value(user, Place.CREDENTIALS, where + ".credentials.username");
            Value p = password == null ? null : values.value(password, Place.CREDENTIALS, where + ".credentials.password");
            credentials = u == null || p == null ? null : new Container.Credentials(u, p, doc.at(c.keyNode("credentials")));
        }
        List<Value> ports = list(c.get("ports"), where + ".ports");
        List<Value> volumes = list(c.get("volumes"), where + ".volumes");
        Value options = common.optional(c, "options", Place.JOB, where + ".options");
        Value entrypoint = common.optional(c, "entrypoint", Place.JOB, where + ".entrypoint");
        Value command = common.optional(c, "command", Place.JOB, where + ".command");
        return image == null ? null : new Container(image, env, credentials, ports, volumes, options, entrypoint, command, at);
    }

    private List<Value> list(Node node, String what) {
        List<Value> list = new ArrayList<>();
        if (node != null && !(node instanceof SequenceNode)) {
            doc.error(node, what + " must be a list, not " + Doc.kind(node));
            return list;
        }
        for (Node item : doc.items(node, what)) {
            Value value = values.value(item, Place.JOB, "an item of " + what);
            if (value != null) {
                list.add(value);
            }
        }
        return list;
    }

    private Strategy strategy(Mapping m, String where) {
        Node node = m.get("strategy");
        if (node == null) {
            return null;
        }
        Mapping s = doc.mapping(node, m.keyNode("strategy"), where, STRATEGY_KEYS);
        Value failFast = s.get("fail-fast") == null ? null : common.flag(s, "fail-fast", Place.JOB_STRATEGY, where + ".fail-fast", true);
        Value maxParallel = common.number(s, "max-parallel", Place.JOB_STRATEGY, where + ".max-parallel", null);
        Matrix matrix = s.get("matrix") == null ? null : matrix(s.get("matrix"), s.keyNode("matrix"), where + ".matrix");
        if (s.has("matrix") && s.get("matrix") == null) {
            doc.error(s.keyNode("matrix"), where + ".matrix is empty; give it keys with lists of values");
        }
        return new Strategy(matrix, failFast, maxParallel, doc.at(m.keyNode("strategy")));
    }

    /**
     * A mapping of keys to lists (with include and exclude), any part of which may be an
     * expression, or one expression. Without expressions it is expanded now, so that its
     * problems are found when the file is read.
     */
    private Matrix matrix(Node node, Node key, String where) {
        int before = doc.errorCount();
        if (node instanceof ScalarNode) {
            Value whole = values.value(node, Place.JOB_STRATEGY, where);
            if (whole != null && whole.isLiteral()) {
                doc.error(node, where + " must be a mapping of keys to lists of values, or an expression such as"
                        + " ${{ fromJSON(needs.setup.outputs.matrix) }}");
            }
        } else if (node instanceof MappingNode) {
            for (Mapping.Entry e : doc.mapping(node, key, where, null).entries()) {
                boolean filter = e.key().equals("include") || e.key().equals("exclude");
                if (e.value() instanceof ScalarNode s && !Doc.isNull(s) && !s.getValue().contains("${{")) {
                    doc.error(e.value(), where + "." + e.key() + " must be a list" + (filter ? " of mappings" : " of values")
                            + " or an expression, not " + Doc.kind(e.value()));
                } else if (e.value() instanceof MappingNode) {
                    doc.error(e.value(), where + "." + e.key() + " must be a list" + (filter ? " of mappings" : " of values")
                            + ", not a mapping");
                }
                expressions(e.value(), where + "." + e.key());
            }
        } else {
            doc.error(node, where + " must be a mapping of keys to lists of values, not " + Doc.kind(node));
        }
        if (doc.errorCount() != before) {
            return null;
        }
        JsonNode definition = doc.json(node, where);
        Matrix matrix = new Matrix(definition, doc.at(key));
        if (matrix.isStatic()) {
            MatrixExpander.Result result = MatrixExpander.expand(definition);
            result.errors().forEach(message -> doc.error(node, where + ": " + message));
            result.warnings().forEach(message -> doc.warn(node, where + ": " + message));
        }
        return doc.errorCount() == before ? matrix : null;
    }

    /** Checks every expression in a matrix's values against what strategy may use. */
    private void expressions(Node node, String where) {
        switch (node) {
            case ScalarNode s -> {
                if (s.getValue().contains("${{")) {
                    values.value(s, Place.JOB_STRATEGY, where);
                }
            }
            case SequenceNode list -> list.getValue().forEach(item -> expressions(item, where));
            case MappingNode map -> doc.mapping(map, map, where, null).entries().forEach(e -> expressions(e.value(), where + "." + e.key()));
            default -> { }
        }
    }

    /**
     * Every {@code needs} names another job, the jobs form no cycle, and at least one needs
     * nothing (GitHub's and Gitea's words for the last: the workflow must contain at least one
     * job without dependencies).
     */
    private void checkNeeds(Mapping jobs, Node jobsKey) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        Map<String, Node> needsKeys = new HashMap<>();
        for (Map.Entry<String, List<Doc.Text>> e : needs.entrySet()) {
            List<String> known = new ArrayList<>();
            for (Doc.Text t : e.getValue()) {
                if (t.value().equals(e.getKey())) {
                    doc.error(t.node(), "job '" + e.getKey() + "' needs itself");
                } else if (!needs.containsKey(t.value())) {
                    doc.error(t.node(), "job '" + e.getKey() + "' needs '" + t.value() + "', which is not a job of this workflow"
                            + Suggestions.didYouMean(t.value(), needs.keySet()) + " (jobs: " + String.join(", ", needs.keySet()) + ")");
                } else {
                    known.add(t.value());
                }
            }
            edges.put(e.getKey(), known);
            Mapping.Entry job = jobs.entry(e.getKey());
            if (job != null && job.value() instanceof MappingNode) {
                needsKeys.put(e.getKey(), Mapping.of(doc, (MappingNode) job.value(), job.keyNode(), "jobs." + e.getKey(), null)
                        .keyNode("needs"));
            }
        }
        for (List<String> cycle : Dag.cycles(edges)) {
            doc.error(needsKeys.get(cycle.getFirst()), "'needs' forms a cycle: " + String.join(" -> ", cycle)
                    + " (each job must finish before the next one starts); remove one of these needs");
        }
        if (!edges.isEmpty() && edges.values().stream().noneMatch(List::isEmpty)) {
            doc.error(jobsKey, "the workflow must contain at least one job without dependencies: every job has 'needs', so none"
                    + " can start; remove 'needs' from the job that should run first");
        }
    }
}
