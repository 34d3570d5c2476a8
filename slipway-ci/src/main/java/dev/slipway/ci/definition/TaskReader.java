package dev.slipway.ci.definition;

import dev.slipway.ci.model.Condition;
import dev.slipway.ci.model.Permissions;
import dev.slipway.ci.model.Publish;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.model.Task.CacheMount;
import dev.slipway.ci.model.Task.DeployMount;
import dev.slipway.ci.model.Task.NetworkPolicy;
import dev.slipway.ci.model.Task.Resources;
import dev.slipway.ci.model.Task.SecretRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads one task. Names it refers to (images, tasks, variables) are checked against what the
 * pipeline declares; cycles need the whole graph and are checked by {@link PipelineReader}.
 */
final class TaskReader {
    private static final Set<String> KEYS = Set.of("image", "commands", "depends_on", "env", "secrets", "caches", "outputs",
            "network", "deploy", "timeout", "resources", "when", "publish", "runs_on");
    /** What a publish task may have besides 'publish': it runs no container of its own. */
    private static final Set<String> PUBLISH_TASK_KEYS = Set.of("publish", "depends_on", "timeout", "when");
    private static final Set<String> SECRET_KEYS = Set.of("name", "env", "file");
    private static final Set<String> CACHE_KEYS = Set.of("name", "path", "shared");
    private static final Set<String> DEPLOY_KEYS = Set.of("target", "path");
    private static final Set<String> RESOURCE_KEYS = Set.of("memory", "cpus");
    private static final String DEFAULT_DEPLOY_PATH = "/deploy";

    private final Source source;
    private final Set<String> images;
    private final Set<String> tasks;
    private final Set<String> variables;
    private final ConditionReader conditions;
    private final PublishReader publishes;
    /** For each task, the depends_on item naming each dependency: where a cycle is reported. */
    private final Map<String, Map<String, Node>> dependencyNodes = new HashMap<>();
    /** The current task's mount points: path to what is mounted there. */
    private final Map<String, String> mountPoints = new HashMap<>();

    TaskReader(Source source, Set<String> images, Set<String> tasks, Set<String> variables, Permissions permissions) {
        this.source = source;
        this.images = images;
        this.tasks = tasks;
        this.variables = variables;
        this.conditions = new ConditionReader(source, variables);
        this.publishes = new PublishReader(source, images, variables, permissions);
    }

    Map<String, Map<String, Node>> dependencyNodes() {
        return dependencyNodes;
    }

    /** The task, or null when it has problems (all reported). */
    Task read(String name, ScalarNode nameNode, Node value) {
        String where = "task '" + name + "'";
        int before = source.problemCount();
        mountPoints.clear();
        Fields f = source.fields(value, nameNode, where, KEYS);
        if (f.has("publish")) {
            return publishTask(name, f, where, before);
        }

        String image = imageOf(f, where);
        List<String> commands = commands(f, where);
        List<String> dependsOn = dependsOn(name, f, where);
        Map<String, String> env = env(f, where);
        List<SecretRef> secrets = secrets(f, where, env);
        List<CacheMount> caches = caches(f, where);
        List<String> outputs = outputs(f, where);
        NetworkPolicy network = network(f, where);
        DeployMount deploy = deploy(f, where);
        Duration timeout = timeout(f, where);
        Resources resources = resources(f, where);
        Condition when = conditions.read(f, name);
        List<String> runsOn = runsOn(f, where);

        if (source.problemCount() > before || !f.isMapping()) {
            return null;
        }
        return new Task(name, image, commands, dependsOn, env, secrets, caches, outputs, network, deploy, timeout, resources, when, null,
                runsOn);
    }

    /** A task that pushes an image: {@code publish}, and when it runs ({@code depends_on}, {@code timeout}, {@code when}). */
    private Task publishTask(String name, Fields f, String where, int before) {
        for (Fields.Entry e : f.entries()) {
            if (PUBLISH_TASK_KEYS.contains(e.key()) || !KEYS.contains(e.key())) {
                continue;
            }
            source.report(e.keyNode(), switch (e.key()) {
                case "commands" -> "'commands' does not go with 'publish' in " + where + ": a publish task pushes an image and runs"
                        + " no commands; put the commands in a task of their own";
                case "image" -> "'image' does not go with 'publish' in " + where + ": name the image to push under 'publish'"
                        + " (publish: { image: ..., to: ..., tags: [...] })";
                default -> "'" + e.key() + "' does not apply to a publish task (" + where + " runs no container; it may have"
                        + " depends_on, timeout and when)";
            });
        }
        Node node = f.get("publish");
        if (node == null) {
            source.report(f.keyNode("publish"), "'publish' in " + where + " needs a value: { image: ..., to: ..., tags: [...] }");
        }
        Publish publish = node == null ? null : publishes.read(node, f.keyNode("publish"), where);
        List<String> dependsOn = dependsOn(name, f, where);
        Duration timeout = timeout(f, where);
        Condition when = conditions.read(f, name);
        if (source.problemCount() > before || publish == null) {
            return null;
        }
        return new Task(name, publish.image(), List.of(), dependsOn, Map.of(), List.of(), List.of(), List.of(), NetworkPolicy.DEFAULT,
                null, timeout, Resources.NONE, when, publish);
    }

    private String imageOf(Fields f, String where) {
        return declaredImage(source, f, where, images);
    }

    /** {@code image}, which must name an image the pipeline declares (a task's, or a publish task's). */
    static String declaredImage(Source source, Fields f, String where, Set<String> images) {
        Node node = f.require("image");
        String image = node == null ? null : source.text(node, "'image' of " + where);
        if (image != null && !images.contains(image)) {
            source.report(node, where + " uses undeclared image '" + image + "'" + (images.isEmpty()
                    ? " (declare it under 'images')" : Syntax.didYouMean(image, images)));
        }
        return image;
    }

    /** A list of shell lines, or one string (typically a {@code |} block): kept byte for byte, never split. */
    private List<String> commands(Fields f, String where) {
        Node node = f.require("commands");
        List<String> commands = new ArrayList<>();
        for (Source.Text command : source.texts(node, "'commands' of " + where, "a command of " + where)) {
            if (command.value().isBlank()) {
                source.report(command.node(), "a command of " + where + " is empty");
            }
            checkVariables(command.node(), command.value(), where, true);
            commands.add(command.value());
        }
        if (node instanceof SequenceNode list && list.getValue().isEmpty()) {
            source.report(node, where + " has no commands");
        }
        return commands;
    }

    private List<String> dependsOn(String name, Fields f, String where) {
        List<String> deps = new ArrayList<>();
        Map<String, Node> nodes = new LinkedHashMap<>();
        dependencyNodes.put(name, nodes);
        for (Source.Text dep : source.texts(f.get("depends_on"), "'depends_on' of " + where, "a dependency of " + where)) {
            if (!tasks.contains(dep.value())) {
                source.report(dep.node(), where + " depends on unknown task '" + dep.value() + "'" + Syntax.didYouMean(dep.value(), tasks));
            } else if (nodes.putIfAbsent(dep.value(), dep.node()) != null) {
                source.report(dep.node(), where + " lists '" + dep.value() + "' twice in depends_on");
            }
            deps.add(dep.value());
        }
        return deps;
    }

    private Map<String, String> env(Fields f, String where) {
        Node node = f.get("env");
        Map<String, String> env = new LinkedHashMap<>();
        if (node == null) {
            return env;
        }
        for (Fields.Entry e : source.fields(node, f.keyNode("env"), "'env' of " + where, null).entries()) {
            source.checkEnvName(e.keyNode(), e.key(), "environment variable");
            String value = source.text(e, "env '" + e.key() + "' of " + where);
            if (value != null) {
                checkVariables(e.value(), value, where, false);
                env.put(e.key(), value);
            }
        }
        return env;
    }

    private List<SecretRef> secrets(Fields f, String where, Map<String, String> env) {
        Node node = f.get("secrets");
        List<SecretRef> secrets = new ArrayList<>();
        if (node == null) {
            return secrets;
        }
        Set<String> names = new HashSet<>();
        Set<String> envs = new HashSet<>(env.keySet());
        for (Node item : source.items(node, "'secrets' of " + where)) {
            SecretRef ref = secret(item, where);
            if (ref == null) {
                continue;
            }
            if (!names.add(ref.name())) {
                source.report(item, where + " lists secret '" + ref.name() + "' twice");
            } else if (ref.env() != null && !envs.add(ref.env())) {
                source.report(item, "secret '" + ref.name() + "' of " + where + " would set " + ref.env()
                        + ", which the task already sets");
            }
            secrets.add(ref);
        }
        return secrets;
    }

    /** {@code NAME} (as the variable NAME), or {@code {name, env?, file?}}; with neither env nor file, env is the name. */
    private SecretRef secret(Node item, String where) {
        if (item instanceof ScalarNode) {
            String name = source.text(item, "a secret of " + where);
            if (name == null || !source.checkName(item, name, "secret")) {
                return null;
            }
            if (!Syntax.ENV_NAME.matcher(name).matches()) {
                source.report(item, "secret '" + name + "' is not a valid environment variable name;"
                        + " write { name: " + name + ", env: SOME_NAME } or { name: " + name + ", file: /run/secrets/" + name + " }");
                return null;
            }
            return source.checkEnvName(item, name, "environment variable") ? new SecretRef(name, name, null) : null;
        }
        Fields f = source.fields(item, item, "a secret of " + where, SECRET_KEYS);
        Node nameNode = f.require("name");
        String name = nameNode == null ? null : source.text(nameNode, "the name of a secret of " + where);
        if (name == null || !source.checkName(nameNode, name, "secret")) {
            return null;
        }
        String env = f.text("env", "'env' of secret '" + name + "'");
        String file = f.text("file", "'file' of secret '" + name + "'");
        if (env != null && !source.checkEnvName(f.get("env"), env, "environment variable")) {
            return null;
        }
        if (file != null && !source.checkAbsolute(f.get("file"), file, "'file' of secret '" + name + "'")) {
            return null;
        }
        if (file != null) {
            claimMountPoint(f.get("file"), file, "secret '" + name + "'", where);
        }
        if (env == null && file == null) {
            if (!Syntax.ENV_NAME.matcher(name).matches()) {
                source.report(nameNode, "secret '" + name + "' is not a valid environment variable name; give 'env' or 'file'");
                return null;
            }
            env = name;
        }
        return new SecretRef(name, env, file);
    }

    private List<CacheMount> caches(Fields f, String where) {
        Node node = f.get("caches");
        List<CacheMount> caches = new ArrayList<>();
        if (node == null) {
            return caches;
        }
        Set<String> names = new HashSet<>();
        for (Node item : source.items(node, "'caches' of " + where)) {
            Fields c = source.fields(item, item, "a cache of " + where, CACHE_KEYS);
            Node nameNode = c.require("name");
            String name = nameNode == null ? null : source.text(nameNode, "the name of a cache of " + where);
            Node pathNode = c.require("path");
            String path = pathNode == null ? null : source.text(pathNode, "the path of a cache of " + where);
            Node sharedNode = c.get("shared");
            Boolean shared = sharedNode == null ? Boolean.FALSE : source.flag(sharedNode, "'shared' of a cache of " + where);
            if (name == null || path == null || shared == null || !source.checkName(nameNode, name, "cache")
                    || !source.checkAbsolute(pathNode, path, "the path of cache '" + name + "'")) {
                continue;
            }
            if (!names.add(name)) {
                source.report(nameNode, where + " lists cache '" + name + "' twice");
            }
            claimMountPoint(pathNode, path, "cache '" + name + "'", where);
            caches.add(new CacheMount(name, path, shared));
        }
        return caches;
    }

    private List<String> outputs(Fields f, String where) {
        List<String> outputs = new ArrayList<>();
        for (Source.Text output : source.texts(f.get("outputs"), "'outputs' of " + where, "an output of " + where)) {
            if (!Syntax.isRelativePath(output.value())) {
                source.report(output.node(), "output '" + output.value() + "' of " + where
                        + " must be a path relative to the working directory, without '..'");
            }
            outputs.add(output.value());
        }
        return outputs;
    }

    /** {@code runs_on}: labels a runner must have, a list or one label ({@code local} is the server's own executor). */
    private List<String> runsOn(Fields f, String where) {
        List<String> labels = new ArrayList<>();
        Node node = f.get("runs_on");
        if (node instanceof ScalarNode) {
            String one = source.text(node, "'runs_on' of " + where);
            return one == null || one.isBlank() ? List.of() : List.of(one.trim());
        }
        for (Source.Text label : source.texts(node, "'runs_on' of " + where, "a label in 'runs_on' of " + where)) {
            if (!label.value().matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")) {
                source.report(label.node(), "label '" + label.value() + "' in 'runs_on' of " + where
                        + " must be letters, digits, . _ : - (at most 64)");
            }
            labels.add(label.value());
        }
        return labels;
    }

    private NetworkPolicy network(Fields f, String where) {
        Node node = f.get("network");
        String text = node == null ? null : source.text(node, "'network' of " + where);
        if (text == null) {
            return NetworkPolicy.DEFAULT;
        }
        return switch (text) {
            case "default" -> NetworkPolicy.DEFAULT;
            case "none" -> NetworkPolicy.NONE;
            default -> {
                source.report(node, "'network' of " + where + " must be 'default' or 'none', not '" + text + "'"
                        + Syntax.didYouMean(text, Set.of("default", "none")));
                yield NetworkPolicy.DEFAULT;
            }
        };
    }

    /** {@code deploy: sites} or {@code deploy: { target: sites, path: /srv/out }}. */
    private DeployMount deploy(Fields f, String where) {
        Node node = f.get("deploy");
        if (node == null) {
            return null;
        }
        Node targetNode = node;
        Node pathNode = node;
        String path = DEFAULT_DEPLOY_PATH;
        if (node instanceof MappingNode) {
            Fields d = source.fields(node, f.keyNode("deploy"), "'deploy' of " + where, DEPLOY_KEYS);
            targetNode = d.require("target");
            String given = d.text("path", "the deploy path of " + where);
            if (given != null) {
                pathNode = d.get("path");
                if (!source.checkAbsolute(pathNode, given, "the deploy path of " + where)) {
                    return null;
                }
                path = given;
            }
        }
        String target = targetNode == null ? null : source.text(targetNode, "the deploy target of " + where);
        if (target == null || !source.checkName(targetNode, target, "deploy target")) {
            return null;
        }
        claimMountPoint(pathNode, path, "deploy target '" + target + "'", where);
        return new DeployMount(target, path);
    }

    private Duration timeout(Fields f, String where) {
        Node node = f.get("timeout");
        String text = node == null ? null : source.text(node, "'timeout' of " + where);
        if (text == null) {
            return null;
        }
        Duration d = Quantities.duration(text);
        if (d == null) {
            source.report(node, "'timeout' of " + where + " must be a duration such as 30s, 10m or 1h30m, not '" + text + "'");
        }
        return d;
    }

    private Resources resources(Fields f, String where) {
        Node node = f.get("resources");
        if (node == null) {
            return Resources.NONE;
        }
        Fields r = source.fields(node, f.keyNode("resources"), "'resources' of " + where, RESOURCE_KEYS);
        Long memory = null;
        String memoryText = r.text("memory", "'memory' of " + where);
        if (memoryText != null) {
            memory = Quantities.bytes(memoryText);
            if (memory == null) {
                source.report(r.get("memory"), "'memory' of " + where + " must be a size such as 512MiB or 2GiB, not '" + memoryText + "'");
            } else if (memory < Quantities.MIN_MEMORY) {
                source.report(r.get("memory"), "'memory' of " + where + " is below Docker's minimum of 6MiB");
            }
        }
        Double cpus = null;
        String cpusText = r.text("cpus", "'cpus' of " + where);
        if (cpusText != null) {
            cpus = Quantities.cpus(cpusText);
            if (cpus == null) {
                source.report(r.get("cpus"), "'cpus' of " + where + " must be a number of CPUs such as 1 or 1.5 (at least 0.01), not '" + cpusText + "'");
            }
        }
        return memory == null && cpus == null ? Resources.NONE : new Resources(memory, cpus);
    }

    /** Two mounts at one path would hide one of them; each path is claimed as it is read. */
    private void claimMountPoint(Node at, String path, String what, String where) {
        String normalized = path.length() > 1 ? path.replaceAll("/+$", "") : path;
        String first = mountPoints.putIfAbsent(normalized, what);
        if (first != null) {
            source.report(at, where + " mounts " + what + " at " + path + ", where it already mounts " + first);
        }
    }

    /** In commands ({@code shell}) references to undeclared names are the shell's; see {@link Variables#check}. */
    private void checkVariables(Node node, String text, String where, boolean shell) {
        Variables.check(source, node, text, where, shell ? null : "env values", variables);
    }
}
