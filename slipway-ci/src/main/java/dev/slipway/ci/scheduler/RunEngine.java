package dev.slipway.ci.scheduler;

import dev.slipway.ci.definition.Dag;
import dev.slipway.ci.definition.Variables;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.PushSpec;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.model.ImageSpec;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.release.Publisher;
import dev.slipway.ci.workspace.Dirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs one pipeline's tasks as a DAG on an {@link Executor}: a task is decided once every task it
 * waits for has ended ({@link Dag}), independent tasks run in parallel, and a task runs or is
 * skipped by its {@code when:} ({@link Conditions}: by default, the dependents of a task that did
 * not succeed are skipped). Used by the server's run queue and by {@code slipway exec}.
 *
 * <p>Per-run layout under {@link Plan#runDir()}:
 * <pre>
 * tasks/&lt;task&gt;/&lt;mount&gt;/upper      the task's writes to /src/&lt;mount&gt; (overlayfs upper)
 * tasks/&lt;task&gt;/&lt;mount&gt;/work       overlayfs scratch
 * tasks/&lt;task&gt;/outputs/&lt;mount&gt;/   the task's declared outputs, copied out of its upper layer
 * </pre>
 * Every mount of a task is an overlay whose lower layers are, topmost first, the outputs of the
 * tasks it (transitively) depends on, nearest first, then the base worktree. So a dependent sees a
 * task's declared outputs at the same paths, and nothing else it wrote (seed 004: the output layer
 * of one stage becomes a lower layer of the next).
 */
public final class RunEngine {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

    private final Executor executor;
    private final Map<String, Object> buildLocks = new ConcurrentHashMap<>();

    public RunEngine(Executor executor) {
        this.executor = executor;
    }

    public Executor executor() {
        return executor;
    }

    /**
     * What to run.
     *
     * @param workMount the mount name of the triggering repository: tasks start in /src/&lt;workMount&gt;
     * @param bases base worktree directory by mount name
     * @param tasks the tasks to run now (all, or a retried task and its dependents); the others are
     *              taken as already succeeded and their outputs in runDir are reused
     * @param extraEnv environment for every task (built-ins such as SLIPWAY_RUN_ID)
     * @param taskEnv per-task extra environment (resolved secrets given as env)
     * @param taskMounts per-task extra mounts (deploy targets, caches, secret files)
     * @param publisher carries out publish tasks; null where nothing can be published
     * @param containers per-task container options beyond the native model (Woodpecker's services and
     *                   detached steps); tasks without are native tasks
     */
    public record Plan(String runId, Pipeline pipeline, String workMount, Map<String, Path> bases, Path runDir,
                       Set<String> tasks, Map<String, String> variables, Map<String, String> extraEnv,
                       Map<String, Map<String, String>> taskEnv, Map<String, List<TaskSpec.Mount>> taskMounts,
                       java.util.function.Function<String, TaskSpec.PullAuth> pullAuth, Publisher publisher,
                       Map<String, ContainerOptions> containers) {
        public Plan(String runId, Pipeline pipeline, String workMount, Map<String, Path> bases, Path runDir,
                    Set<String> tasks, Map<String, String> variables, Map<String, String> extraEnv,
                    Map<String, Map<String, String>> taskEnv, Map<String, List<TaskSpec.Mount>> taskMounts,
                    java.util.function.Function<String, TaskSpec.PullAuth> pullAuth) {
            this(runId, pipeline, workMount, bases, runDir, tasks, variables, extraEnv, taskEnv, taskMounts, pullAuth, null, Map.of());
        }

        public Plan(String runId, Pipeline pipeline, String workMount, Map<String, Path> bases, Path runDir,
                    Set<String> tasks, Map<String, String> variables, Map<String, String> extraEnv,
                    Map<String, Map<String, String>> taskEnv, Map<String, List<TaskSpec.Mount>> taskMounts,
                    java.util.function.Function<String, TaskSpec.PullAuth> pullAuth, Publisher publisher) {
            this(runId, pipeline, workMount, bases, runDir, tasks, variables, extraEnv, taskEnv, taskMounts, pullAuth, publisher, Map.of());
        }

        /** The plan with the run's way back to Slipway: more environment for every task (the job token) and a publisher. */
        public Plan withAccess(Map<String, String> env, Publisher publisher) {
            Map<String, String> more = new LinkedHashMap<>(extraEnv);
            more.putAll(env);
            return new Plan(runId, pipeline, workMount, bases, runDir, tasks, variables, more, taskEnv, taskMounts, pullAuth, publisher,
                    containers);
        }

        /** The same plan with these container options. */
        public Plan withContainers(Map<String, ContainerOptions> containers) {
            return new Plan(runId, pipeline, workMount, bases, runDir, tasks, variables, extraEnv, taskEnv, taskMounts, pullAuth, publisher,
                    containers);
        }

        public Plan {
            pullAuth = pullAuth == null ? image -> null : pullAuth;
            bases = Map.copyOf(bases);
            tasks = Set.copyOf(tasks);
            variables = Map.copyOf(variables);
            extraEnv = Map.copyOf(extraEnv);
            taskEnv = Map.copyOf(taskEnv);
            taskMounts = Map.copyOf(taskMounts);
            containers = containers == null ? Map.of() : Map.copyOf(containers);
        }

        /** The task's container options ({@link ContainerOptions#NONE} for a native task). */
        public ContainerOptions container(String task) {
            return containers.getOrDefault(task, ContainerOptions.NONE);
        }
    }

    /** Receives progress. Calls for one task come in order; different tasks call concurrently. */
    public interface Listener {
        /** The sink for a task's output; called once, before the task starts. */
        Executor.OutputSink output(String task);

        /** A line from Slipway itself about the task (pulling, skipping, errors). */
        void system(String task, String line);

        void status(String task, TaskStatus status, Integer exitCode);

        /** The task does not run, for {@code reason} (its {@code when:}, or a dependency that did not succeed). */
        default void skipped(String task, String reason) {
            system(task, "skipped: " + reason);
            status(task, TaskStatus.SKIPPED, null);
        }

        /**
         * A task known when the run was created became {@code tasks} (a GitHub Actions job whose
         * matrix is expanded when it is about to start: {@code build} becomes {@code build (a)}
         * and {@code build (b)}). Called before any of them starts.
         */
        default void tasksExpanded(String placeholder, List<String> tasks) {}

        /**
         * What a task's format records beyond its status (a GitHub Actions job's steps with their
         * outcomes, annotations and step summaries), as a JSON object the run JSON shows.
         */
        default void details(String task, String json) {}
    }

    /** Stops the tasks of a run that is being cancelled. */
    public static final class Cancellation {
        private volatile boolean cancelled;
        private volatile String reason;
        private final Map<String, Executor.TaskHandle> running = new ConcurrentHashMap<>();

        public boolean cancelled() {
            return cancelled;
        }

        /** A task's container is running: a cancel stops it. */
        public void started(String task, Executor.TaskHandle h) {
            running.put(task, h);
        }

        public void ended(String task) {
            running.remove(task);
        }

        public void cancel(Executor executor) {
            cancel(executor, null);
        }

        /** Cancels with a reason that the run's message gives ({@code cancelled by run 13 in concurrency group deploy}). */
        public void cancel(Executor executor, String why) {
            if (why != null && reason == null) {
                reason = why;
            }
            cancelled = true;
            running.values().forEach(executor::stop);
        }

        /** Why the run was cancelled, when whoever cancelled it said so; else null. */
        public String reason() {
            return reason;
        }
    }

    /** Each task's final status, and the containers that ran (kept until removed or evicted). */
    public record Result(Map<String, TaskStatus> statuses, List<Executor.TaskHandle> handles) {
        /**
         * No task failed, errored or was cancelled. Skipped tasks do not count: a task skipped by
         * its condition is how a run that succeeds looks, and one skipped after a failure comes
         * with that failure. A failure that a {@code status: [failure]} task handled still counts.
         */
        public boolean success() {
            return statuses.values().stream().allMatch(s -> s == TaskStatus.SUCCESS || s == TaskStatus.SKIPPED);
        }
    }

    /** What one run has going besides its tasks' futures: its networks and its detached tasks. */
    private final class Running {
        final Plan plan;
        final Listener listener;
        final Cancellation cancellation;
        final List<Executor.TaskHandle> handles = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** Each network of the run (by the front end's name): the engine's name of it, or why it could not be made. */
        final Map<String, Object> networks = new LinkedHashMap<>();
        final Map<String, Detached> detached = new ConcurrentHashMap<>();
        /** How detached tasks ended, once stopped: it replaces the success their dependents saw. */
        final Map<String, TaskStatus> detachedEnds = new ConcurrentHashMap<>();
        /** A task of the run failed (or errored) so far ({@link ContainerOptions#statusVariable()}). */
        volatile boolean failed;

        Running(Plan plan, Listener listener, Cancellation cancellation) {
            this.plan = plan;
            this.listener = listener;
            this.cancellation = cancellation;
        }

        /** The engine's name of the run's network {@code name}, made on first use. */
        String network(String name) throws Executor.ExecutorException {
            synchronized (networks) {
                Object made = networks.get(name);
                if (made == null) {
                    try {
                        made = executor.createNetwork(plan.runId(), "net-" + name);
                    } catch (Executor.ExecutorException e) {
                        made = e;
                    }
                    networks.put(name, made);
                }
                if (made instanceof Executor.ExecutorException e) {
                    throw new Executor.ExecutorException(e.getMessage(), e);
                }
                return (String) made;
            }
        }

        void removeNetworks() {
            synchronized (networks) {
                networks.values().forEach(n -> {
                    if (n instanceof String name) {
                        executor.removeNetwork(name);
                    }
                });
                networks.clear();
            }
        }
    }

    /** A detached task's running container and how it ended. */
    private record Detached(Executor.TaskHandle handle, Executor.OutputSink sink, CompletableFuture<Executor.Exit> exit,
                            java.util.concurrent.atomic.AtomicBoolean stoppedByEngine) {}

    /** Runs the plan. Never throws for task failures. */
    public Result run(Plan plan, Listener listener, Cancellation cancellation) {
        Running running = new Running(plan, listener, cancellation);
        List<Executor.TaskHandle> handles = running.handles;
        Pipeline p = plan.pipeline();
        Dag dag = Dag.of(p);
        Map<String, String> variables = new HashMap<>(p.variables());
        variables.putAll(plan.variables());
        Conditions.Facts facts = Conditions.facts(plan.extraEnv(), variables);
        // A detached task (a service) runs again when a task it serves does: a retried step finds its services.
        Set<String> toRun = new java.util.HashSet<>(plan.tasks());
        plan.containers().forEach((task, o) -> {
            if (o.detached() && o.detachedUntil().stream().anyMatch(plan.tasks()::contains)) {
                toRun.add(task);
            }
        });
        Map<String, CompletableFuture<TaskStatus>> futures = new LinkedHashMap<>();
        for (String name : dag.topologicalOrder()) {
            Task t = p.task(name);
            List<String> waitsFor = dag.waitsFor(name);
            Map<String, CompletableFuture<TaskStatus>> before = new LinkedHashMap<>();
            dag.dependencies(name).forEach(d -> before.put(d, futures.get(d)));
            CompletableFuture<TaskStatus> f = CompletableFuture.allOf(before.values().toArray(CompletableFuture[]::new))
                    .thenApplyAsync(ignored -> {
                        if (!toRun.contains(name)) {
                            return TaskStatus.SUCCESS; // done in an earlier attempt of this run
                        }
                        if (cancellation.cancelled()) {
                            listener.status(name, TaskStatus.CANCELLED, null);
                            return TaskStatus.CANCELLED;
                        }
                        Map<String, TaskStatus> ended = new LinkedHashMap<>();
                        before.forEach((d, status) -> ended.put(d, status.join()));
                        String skip = Conditions.whyNot(t, waitsFor, ended, facts);
                        if (skip != null) {
                            listener.skipped(name, skip);
                            return TaskStatus.SKIPPED;
                        }
                        TaskStatus status = runTask(running, t);
                        if (status == TaskStatus.FAILURE || status == TaskStatus.ERROR) {
                            running.failed = true;
                        }
                        return status;
                    }, command -> Thread.ofVirtual().name("task-" + name).start(command));
            futures.put(name, f);
        }
        // Each detached task is stopped once the tasks it serves have ended.
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        plan.containers().forEach((name, o) -> {
            if (!o.detached() || !futures.containsKey(name)) {
                return;
            }
            List<CompletableFuture<TaskStatus>> served = new ArrayList<>(List.of(futures.get(name)));
            o.detachedUntil().stream().filter(u -> !u.equals(name) && futures.containsKey(u)).forEach(u -> served.add(futures.get(u)));
            stops.add(CompletableFuture.allOf(served.toArray(CompletableFuture[]::new)).handleAsync((ignored, error) -> {
                stopDetached(running, name);
                return null;
            }, command -> Thread.ofVirtual().name("stop-" + name).start(command)));
        });
        try {
            Map<String, TaskStatus> out = new LinkedHashMap<>();
            futures.forEach((name, f) -> out.put(name, f.join()));
            stops.forEach(CompletableFuture::join);
            out.putAll(running.detachedEnds);
            return new Result(out, List.copyOf(handles));
        } finally {
            running.detached.keySet().forEach(name -> stopDetached(running, name)); // none is left running, whatever happened
            running.removeNetworks();
        }
    }

    /**
     * Stops a detached task (once), waits for its container to end and reports how it ended: a
     * success when the engine stopped it, a failure when it had exited with another code by
     * itself, cancelled with the run.
     */
    private void stopDetached(Running running, String name) {
        Detached d = running.detached.remove(name);
        if (d == null) {
            return; // never started (skipped, failed to start), or stopped already
        }
        Listener listener = running.listener;
        if (!d.exit().isDone()) {
            d.stoppedByEngine().set(true);
            listener.system(name, "stopping the detached container: the steps it served have ended");
            executor.stop(d.handle());
        }
        TaskStatus status;
        Integer code = null;
        try {
            Executor.Exit exit = d.exit().join();
            code = exit.code();
            if (running.cancellation.cancelled() && !d.stoppedByEngine().get()) {
                listener.system(name, "cancelled");
                status = TaskStatus.CANCELLED;
            } else if (d.stoppedByEngine().get() || exit.code() == 0) {
                status = TaskStatus.SUCCESS;
            } else if (running.plan.container(name).failureIgnored()) {
                listener.system(name, "the detached container exited with code " + exit.code() + " by itself; ignored (failure: ignore)");
                status = TaskStatus.SUCCESS;
            } else if (exit.timedOut()) {
                listener.system(name, "timed out; stopped");
                status = TaskStatus.FAILURE;
            } else {
                listener.system(name, "the detached container exited with code " + exit.code() + " before the steps it served ended");
                status = TaskStatus.FAILURE;
            }
        } catch (RuntimeException e) {
            listener.system(name, "error: " + e.getMessage());
            status = TaskStatus.ERROR;
        }
        if (status == TaskStatus.FAILURE || status == TaskStatus.ERROR) {
            running.failed = true;
        }
        d.sink().close();
        running.cancellation.ended(name);
        listener.status(name, status, status == TaskStatus.SUCCESS ? Integer.valueOf(0) : code);
        running.detachedEnds.put(name, status);
    }

    private TaskStatus runTask(Running running, Task task) {
        Plan plan = running.plan;
        Listener listener = running.listener;
        Cancellation cancellation = running.cancellation;
        List<Executor.TaskHandle> handles = running.handles;
        if (task.publish() != null) {
            return publish(plan, task, listener);
        }
        Executor.OutputSink sink = listener.output(task.name());
        listener.status(task.name(), TaskStatus.RUNNING, null);
        Executor.TaskHandle handle = null;
        ContainerOptions options = plan.container(task.name());
        boolean detachedRunning = false;
        try {
            TaskSpec spec = spec(plan, task, line -> listener.system(task.name(), line));
            if (options.statusVariable() != null) {
                Map<String, String> env = new LinkedHashMap<>(spec.env());
                env.put(options.statusVariable(), running.failed ? "failure" : "success");
                spec = new TaskSpec(spec.runId(), spec.task(), spec.image(), spec.pullAlways(), spec.script(), env, spec.workdir(), spec.mounts(),
                        spec.network(), spec.resources(), spec.timeout(), spec.pullAuth(), spec.entrypoint(), spec.networks(), spec.runsOn());
            }
            if (options.network() != null) {
                spec = withNetwork(spec, running.network(options.network()), options.aliases());
            }
            handle = executor.start(spec, sink);
            handles.add(handle);
            cancellation.started(task.name(), handle);
            if (cancellation.cancelled()) {
                executor.stop(handle);
            }
            if (options.detached()) {
                Executor.TaskHandle h = handle;
                Duration timeout = spec.timeout();
                CompletableFuture<Executor.Exit> exit = new CompletableFuture<>();
                Thread.ofVirtual().name("detached-" + task.name()).start(() -> {
                    try {
                        exit.complete(executor.await(h, timeout));
                    } catch (Executor.ExecutorException | RuntimeException e) {
                        exit.completeExceptionally(e);
                    }
                });
                running.detached.put(task.name(), new Detached(handle, sink, exit, new java.util.concurrent.atomic.AtomicBoolean()));
                detachedRunning = true;
                listener.system(task.name(), "detached: the steps after it start now"
                        + (options.aliases().isEmpty() ? "" : " and reach it as " + String.join(", ", options.aliases()))
                        + "; it is stopped when they have ended");
                return TaskStatus.SUCCESS; // for its dependents; how it ends is reported when it is stopped
            }
            Executor.Exit exit = executor.await(handle, spec.timeout());
            sink.close();
            cancellation.ended(task.name());
            if (exit.stopped() || cancellation.cancelled()) {
                listener.system(task.name(), "cancelled");
                listener.status(task.name(), TaskStatus.CANCELLED, exit.code());
                return TaskStatus.CANCELLED;
            }
            if (exit.timedOut()) {
                listener.system(task.name(), "timed out after " + dev.slipway.core.Durations.format(spec.timeout()) + "; stopped");
                listener.status(task.name(), TaskStatus.FAILURE, exit.code());
                return TaskStatus.FAILURE;
            }
            if (!exit.success()) {
                listener.system(task.name(), "exited with code " + exit.code());
                listener.status(task.name(), TaskStatus.FAILURE, exit.code());
                return TaskStatus.FAILURE;
            }
            String missing = collectOutputs(plan, task);
            if (missing != null) {
                listener.system(task.name(), "declared output '" + missing + "' was not produced");
                listener.status(task.name(), TaskStatus.FAILURE, exit.code());
                return TaskStatus.FAILURE;
            }
            listener.status(task.name(), TaskStatus.SUCCESS, 0);
            return TaskStatus.SUCCESS;
        } catch (Executor.ExecutorException | IOException | RuntimeException e) {
            listener.system(task.name(), "error: " + e.getMessage());
            listener.status(task.name(), TaskStatus.ERROR, null);
            return TaskStatus.ERROR;
        } finally {
            if (handle != null && !detachedRunning) {
                cancellation.ended(task.name());
            }
        }
    }

    private static TaskSpec withNetwork(TaskSpec s, String network, List<String> aliases) {
        List<TaskSpec.Network> networks = new ArrayList<>(s.networks());
        networks.add(new TaskSpec.Network(network, aliases));
        return new TaskSpec(s.runId(), s.task(), s.image(), s.pullAlways(), s.script(), s.env(), s.workdir(), s.mounts(), s.network(),
                s.resources(), s.timeout(), s.pullAuth(), s.entrypoint(), networks, s.runsOn());
    }

    /** A publish task: the image resolved as for a task that runs in it, then pushed by the plan's publisher (ci/release). */
    private TaskStatus publish(Plan plan, Task task, Listener listener) {
        listener.output(task.name()).close();
        listener.status(task.name(), TaskStatus.RUNNING, null);
        java.util.function.Consumer<String> log = line -> listener.system(task.name(), line);
        try {
            if (plan.publisher() == null) {
                throw new Publisher.PublishException("this run cannot publish images");
            }
            // A built image is built by the push itself, with its labels (docker build --label): one build, not two.
            PushSpec.Source source = switch (plan.pipeline().images().get(task.image())) {
                case ImageSpec.Reference ref -> new PushSpec.Source.Image(ref.ref(), ref.pull() == ImageSpec.PullPolicy.ALWAYS,
                        plan.pullAuth().apply(ref.ref()));
                case ImageSpec.Build b -> {
                    BuildContext c = buildContext(plan, task.image(), b);
                    yield new PushSpec.Source.Build(c.dir(), c.dir().resolve(c.dockerfile()).normalize());
                }
            };
            plan.publisher().publish(task, source, values(plan, task), log);
            listener.status(task.name(), TaskStatus.SUCCESS, 0);
            return TaskStatus.SUCCESS;
        } catch (Publisher.PublishException e) {
            listener.system(task.name(), e.getMessage());
            listener.status(task.name(), TaskStatus.FAILURE, null);
            return TaskStatus.FAILURE;
        } catch (Executor.ExecutorException | IOException | RuntimeException e) {
            listener.system(task.name(), "error: " + e.getMessage());
            listener.status(task.name(), TaskStatus.ERROR, null);
            return TaskStatus.ERROR;
        }
    }

    /** A task's image as the engine names it, and whether to pull it before use. */
    private record Image(String ref, boolean pullAlways) {}

    private Image image(Plan plan, String name, java.util.function.Consumer<String> buildOutput) throws IOException {
        ImageSpec image = plan.pipeline().images().get(name);
        if (image instanceof ImageSpec.Reference ref) {
            return new Image(ref.ref(), ref.pull() == ImageSpec.PullPolicy.ALWAYS);
        }
        return new Image(build(plan, name, (ImageSpec.Build) image, buildOutput), false);
    }

    /** What {@code ${NAME}} means in the task: declared defaults, the run's values, built-ins. */
    private static Map<String, String> values(Plan plan, Task task) {
        Map<String, String> vars = new HashMap<>(plan.pipeline().variables());
        vars.putAll(plan.variables());
        vars.putAll(plan.extraEnv());
        vars.put("SLIPWAY_PIPELINE", plan.pipeline().name());
        vars.put("SLIPWAY_TASK", task.name());
        return vars;
    }

    TaskSpec spec(Plan plan, Task task) throws IOException {
        return spec(plan, task, line -> {});
    }

    /** @param buildOutput where the output of building the task's image goes (if it is built) */
    TaskSpec spec(Plan plan, Task task, java.util.function.Consumer<String> buildOutput) throws IOException {
        Pipeline p = plan.pipeline();
        Image image = image(plan, task.image(), buildOutput);
        String imageRef = image.ref();
        boolean pullAlways = image.pullAlways();
        Map<String, String> vars = values(plan, task);
        List<TaskSpec.Mount> mounts = new ArrayList<>();
        List<String> ancestors = ancestorsNearestFirst(p, task);
        // A task that went on during a restart of the server (on a runner) keeps what it wrote so far.
        boolean resumed = executor.survivesRestart(plan.runId(), task.name());
        ContainerOptions options = plan.container(task.name());
        for (var base : plan.bases().entrySet()) {
            String mount = base.getKey();
            Path dir = taskDir(plan, task.name()).resolve(mount);
            Path upper = dir.resolve("upper");
            Path work = dir.resolve("work");
            if (!resumed) {
                Dirs.reset(dir);
            }
            Files.createDirectories(upper);
            Files.createDirectories(work);
            List<Path> lowers = new ArrayList<>();
            for (String a : ancestors) {
                Path out = options.sharedWorkspace() && !plan.container(a).detached() ? taskDir(plan, a).resolve(mount).resolve("upper")
                        : taskDir(plan, a).resolve("outputs").resolve(mount);
                if (Files.isDirectory(out)) {
                    lowers.add(out);
                }
            }
            if (options.emptyCheckout()) { // nothing of the repository: an empty layer of the run's
                Path empty = plan.runDir().resolve("empty");
                Files.createDirectories(empty);
                lowers.add(empty);
            } else {
                lowers.add(base.getValue());
            }
            String target = options.checkoutAt() != null && mount.equals(plan.workMount()) ? options.checkoutAt() : "/src/" + mount;
            mounts.add(new TaskSpec.Mount.Overlay(lowers, upper, work, target));
        }
        mounts.addAll(plan.taskMounts().getOrDefault(task.name(), List.of()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CI", "true");
        env.put("SLIPWAY", "true");
        env.put("TERM", "xterm-256color");
        env.put("FORCE_COLOR", "1");
        env.put("CLICOLOR_FORCE", "1");
        env.putAll(plan.extraEnv());
        env.put("SLIPWAY_PIPELINE", p.name());
        env.put("SLIPWAY_TASK", task.name());
        task.env().forEach((k, v) -> env.put(k, Variables.substitute(v, vars)));
        env.putAll(plan.taskEnv().getOrDefault(task.name(), Map.of()));
        // stderr goes where stdout goes, so the log keeps the order the task wrote its lines in: the
        // engine reads the two streams from two pipes, and the shell's trace of each command (on
        // stderr) used to land between the lines of the command it echoed.
        StringBuilder script = new StringBuilder("unset NO_COLOR\nexec 2>&1\nset -e\nset -x\n");
        for (String c : task.commands()) {
            script.append(Variables.substituteKnown(c, vars)).append('\n');
        }
        // A task without commands runs its image's entrypoint (Woodpecker's plugins); native tasks always have commands.
        String workdir = options.workdir() != null ? options.workdir() : options.checkoutAt() != null ? options.checkoutAt()
                : "/src/" + plan.workMount();
        return new TaskSpec(plan.runId(), task.name(), imageRef, pullAlways, task.commands().isEmpty() ? null : script.toString(), env,
                workdir, mounts, task.network(), task.resources() == null ? Task.Resources.NONE : task.resources(),
                task.timeout() == null ? DEFAULT_TIMEOUT : task.timeout(), plan.pullAuth().apply(imageRef), options.entrypoint(), List.of(),
                task.runsOn().isEmpty() ? List.of("local") : task.runsOn()); // no runs_on: the server's own labels
    }

    /**
     * Builds a declared image once per content: the tag is the SHA-256 of the build context
     * (paths, modes and bytes, sorted), so every task and run naming the same content reuses it.
     */
    private String build(Plan plan, String name, ImageSpec.Build b, java.util.function.Consumer<String> output) throws IOException {
        BuildContext c = buildContext(plan, name, b);
        String tag = "slipway-build/" + name + ":" + Dirs.contentDigest(c.dir()).substring(0, 24);
        synchronized (buildLocks.computeIfAbsent(tag, k -> new Object())) {
            try {
                executor.buildImage(c.dir(), c.dockerfile(), tag, output);
            } catch (Executor.ExecutorException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        return tag;
    }

    /** A declared image's build context in the run's checkout, and its Dockerfile relative to it. */
    private record BuildContext(Path dir, String dockerfile) {}

    private static BuildContext buildContext(Plan plan, String name, ImageSpec.Build b) throws IOException {
        String mount = b.repository() == null ? plan.workMount() : b.repository();
        Path base = plan.bases().get(mount);
        if (base == null) {
            throw new IOException("image '" + name + "' is built from repository '" + mount + "', which this run does not check out");
        }
        Path context = base.resolve(b.context() == null ? "." : b.context()).normalize();
        if (!context.startsWith(base) || !Files.isDirectory(context)) {
            throw new IOException("build context " + b.context() + " of image '" + name + "' is not a directory of " + mount);
        }
        String dockerfile = b.dockerfile() == null ? "Dockerfile" : context.relativize(base.resolve(b.dockerfile()).normalize()).toString();
        return new BuildContext(context, dockerfile);
    }

    static Path taskDir(Plan plan, String task) {
        return plan.runDir().resolve("tasks").resolve(dirName(task));
    }

    /**
     * A task's directory name: the name itself when it is plain (every native task's), else the
     * name with its other characters replaced and 8 digits of its hash: the layers' paths go into
     * overlay mount options, where a comma or a colon would split them (Woodpecker's step names
     * and matrix combinations may have both).
     */
    static String dirName(String task) {
        if (task.matches("[A-Za-z0-9_][A-Za-z0-9._-]*")) {
            return task;
        }
        return task.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + dev.slipway.core.Digest.sha256(task).hex().substring(0, 8);
    }

    /** Copies the declared outputs out of the task's upper layer; returns a missing output or null. */
    private static String collectOutputs(Plan plan, Task task) throws IOException {
        if (task.outputs().isEmpty()) {
            return null; // nothing to copy, and no earlier attempt of the same definition left any
        }
        Path dir = taskDir(plan, task.name());
        Path upper = dir.resolve(plan.workMount()).resolve("upper");
        Path outRoot = dir.resolve("outputs").resolve(plan.workMount());
        Dirs.reset(outRoot);
        for (String output : task.outputs()) {
            Path src = upper.resolve(output).normalize();
            if (!src.startsWith(upper)) {
                return output;
            }
            if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.exists(plan.bases().get(plan.workMount()).resolve(output), LinkOption.NOFOLLOW_LINKS)) {
                    return output;
                }
                continue; // unchanged from the base, which dependents see anyway
            }
            Dirs.copyTree(src, outRoot.resolve(output));
        }
        return null;
    }

    static List<String> ancestorsNearestFirst(Pipeline p, Task task) {
        List<String> out = new ArrayList<>();
        List<String> frontier = new ArrayList<>(task.dependsOn());
        while (!frontier.isEmpty()) {
            List<String> next = new ArrayList<>();
            for (String n : frontier) {
                if (!out.contains(n)) {
                    out.add(n);
                    next.addAll(p.task(n).dependsOn());
                }
            }
            frontier = next;
        }
        return out;
    }

    /** The task and everything that waits for it, transitively (what a retry re-runs). */
    public static Set<String> withDependents(Pipeline p, String task) {
        Set<String> out = new java.util.LinkedHashSet<>();
        out.add(task);
        out.addAll(Dag.of(p).dependents(task));
        return out;
    }

}
