package dev.slipway.ci.definition;

import dev.slipway.ci.model.Concurrency;
import dev.slipway.ci.model.ImageSpec;
import dev.slipway.ci.model.Notification;
import dev.slipway.ci.model.Permissions;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.RepositoryEntry;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.model.Triggers;
import dev.slipway.ci.model.Versioning;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads one file of the native format into a {@link Pipeline}: the top level, images,
 * repositories and variables here, tasks in {@link TaskReader}, triggers in {@link TriggerReader},
 * {@code version:} in {@link VersionReader},
 * then the checks that need the whole task graph.
 */
final class PipelineReader {
    /** {@code x-} keys are ignored, as in Compose files: a place for YAML anchors shared by tasks. */
    private static final Set<String> KEYS = Set.of("on", "variables", "images", "repositories", "tasks", "version", "notify",
            "permissions", "concurrency", "x-*");
    private static final Set<String> CONCURRENCY_KEYS = Set.of("group", "cancel-in-progress");
    private static final Set<String> IMAGE_KEYS = Set.of("ref", "pull", "build");
    private static final Set<String> BUILD_KEYS = Set.of("repository", "context", "dockerfile");
    private static final Set<String> REPOSITORY_KEYS = Set.of("url", "revision", "mutable", "key", "credentials", "submodules", "name");

    private final Source source;

    PipelineReader(Source source) {
        this.source = source;
    }

    /** The pipeline, or null when the file has problems (all reported to the source). */
    Pipeline read(String name) {
        Node root = source.compose();
        if (root == null) {
            if (!source.hasProblems()) {
                source.reportFile("the file is empty; a pipeline needs 'tasks'");
            }
            return null;
        }
        Fields top = source.fields(root, root, "the pipeline", KEYS);
        Triggers triggers = new TriggerReader(source).read(top);
        Map<String, String> variables = variables(top);
        Map<String, ImageSpec> images = new LinkedHashMap<>();
        Set<String> imageNames = images(top, images);
        List<RepositoryEntry> repositories = repositories(top);
        Permissions permissions = PermissionsReader.read(source, top);
        List<Task> tasks = tasks(top, imageNames, variables.keySet(), permissions);
        Versioning version = new VersionReader(source).read(top);
        List<Notification> notify = new NotifyReader(source, variables.keySet()).read(top);
        Concurrency concurrency = concurrency(top, variables.keySet());
        return source.hasProblems() ? null
                : new Pipeline(name, images, repositories, tasks, triggers, variables, version, notify, permissions, concurrency);
    }

    /** {@code concurrency: deploy-${SLIPWAY_BRANCH}}, or {@code {group: ..., cancel-in-progress: true}}; null without it. */
    private Concurrency concurrency(Fields top, Set<String> declared) {
        Node node = top.get("concurrency");
        if (node == null) {
            return null;
        }
        Node groupNode = node;
        boolean cancel = false;
        if (node instanceof MappingNode) {
            Fields f = source.fields(node, top.keyNode("concurrency"), "'concurrency'", CONCURRENCY_KEYS);
            groupNode = f.require("group");
            Boolean flag = flag(f, "cancel-in-progress", "'concurrency'", false);
            if (groupNode == null || flag == null) {
                return null;
            }
            cancel = flag;
        }
        String group = source.text(groupNode, "the concurrency group");
        if (group == null) {
            return null;
        }
        if (group.isBlank()) {
            source.report(groupNode, "the concurrency group needs a name, such as deploy-${SLIPWAY_BRANCH}");
            return null;
        }
        Variables.check(source, groupNode, group, "the concurrency group", "concurrency groups", declared);
        return new Concurrency(group, cancel);
    }

    /** Defaults for {@code ${NAME}}; literal text, not themselves substituted. */
    private Map<String, String> variables(Fields top) {
        Map<String, String> variables = new LinkedHashMap<>();
        Node node = top.get("variables");
        if (node == null) {
            return variables;
        }
        for (Fields.Entry e : source.fields(node, top.keyNode("variables"), "'variables'", null).entries()) {
            boolean valid = source.checkEnvName(e.keyNode(), e.key(), "variable");
            String value = source.text(e, "variable '" + e.key() + "'");
            if (valid && value != null) {
                variables.put(e.key(), value);
            }
        }
        return variables;
    }

    /**
     * Fills {@code images} with the valid declarations and returns every declared name, so a task
     * naming an image whose declaration has a problem is not also told the image is undeclared.
     */
    private Set<String> images(Fields top, Map<String, ImageSpec> images) {
        Set<String> names = new LinkedHashSet<>();
        Node node = top.get("images");
        if (node == null) {
            return names;
        }
        for (Fields.Entry e : source.fields(node, top.keyNode("images"), "'images'", null).entries()) {
            names.add(e.key());
            if (!Syntax.IDENTIFIER.matcher(e.key()).matches()) {
                source.report(e.keyNode(), "image name '" + e.key() + "' must be " + Syntax.IDENTIFIER_RULE);
            }
            ImageSpec spec = image(e);
            if (spec != null) {
                images.put(e.key(), spec);
            }
        }
        return names;
    }

    /** {@code box: alpine:3.21}, {@code box: { ref: alpine:3.21, pull: always }} or {@code box: { build: {...} }}. */
    private ImageSpec image(Fields.Entry e) {
        String where = "image '" + e.key() + "'";
        if (!(e.value() instanceof MappingNode)) {
            String ref = source.text(e, where);
            return ref == null ? null : reference(e.value(), ref, ImageSpec.PullPolicy.IF_NOT_PRESENT, where);
        }
        Fields f = source.fields(e.value(), e.keyNode(), where, IMAGE_KEYS);
        Node refNode = f.get("ref");
        Node buildNode = f.get("build");
        if ((refNode == null) == (buildNode == null)) {
            source.report(e.keyNode(), where + " needs exactly one of 'ref' (an image to pull) and 'build' (a Dockerfile to build)");
            return null;
        }
        if (buildNode != null) {
            if (f.get("pull") != null) {
                source.report(f.keyNode("pull"), "'pull' of " + where + " applies to 'ref' only; a built image is never pulled");
            }
            return build(f, buildNode, where);
        }
        String ref = source.text(refNode, "'ref' of " + where);
        String pullText = f.text("pull", "'pull' of " + where);
        ImageSpec.PullPolicy pull = switch (pullText) {
            case null -> ImageSpec.PullPolicy.IF_NOT_PRESENT;
            case "if-not-present" -> ImageSpec.PullPolicy.IF_NOT_PRESENT;
            case "always" -> ImageSpec.PullPolicy.ALWAYS;
            default -> {
                source.report(f.get("pull"), "'pull' of " + where + " must be 'if-not-present' or 'always', not '" + pullText + "'"
                        + Syntax.didYouMean(pullText, Set.of("if-not-present", "always")));
                yield null;
            }
        };
        ImageSpec spec = ref == null ? null : reference(refNode, ref, pull, where);
        return pull == null ? null : spec;
    }

    private ImageSpec reference(Node node, String ref, ImageSpec.PullPolicy pull, String where) {
        if (ref.length() > 512 || !Syntax.IMAGE_REFERENCE.matcher(ref).matches()) {
            source.report(node, where + ": '" + ref + "' is not an image reference such as alpine:3.21 or registry.example/team/app:1.0");
            return null;
        }
        return new ImageSpec.Reference(ref, pull);
    }

    /** Context defaults to the checkout's root, the Dockerfile to the one in the context. */
    private ImageSpec build(Fields image, Node node, String where) {
        Fields f = source.fields(node, image.keyNode("build"), "'build' of " + where, BUILD_KEYS);
        if (!f.isMapping()) {
            return null;
        }
        int before = source.problemCount();
        String repository = f.text("repository", "'repository' of " + where);
        if (repository != null) {
            source.checkName(f.get("repository"), repository, "repository mount");
        }
        String context = f.text("context", "'context' of " + where);
        context = context == null ? "." : context;
        if (!Syntax.isRelativePath(context)) {
            source.report(f.keyNode("context"), "'context' of " + where + " must be a path in the repository, without '..'");
        }
        String dockerfile = f.text("dockerfile", "'dockerfile' of " + where);
        if (dockerfile == null) {
            dockerfile = context.equals(".") ? "Dockerfile" : context.replaceAll("/+$", "") + "/Dockerfile";
        } else if (!Syntax.isRelativePath(dockerfile)) {
            source.report(f.get("dockerfile"), "'dockerfile' of " + where + " must be a path in the repository, without '..'");
        }
        return source.problemCount() > before ? null : new ImageSpec.Build(repository, context, dockerfile);
    }

    private List<RepositoryEntry> repositories(Fields top) {
        List<RepositoryEntry> repositories = new ArrayList<>();
        Node node = top.get("repositories");
        if (node == null) {
            return repositories;
        }
        Map<String, Node> mounts = new LinkedHashMap<>();
        List<Node> items = source.items(node, "'repositories'");
        for (int i = 0; i < items.size(); i++) {
            RepositoryEntry entry = repository(items.get(i), "repository #" + (i + 1));
            if (entry == null) {
                continue;
            }
            Node at = items.get(i);
            Node first = mounts.putIfAbsent(entry.mountName(), at);
            if (first != null) {
                source.report(at, "two repositories are mounted at /src/" + entry.mountName() + " (the first at line "
                        + (first.getStartMark().getLine() + 1) + "); give one of them a different 'name'");
            }
            repositories.add(entry);
        }
        return repositories;
    }

    /**
     * {@code mutable} defaults to true: the server fetches the revision on every run. Seed 004
     * leaves mutability to the user's assertion, never guessed from the revision's shape, and the
     * safe default costs a fetch where the unsafe one would silently reuse a stale branch.
     */
    private RepositoryEntry repository(Node item, String where) {
        Fields f = source.fields(item, item, where, REPOSITORY_KEYS);
        if (!f.isMapping()) {
            return null;
        }
        int before = source.problemCount();
        Node urlNode = f.require("url");
        String url = urlNode == null ? null : source.text(urlNode, "'url' of " + where);
        if (url != null && !Syntax.GIT_URL.matcher(url).matches()) {
            source.report(urlNode, "'url' of " + where + " must be an https, ssh, git or file URL, or git@host:path, not '" + url + "'");
        }
        Node revisionNode = f.require("revision");
        String revision = revisionNode == null ? null : source.text(revisionNode, "'revision' of " + where);
        if (revision != null && (revision.startsWith("-") || !revision.matches("\\S+"))) {
            source.report(revisionNode, "'revision' of " + where + " must be a branch, tag or commit: no spaces, not starting with '-'");
        }
        Boolean mutable = flag(f, "mutable", where, true);
        String key = f.text("key", "'key' of " + where);
        if (key != null && source.checkName(f.get("key"), key, "deploy key")) {
            checkFits(f, "key", url, where);
        }
        String credentials = f.text("credentials", "'credentials' of " + where);
        if (credentials != null && source.checkEnvName(f.get("credentials"), credentials, "secret")) {
            checkFits(f, "credentials", url, where);
        }
        Boolean submodules = flag(f, "submodules", where, false);
        String name = f.text("name", "'name' of " + where);
        if (name != null) {
            source.checkName(f.get("name"), name, "mount");
        }
        if (source.problemCount() > before) {
            return null;
        }
        RepositoryEntry entry = new RepositoryEntry(url, revision, mutable, key, credentials, submodules, name);
        if (name == null && !Syntax.NAME.matcher(entry.mountName()).matches()) {
            source.report(urlNode, "cannot take a mount name from '" + url + "'; set 'name' of " + where);
            return null;
        }
        return entry;
    }

    private void checkFits(Fields f, String field, String url, String where) {
        String misfit = url == null ? null : RepositoryEntry.misfit(field, url);
        if (misfit != null) {
            source.report(f.keyNode(field), "'" + field + "' of " + where + " " + misfit);
        }
    }

    private Boolean flag(Fields f, String key, String where, boolean absent) {
        Node node = f.get(key);
        return node == null ? Boolean.valueOf(absent) : source.flag(node, "'" + key + "' of " + where);
    }

    private List<Task> tasks(Fields top, Set<String> images, Set<String> variables, Permissions permissions) {
        Node node = top.require("tasks");
        List<Task> tasks = new ArrayList<>();
        if (node == null) {
            return tasks;
        }
        Fields f = source.fields(node, top.keyNode("tasks"), "'tasks'", null);
        Set<String> names = new LinkedHashSet<>();
        for (Fields.Entry e : f.entries()) {
            names.add(e.key());
            if (!Syntax.IDENTIFIER.matcher(e.key()).matches()) {
                source.report(e.keyNode(), "task name '" + e.key() + "' must be " + Syntax.IDENTIFIER_RULE);
            }
        }
        TaskReader reader = new TaskReader(source, images, names, variables, permissions);
        for (Fields.Entry e : f.entries()) {
            Task task = reader.read(e.key(), e.keyNode(), e.value());
            if (task != null) {
                tasks.add(task);
            }
        }
        checkGraph(top.keyNode("tasks"), names, reader.dependencyNodes());
        return tasks;
    }

    /** Cycles, spelled out at the dependency that closes each, and a graph where nothing can start. */
    private void checkGraph(Node tasksKey, Set<String> names, Map<String, Map<String, Node>> dependencyNodes) {
        if (names.isEmpty()) {
            source.report(tasksKey, "'tasks' is empty; a pipeline needs at least one task");
            return;
        }
        Map<String, List<String>> edges = new LinkedHashMap<>();
        names.forEach(n -> edges.put(n, List.copyOf(dependencyNodes.getOrDefault(n, Map.of()).keySet())));
        for (List<String> cycle : Dag.cycles(edges)) {
            // cycle = [a, b, ..., z, a]: a runs after z, so a's depends_on names z.
            Node at = dependencyNodes.get(cycle.getFirst()).get(cycle.get(cycle.size() - 2));
            source.report(at, "tasks depend on each other in a cycle: " + String.join(" -> ", cycle)
                    + " (each needs the one before it)");
        }
        if (edges.values().stream().noneMatch(List::isEmpty)) {
            source.report(tasksKey, "no task can start: every task depends on another, but at least one must have no depends_on");
        }
    }
}
