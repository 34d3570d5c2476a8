package dev.slipway.actions.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.actions.expr.ExpressionException;
import dev.slipway.actions.expr.Scope;
import dev.slipway.actions.expr.Template;
import dev.slipway.actions.run.ActionCall;
import dev.slipway.actions.run.ActionResult;
import dev.slipway.actions.run.ActionRunner;
import dev.slipway.actions.run.Composite;
import dev.slipway.actions.run.ContainerSpec;
import dev.slipway.actions.run.Hook;
import dev.slipway.actions.run.JobSession;
import dev.slipway.actions.run.Step;
import dev.slipway.actions.workflow.ActionManifest;
import dev.slipway.actions.workflow.ActionRef;
import dev.slipway.actions.workflow.RunDefaults;
import dev.slipway.actions.workflow.Value;
import dev.slipway.actions.workflow.WorkflowException;
import dev.slipway.ci.workspace.Dirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the {@code uses} steps that are not built in, for one job: an action in the workspace
 * ({@code ./path}), one fetched through the {@link ActionCache} ({@code owner/repo@ref}), or an
 * image ({@code docker://image}). An action's {@code action.yml} says how it runs:
 * <ul>
 *   <li>{@code composite}: its steps run in the job's session, inside the step that uses it;</li>
 *   <li>{@code node12} to {@code node24}: {@code node <main>} in the job's session (the image's
 *       node), with {@code pre} and {@code post} steps;</li>
 *   <li>{@code docker}: a container beside the job's, built from the action's Dockerfile or
 *       pulled ({@code docker://image}), with the workspace at {@code /github/workspace}.</li>
 * </ul>
 * Inputs reach JavaScript and Docker actions as {@code INPUT_<NAME>} variables, a composite
 * action's steps as the {@code inputs} context; declared defaults fill in what {@code with} does
 * not give. A fetched action is copied into the job's temp directory ({@code _actions/...}), where
 * the job's container sees it.
 */
public final class RepositoryActions implements ActionRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where fetched actions are put for the job, under its temp directory. */
    private static final String ACTIONS = "_actions";

    private final ActionCache cache;
    private final String workspace;
    private final Path hostWorkspace;
    /** Actions read for this job, by {@code uses} as written; a fetch that failed is kept as its failure. */
    private final Map<String, Object> actions = new ConcurrentHashMap<>();
    /** What fetching an action at job start said, for the log of the step that uses it. */
    private final Map<String, List<String>> notes = new ConcurrentHashMap<>();

    /**
     * @param workspace the job's workspace as its session sees it
     * @param hostWorkspace the run's checkout on this machine (local actions' files at job start), or null
     */
    RepositoryActions(ActionCache cache, String workspace, Path hostWorkspace) {
        this.cache = cache;
        this.workspace = workspace;
        this.hostWorkspace = hostWorkspace;
    }

    /** For {@link WorkflowProgram}: each job gets its own, fetching through {@code cache}. */
    public static WorkflowProgram.ActionsFactory using(ActionCache cache) {
        return job -> new RepositoryActions(cache, job.workspace(), job.bases().get(job.setup().workMount()));
    }

    /**
     * An action read from its {@code action.yml}.
     *
     * @param dir its directory as the path of its files: {@code path} in the workspace for a local action
     * @param hostDir its directory on this machine, or null when it is only in the job's session
     * @param fetched the fetched repository; null for a local action
     */
    private record Action(String uses, ActionManifest manifest, String dir, Path hostDir, ActionCache.Fetched fetched, ActionRef.Remote remote) {}

    @Override
    public Optional<Hook> prepare(Step.Uses step) throws IOException, InterruptedException {
        ActionRef ref = parse(step.uses());
        Action action = null;
        try {
            if (ref instanceof ActionRef.Remote remote) {
                // said in the log of the first step that uses it, when it runs
                action = remote(remote, notes.computeIfAbsent(step.uses(), u -> new ArrayList<>())::add);
            } else if (ref instanceof ActionRef.Local local && hostWorkspace != null) {
                action = localAtStart(local);
            }
        } catch (IOException e) {
            actions.put(step.uses(), e); // the step fails with it when its turn comes, as GitHub fails an action it cannot load
        }
        if (action == null) {
            return Optional.empty();
        }
        Action a = action;
        return switch (a.manifest().runs()) {
            case ActionManifest.Node n when n.pre() != null -> Optional.of(new Hook(null, n.preIf().condition(), call -> node(call, a, n.pre())));
            case ActionManifest.Docker d when d.preEntrypoint() != null ->
                    Optional.of(new Hook(null, d.preIf().condition(), call -> docker(call, a, d, d.preEntrypoint())));
            default -> Optional.empty();
        };
    }

    @Override
    public ActionResult run(ActionCall call) throws IOException, InterruptedException {
        ActionRef ref = parse(call.step().uses());
        List<String> said = notes.remove(call.step().uses());
        if (said != null) {
            said.forEach(call::log);
        }
        if (ref instanceof ActionRef.Docker d) {
            return image(call, d.image());
        }
        Action a = ref instanceof ActionRef.Local l ? local(call, l) : remote((ActionRef.Remote) ref, call::log);
        return switch (a.manifest().runs()) {
            case ActionManifest.Composite c -> composite(call, a, c);
            case ActionManifest.Node n -> {
                if (!n.using().equals("node20") && !n.using().equals("node24")) {
                    annotate(call, "warning", a.uses() + " runs on " + n.using() + ", which GitHub no longer supports; Slipway runs it with the"
                            + " node of the job's image");
                }
                if (n.post() != null) { // registered before main runs, so it runs however main ends (post-if decides)
                    call.registerPost(new Hook(null, n.postIf().condition(), post -> node(post, a, n.post())));
                }
                yield node(call, a, n.main());
            }
            case ActionManifest.Docker d -> {
                if (d.postEntrypoint() != null) {
                    call.registerPost(new Hook(null, d.postIf().condition(), post -> docker(post, a, d, d.postEntrypoint())));
                }
                yield docker(call, a, d, d.entrypoint());
            }
        };
    }

    private static ActionRef parse(String uses) throws IOException {
        try {
            return ActionRef.parse(uses);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    // ---- finding and reading actions ------------------------------------------------------

    private Action remote(ActionRef.Remote ref, java.util.function.Consumer<String> log) throws IOException, InterruptedException {
        Action known = known(ref.source());
        if (known != null) {
            return known;
        }
        ActionCache.Fetched fetched = cache.fetch(ref, log);
        Path dir = fetched.root().resolve(ref.path()).normalize();
        if (!dir.startsWith(fetched.root()) || !Files.isDirectory(dir)) {
            throw new IOException(ref.source() + ": " + fetched.url() + " at " + fetched.commit() + " has no directory '" + ref.path() + "'");
        }
        String where = ref.owner() + "/" + ref.repo() + "@" + ref.ref() + (ref.path().isEmpty() ? "" : "/" + ref.path());
        String file = Files.isRegularFile(dir.resolve("action.yml")) ? "action.yml" : Files.isRegularFile(dir.resolve("action.yaml")) ? "action.yaml" : null;
        if (file == null) {
            throw new IOException(ref.source() + ": " + fetched.url() + " at " + fetched.commit() + " has no action.yml or action.yaml"
                    + (ref.path().isEmpty() ? "" : " in " + ref.path()));
        }
        ActionManifest manifest = read(where + "/" + file, Files.readString(dir.resolve(file)));
        Action a = new Action(ref.source(), manifest, where, dir, fetched, ref);
        actions.put(ref.source(), a);
        return a;
    }

    /** The action as read at job start; what kept it from being read then fails its step now. */
    private Action known(String uses) throws IOException {
        Object known = actions.get(uses);
        if (known instanceof IOException e) {
            throw new IOException(e.getMessage(), e);
        }
        return (Action) known;
    }

    /** A local action as the run's commit has it, for its pre step; null when it is not there (a step may make it). */
    private Action localAtStart(ActionRef.Local ref) throws IOException {
        Path dir = hostWorkspace.resolve(ref.path()).normalize();
        for (String file : List.of("action.yml", "action.yaml")) {
            if (Files.isRegularFile(dir.resolve(file))) {
                Action a = new Action(ref.source(), read(join(ref.path(), file), Files.readString(dir.resolve(file))), ref.path(), dir, null, null);
                actions.put(ref.source(), a);
                return a;
            }
        }
        return null;
    }

    /** A local action: as read at job start, else from the workspace as the job's session has it now. */
    private Action local(ActionCall call, ActionRef.Local ref) throws IOException, InterruptedException {
        Action known = known(ref.source());
        if (known != null) {
            return known;
        }
        String dir = sessionPath(call.session().workspace(), ref.path());
        for (String file : List.of("action.yml", "action.yaml")) {
            String text = readInSession(call.session(), dir + "/" + file);
            if (text != null) {
                Path host = hostWorkspace == null ? null : hostWorkspace.resolve(ref.path()).normalize();
                Action a = new Action(ref.source(), read(join(ref.path(), file), text), ref.path(), host != null && Files.isDirectory(host) ? host : null,
                        null, null);
                actions.put(ref.source(), a);
                return a;
            }
        }
        throw new IOException("'uses: " + ref.source() + "': the workspace has no " + join(ref.path(), "action.yml") + " or action.yaml"
                + " (a local action is a directory of the workspace with its action.yml; did a step check it out?)");
    }

    private static ActionManifest read(String file, String text) throws IOException {
        try {
            return ActionManifest.read(file, text);
        } catch (WorkflowException e) {
            throw new IOException("the action cannot be run:\n" + e.getMessage(), e);
        }
    }

    /** A file as the session sees it, or null when it is not there. */
    private static String readInSession(JobSession session, String path) throws IOException, InterruptedException {
        try {
            return new String(session.readFile(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // not in the checkout on this machine: a step may have made it in the session
        }
        try {
            return new String(JobSession.cat(session, path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** The action's directory as the job's session sees it: in the workspace, or its copy in the job's temp directory. */
    private String actionPath(ActionCall call, Action a) throws IOException {
        if (a.fetched() == null) {
            return sessionPath(call.session().workspace(), a.dir());
        }
        ActionRef.Remote r = a.remote();
        String rel = ACTIONS + "/" + safe(r.owner()) + "/" + safe(r.repo()) + "/" + a.fetched().commit();
        Path copy = call.session().hostTemp().resolve(rel);
        synchronized (this) {
            if (!Files.isDirectory(copy)) {
                Path tmp = copy.resolveSibling(copy.getFileName() + ".tmp");
                Dirs.reset(tmp);
                Dirs.copyTree(a.fetched().root(), tmp);
                Files.move(tmp, copy);
            }
        }
        return sessionPath(call.session().temp() + "/" + rel, r.path());
    }

    private static String sessionPath(String base, String rel) {
        return rel.isEmpty() ? base : base + "/" + rel;
    }

    private static String join(String dir, String file) {
        return dir.isEmpty() ? file : dir + "/" + file;
    }

    private static String safe(String part) {
        return part.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    // ---- inputs ---------------------------------------------------------------------------

    /** {@code with} and the declared defaults; undeclared and deprecated inputs are warned about, as GitHub does. */
    private static Map<String, String> inputs(ActionCall call, Action a) {
        Map<String, String> given = call.inputs();
        Map<String, String> inputs = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            ActionManifest.Input declared = declared(a.manifest(), e.getKey());
            if (declared == null) {
                unexpected.add(e.getKey());
            } else if (declared.deprecationMessage() != null) {
                annotate(call, "warning", "Input '" + e.getKey() + "' has been deprecated with message: " + declared.deprecationMessage());
            }
            inputs.put(e.getKey(), e.getValue());
        }
        if (!unexpected.isEmpty()) {
            annotate(call, "warning", "Unexpected input(s) '" + String.join("', '", unexpected) + "', valid inputs are "
                    + a.manifest().inputs().keySet());
        }
        for (Map.Entry<String, ActionManifest.Input> e : a.manifest().inputs().entrySet()) {
            if (given.keySet().stream().noneMatch(k -> k.equalsIgnoreCase(e.getKey()))) {
                Value d = e.getValue().defaultValue();
                inputs.put(e.getKey(), d == null ? "" : d.evaluateString(call.scope()));
            }
        }
        return inputs;
    }

    /** A warning or error of the step, as a workflow command through its output: an annotation, as the runner makes it. */
    private static void annotate(ActionCall call, String level, String message) {
        String data = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
        byte[] line = ("::" + level + "::" + data + "\n").getBytes(StandardCharsets.UTF_8);
        call.output().stdout(line, 0, line.length);
    }

    private static ActionManifest.Input declared(ActionManifest m, String name) {
        for (Map.Entry<String, ActionManifest.Input> e : m.inputs().entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The environment of a JavaScript or Docker action's process: the step's, GITHUB_ACTION_PATH and INPUT_<NAME>. */
    private static Map<String, String> processEnv(ActionCall call, Map<String, String> inputs, String actionPath) {
        Map<String, String> env = new LinkedHashMap<>(call.env());
        env.put("GITHUB_ACTION_PATH", actionPath);
        inputs.forEach((k, v) -> env.put("INPUT_" + k.replace(' ', '_').toUpperCase(Locale.ROOT), v));
        return env;
    }

    // ---- running --------------------------------------------------------------------------

    private ActionResult composite(ActionCall call, Action a, ActionManifest.Composite c) throws IOException {
        List<Step> steps = new ArrayList<>();
        for (dev.slipway.actions.workflow.Step s : c.steps()) {
            steps.add(WorkflowProgram.runtimeStep(s, RunDefaults.NONE));
        }
        Map<String, Template> outputs = new LinkedHashMap<>();
        a.manifest().outputs().forEach((k, v) -> outputs.put(k, v.value().template()));
        return call.runComposite(new Composite(a.uses(), steps, inputs(call, a), outputs, actionPath(call, a)));
    }

    private ActionResult node(ActionCall call, Action a, String file) throws IOException, InterruptedException {
        String path = actionPath(call, a);
        String script = file.startsWith("/") ? file : path + "/" + file;
        int code = call.exec(List.of("node", script), processEnv(call, inputs(call, a), path), call.session().workspace());
        if (code == 127) {
            annotate(call, "error", a.uses() + " is a JavaScript action (" + ((ActionManifest.Node) a.manifest().runs()).using() + "), and the"
                    + " job's image has no node on its PATH: run the job in an image with Node.js (ci.actions.labels, or the job's container)");
        }
        return ActionResult.exit(code);
    }

    private ActionResult docker(ActionCall call, Action a, ActionManifest.Docker d, String entrypoint) throws IOException, InterruptedException {
        Map<String, String> inputs = inputs(call, a);
        Scope scope = Scope.of(Map.of("inputs", JSON.valueToTree(inputs)));
        List<String> args = new ArrayList<>();
        Map<String, String> env = processEnv(call, inputs, actionPath(call, a));
        try {
            for (Value v : d.args()) {
                args.add(v.evaluateString(scope));
            }
            d.env().forEach((k, v) -> env.put(k, v.evaluateString(scope)));
        } catch (ExpressionException e) {
            throw new IOException(a.uses() + ": runs.args or runs.env: " + e.getMessage(), e);
        }
        ContainerSpec.Image image;
        if (d.isImageReference()) {
            image = new ContainerSpec.Pull(d.image().substring("docker://".length()));
        } else {
            if (a.hostDir() == null) {
                throw new IOException(a.uses() + " builds its image from " + d.image() + ", and its directory is not on the machine running Slipway");
            }
            Path file = a.hostDir().resolve(d.image()).normalize();
            if (!file.startsWith(a.hostDir()) || !Files.isRegularFile(file)) {
                throw new IOException(a.uses() + ": runs.image: " + d.image() + " is not a file of the action (a Dockerfile, or docker://image)");
            }
            image = new ContainerSpec.Build(a.hostDir(), d.image(), "slipway-action:" + Dirs.contentDigest(a.hostDir()).replaceFirst("^sha256:", "")
                    .substring(0, 32));
        }
        return ActionResult.exit(call.runContainer(new ContainerSpec(image, entrypoint, args, containerEnv(env))));
    }

    /** {@code uses: docker://image}: the image runs with {@code with.args} and {@code with.entrypoint}. */
    private static ActionResult image(ActionCall call, String image) throws IOException, InterruptedException {
        Map<String, String> with = call.inputs();
        List<String> args = ContainerSpec.args(with.getOrDefault("args", ""));
        String entrypoint = with.getOrDefault("entrypoint", "").isBlank() ? null : with.get("entrypoint").strip();
        return ActionResult.exit(call.runContainer(new ContainerSpec(new ContainerSpec.Pull(image), entrypoint, args, containerEnv(call.env()))));
    }

    /** In the action's container the workspace is at /github/workspace, as GitHub mounts it. */
    private static Map<String, String> containerEnv(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>(env);
        out.put("GITHUB_WORKSPACE", ContainerSpec.WORKSPACE);
        out.remove("PATH"); // the job's PATH is the job image's; the action's image has its own
        return out;
    }
}
