package dev.slipway.ci.scheduler;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.ci.definition.PipelineParser;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.format.PipelineFormat;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.RepositoryEntry;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.registration.Registration;
import dev.slipway.ci.registration.Registrations;
import dev.slipway.ci.release.Releases;
import dev.slipway.ci.release.RunVersion;
import dev.slipway.ci.release.Versions;
import dev.slipway.ci.secret.SecretMasker;
import dev.slipway.ci.secret.SecretResolver;
import dev.slipway.ci.workspace.Caches;
import dev.slipway.ci.workspace.Checkouts;
import dev.slipway.ci.workspace.DeployTargets;
import dev.slipway.ci.workspace.Worktrees;
import dev.slipway.logs.LogStore;
import dev.slipway.logs.LogStream;
import dev.slipway.logs.LogWriter;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's run queue: triggers create queued runs in the database; a dispatcher takes them
 * (at most {@code maxConcurrent} at a time) and runs them with the {@link RunEngine}, writing
 * every task's output to the {@link LogStore} and its state to the database.
 *
 * <p>The queue survives restarts: queued runs stay queued and are taken after a restart. A
 * native run whose running tasks all go on without the server (on a runner, under a lease:
 * {@link Executor#survivesRestart}) is queued again and resumes: its finished tasks stay as they
 * were, its leased tasks re-attach and their logs continue. Other runs that were running are
 * marked {@code error} with a message (their containers' output can no longer be followed), and
 * a retry of a task resumes them with the same worktrees.
 */
public final class RunQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunQueue.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String INTERRUPTED = "the server stopped while this run was running; retry a task to resume it";

    /**
     * Credentials for pulling a task's image on behalf of a run: for images in this server's own
     * registry, a short-lived pull token limited to what {@code actor} may read; null otherwise.
     */
    @FunctionalInterface
    public interface ImageAuth {
        TaskSpec.PullAuth forImage(String owner, String actor, String image);
    }

    private final CiStore store;
    private final Registrations registrations;
    private final Checkouts checkouts;
    private final DeployTargets deployTargets;
    private final Caches caches;
    private final SecretResolver secrets;
    private final dev.slipway.ci.secret.RunValues configuration;
    private final LogStore logs;
    private final RunEngine engine;
    private final Path runsRoot;
    private final ImageAuth imageAuth;
    private final Releases releases;
    private final List<PipelineFormat> formats;
    private final TaskRecords taskRecords;
    private final Semaphore slots;
    private final Runnable finished;
    private final Map<Long, RunEngine.Cancellation> active = new ConcurrentHashMap<>();
    /** Runs queued again at start-up, with their tasks that went on without the server (they keep their attempt and log). */
    private final Map<Long, Set<String>> resuming = new ConcurrentHashMap<>();
    private final Versions versions;
    private final VersionLanes versionLanes = new VersionLanes();
    private final ConcurrencyGroups groups = new ConcurrencyGroups();
    /** The places in their concurrency groups of queued runs (runs without a group have none). */
    private final Map<Long, ConcurrencyGroups.Ticket> tickets = new ConcurrentHashMap<>();
    /** Queued runs already looked at for a group: the dispatcher evaluates each once. */
    private final Set<Long> entered = ConcurrentHashMap.newKeySet();
    /** Why a run's group could not be evaluated: the run ends in error with it when it is taken. */
    private final Map<Long, String> groupErrors = new ConcurrentHashMap<>();
    /** What a waiting run's message says now, so it is written once. */
    private final Map<Long, String> waitNotes = new ConcurrentHashMap<>();
    private final Object wakeUp = new Object();
    private volatile boolean stopping;
    private Thread dispatcher;

    /**
     * @param releases the job token and publisher each run gets (ci/release)
     * @param configuration the variables and secrets a job of another format sees, by its environment
     * @param formats the pipeline formats besides Slipway's own, whose runs their {@link RunProgram} executes
     * @param finished called after each run ends (the eviction pass that follows finished runs)
     */
    public RunQueue(CiStore store, Registrations registrations, Checkouts checkouts, DeployTargets deployTargets, Caches caches,
                    SecretResolver secrets, LogStore logs, RunEngine engine, Path runsRoot, int maxConcurrent, ImageAuth imageAuth,
                    Releases releases, dev.slipway.ci.secret.RunValues configuration, List<PipelineFormat> formats, Runnable finished) {
        this.formats = List.copyOf(formats);
        this.taskRecords = new TaskRecords(store);
        this.store = store;
        this.registrations = registrations;
        this.checkouts = checkouts;
        this.deployTargets = deployTargets;
        this.caches = caches;
        this.secrets = secrets;
        this.configuration = configuration;
        this.logs = logs;
        this.engine = engine;
        this.runsRoot = runsRoot;
        this.imageAuth = imageAuth == null ? (owner, actor, image) -> null : imageAuth;
        this.releases = releases;
        this.slots = new Semaphore(maxConcurrent);
        this.finished = finished;
        this.versions = new Versions(checkouts, store.jdbi());
    }

    public static String logId(long runId, String task, int attempt) {
        return "runs/" + runId + "/" + logSegment(task) + "/" + Math.max(1, attempt);
    }

    private static final java.util.regex.Pattern PLAIN_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * A task name as one log-id segment. Native names are already plain; a workflow's matrix
     * names ({@code build (a, 18)}) become their plain characters plus a hash of the whole name,
     * so two names never share a log.
     */
    static String logSegment(String task) {
        if (PLAIN_NAME.matcher(task).matches()) {
            return task;
        }
        String plain = task.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+|-+$", "");
        if (plain.length() > 48) {
            plain = plain.substring(0, 48);
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(task.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return (plain.isEmpty() ? "task" : plain)  + "-" + java.util.HexFormat.of().formatHex(d, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tasks a retry of {@code task} runs again, for a run of any format. */
    public List<String> withDependents(CiStore.RunRow run, String task) {
        if (run.isNative()) {
            return List.copyOf(RunEngine.withDependents(PipelineParser.parseOrRefuse(run.pipeline(), run.definition()), task));
        }
        RunProgram program = PipelineFormat.find(formats, run.format()).map(PipelineFormat::program)
                .orElseThrow(() -> new SlipwayException.Conflict("this server does not run '" + run.format() + "' pipelines"));
        List<String> names = store.tasks(run.id()).stream().map(CiStore.TaskRow::name).toList();
        return program.withDependents(run.definitionFile(), run.definition(), taskRecords.details(run.id()), names, task);
    }

    /**
     * Queues again the runs whose running tasks all went on without the server; closes the logs of
     * the other tasks a crash left running and marks their runs as errors; starts the dispatcher.
     */
    public void start() {
        Map<Long, List<CiStore.TaskRow>> byRun = new LinkedHashMap<>();
        store.runsWithStatus("running").forEach(r -> byRun.put(r.id(), new java.util.ArrayList<>()));
        List<CiStore.TaskRow> running = store.runningTasks();
        running.forEach(t -> byRun.computeIfAbsent(t.runId(), k -> new java.util.ArrayList<>()).add(t));
        for (var e : byRun.entrySet()) {
            if (goesOn(e.getKey(), e.getValue())) {
                resuming.put(e.getKey(), e.getValue().stream().map(CiStore.TaskRow::name).collect(java.util.stream.Collectors.toSet()));
            }
        }
        for (long id : resuming.keySet()) {
            store.requeueResumed(id);
            LOG.info("run {} was running when the server stopped; its tasks go on, so it resumes", id);
        }
        for (CiStore.TaskRow t : running) {
            String id = logId(t.runId(), t.name(), t.attempt());
            if (resuming.containsKey(t.runId())) {
                if (logs.exists(id)) {
                    try (LogWriter w = logs.open(id)) {
                        w.append(LogStream.SYSTEM, ("[slipway] the server restarted; the task went on on its runner, and its output "
                                + "continues below\n").getBytes(StandardCharsets.UTF_8));
                    } catch (IOException | RuntimeException ex) {
                        LOG.warn("cannot note the restart in the log {}: {}", id, ex.getMessage());
                    }
                }
                continue;
            }
            // The task's output after the crash is lost with the container attachment: close its log.
            if (logs.exists(id)) {
                try (LogWriter w = logs.open(id)) {
                    w.append(LogStream.SYSTEM, "[slipway] the server stopped while this task was running\n".getBytes(StandardCharsets.UTF_8));
                    w.finish(-1);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot close the log {}: {}", id, e.getMessage());
                }
            }
        }
        int interrupted = store.failInterrupted();
        if (interrupted > 0) {
            LOG.warn("{} run(s) were running when the server stopped; marked as error", interrupted);
        }
        try {
            engine.executor().stopLeftovers();
        } catch (RuntimeException e) {
            LOG.warn("cannot stop task containers left running: {}", e.getMessage());
        }
        dispatcher = Thread.ofPlatform().daemon().name("run-dispatcher").start(this::dispatch);
    }

    /**
     * Whether a run goes on without the server: a native run whose {@code running} tasks all run
     * where a restart does not touch them ({@link Executor#survivesRestart}).
     */
    private boolean goesOn(long id, List<CiStore.TaskRow> running) {
        return store.run(id).map(CiStore.RunRow::isNative).orElse(false)
                && running.stream().allMatch(t -> engine.executor().survivesRestart(Long.toString(id), t.name()));
    }

    /** A run was queued (or requeued): look at the queue now. */
    public void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    /** Stops a running run's tasks; false if it is not running here. */
    boolean cancelActive(long id) {
        RunEngine.Cancellation c = active.get(id);
        if (c == null) {
            return false;
        }
        c.cancel(engine.executor());
        return true;
    }

    private void dispatch() {
        while (!stopping) {
            try {
                List<CiStore.RunRow> queued = store.runsWithStatus("queued");
                enterGroups(queued);
                for (CiStore.RunRow run : queued) {
                    ConcurrencyGroups.Ticket ticket = tickets.get(run.id());
                    if (ticket != null && !ticket.running()) {
                        noteWaiting(run.id(), ticket);
                        continue; // pending in its concurrency group: no slot, no thread
                    }
                    if (!versionLanes.enter(run)) {
                        continue; // waits for the versioned run before it on the same branch
                    }
                    if (stopping || !slots.tryAcquire()) {
                        versionLanes.leave(run);
                        break;
                    }
                    if (!store.claim(run.id())) {
                        slots.release();
                        versionLanes.leave(run);
                        continue;
                    }
                    LOG.info("run {} of {}/{} ({} at {}) started", run.id(), run.owner(), run.repo(), run.pipeline(), run.ref());
                    tickets.remove(run.id());
                    entered.remove(run.id());
                    if (waitNotes.remove(run.id()) != null) {
                        note(run.id(), null, "running");
                    }
                    Thread.ofVirtual().name("run-" + run.id()).start(() -> {
                        try {
                            execute(run.id());
                        } finally {
                            if (ticket != null) {
                                ticket.close();
                            }
                            versionLanes.leave(run);
                            slots.release();
                            wake();
                        }
                    });
                }
                synchronized (wakeUp) {
                    wakeUp.wait(1000);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("run dispatcher", e);
            }
        }
    }

    /**
     * Puts each queued run seen for the first time into its concurrency group (GitHub's rules:
     * {@link ConcurrencyGroups}), before slots are looked at, so that a newer run replaces a
     * pending one at once; and lets go of the places of runs no longer queued (cancelled, deleted).
     */
    private void enterGroups(List<CiStore.RunRow> queued) {
        Set<Long> ids = new HashSet<>();
        queued.forEach(r -> ids.add(r.id()));
        for (Long id : List.copyOf(entered)) {
            if (!ids.contains(id)) {
                entered.remove(id);
                waitNotes.remove(id);
                groupErrors.remove(id);
                ConcurrencyGroups.Ticket gone = tickets.remove(id);
                if (gone != null) {
                    gone.close();
                }
            }
        }
        for (CiStore.RunRow run : queued) {
            if (!entered.add(run.id())) {
                continue;
            }
            ConcurrencyGroups.Request request;
            try {
                request = concurrency(run);
            } catch (RuntimeException e) {
                groupErrors.put(run.id(), "concurrency: " + e.getMessage());
                continue;
            }
            if (request != null) {
                long id = run.id();
                tickets.put(id, groups.enter(run.owner() + "/" + run.repo(), request, "run " + id, why -> cancelForGroup(id, why)));
            }
        }
    }

    /** Ends a run whose concurrency group could not be evaluated in error, with the reason. */
    private void refuseGroupError(long id) {
        String groupError = groupErrors.remove(id);
        if (groupError != null) {
            throw new IllegalArgumentException(groupError);
        }
    }

    /**
     * A run's group: a native pipeline's {@code concurrency:} with its variables substituted, or
     * what the run's program evaluates; null for a definition without one.
     */
    private ConcurrencyGroups.Request concurrency(CiStore.RunRow run) {
        if (run.definition() == null || !run.definition().contains("concurrency")) {
            return null; // most runs are not parsed at all
        }
        if (run.isNative()) {
            Pipeline pipeline;
            try {
                pipeline = new PipelineParser().parse(run.pipeline(), run.definition());
            } catch (RuntimeException invalid) {
                return null; // it ends in error when it runs
            }
            if (pipeline.concurrency() == null) {
                return null;
            }
            Map<String, String> values = new HashMap<>(runValues(run, registrations.require(run.owner(), run.repo())).env());
            values.putAll(pipeline.variables());
            try {
                values.putAll(JSON.readValue(run.variables(), new TypeReference<Map<String, String>>() {}));
            } catch (IOException e) {
                throw new IllegalArgumentException("the run's variables are not JSON: " + e.getMessage());
            }
            String group = dev.slipway.ci.definition.Variables.substitute(pipeline.concurrency().group(), values).strip();
            return group.isEmpty() ? null : new ConcurrencyGroups.Request(group, pipeline.concurrency().cancelInProgress());
        }
        RunProgram program = PipelineFormat.find(formats, run.format()).map(PipelineFormat::program).orElse(null);
        if (program == null) {
            return null; // it ends in error when it is taken
        }
        Registration repo = registrations.require(run.owner(), run.repo());
        boolean fork = run.event().pullRequest() != null && run.event().pullRequest().fork();
        return program.concurrency(run, repo.fullName(), runValues(run, repo).env().get("SLIPWAY_REF"),
                values(run.id(), 1, repo, fork, new HashMap<>()));
    }

    /** The run's built-in values ({@code SLIPWAY_REF} as git names the ref: a branch or tag of the repository, or a bare commit). */
    private RunValues runValues(CiStore.RunRow run, Registration repo) {
        String fullRef = checkouts.worktrees().fullRef(run.owner(), repo.storeEntry(), run.ref());
        CiStore.RunEvent event = run.event();
        return new RunValues(Long.toString(run.id()), repo.fullName(), run.trigger(), fullRef.isEmpty() ? run.ref() : fullRef,
                run.commit(), event.before(), event.message(), event.author(), event.pullRequest());
    }

    /**
     * Cancels a run for its concurrency group, the way a user's cancel does: a queued run ends
     * cancelled with {@code why} as its message; a running one stops its tasks and ends cancelled.
     */
    private void cancelForGroup(long id, String why) {
        if (store.cancelQueued(id, why)) {
            wake();
            return;
        }
        Thread.ofVirtual().name("cancel-" + id).start(() -> { // a run just taken: its cancellation is there in a moment
            for (int i = 0; i < 100; i++) {
                RunEngine.Cancellation c = active.get(id);
                if (c != null) {
                    c.cancel(engine.executor(), why);
                    return;
                }
                CiStore.RunRow run = store.run(id).orElse(null);
                if (run == null || CiStore.isFinished(run.status())) {
                    return;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void noteWaiting(long id, ConcurrencyGroups.Ticket ticket) {
        String note = "waiting for concurrency group " + ticket.group() + (ticket.blockedBy() == null ? "" : ": " + ticket.blockedBy()
                + " is in progress");
        if (!note.equals(waitNotes.put(id, note))) {
            note(id, note, "queued");
        }
    }

    /** Sets a run's message ({@code status_message}) while it has {@code status}. */
    private void note(long id, String message, String status) {
        store.jdbi().useHandle(h -> h.createUpdate("UPDATE ci_runs SET message = :m WHERE id = :id AND status = :s")
                .bind("m", message).bind("id", id).bind("s", status).execute());
        store.changes().fire();
    }

    /**
     * The server's sources for a run's plan: registered deploy targets, CI caches, the secrets
     * store, recorded checkouts. A run of a pull request from a fork is untrusted code: it gets no
     * deploy targets (a task that asks for one errors), no secrets (each is empty, as GitHub gives
     * them), and caches of its own that trusted runs never mount.
     */
    private PlanBuilder.Sources sources(long id, Registration repo, CiStore.RunRow run) {
        boolean fork = run.event().pullRequest() != null && run.event().pullRequest().fork();
        return new PlanBuilder.Sources() {
            @Override
            public Path checkout(RepositoryEntry entry) {
                var wt = checkouts.checkout(repo.owner(), repo.name(), entry);
                store.recordWorktree(id, entry.mountName(), wt.path().toString(), wt.commit());
                return wt.path();
            }

            @Override
            public Path deployTarget(Task task, Task.DeployMount target) {
                if (fork) {
                    throw new dev.slipway.core.SlipwayException.Forbidden("task '" + task.name() + "' needs deploy target '" + target.name()
                            + "', which runs of pull requests from forks never get");
                }
                return deployTargets.authorize(target.name(), repo.fullName(), run.ref());
            }

            @Override
            public Path cache(Task task, Task.CacheMount cache) {
                return fork ? caches.use(forkScope(repo), cache.name(), false) : caches.use(repo.fullName(), cache.name(), cache.shared());
            }

            @Override
            public Map<String, byte[]> secrets(Task task, List<String> names) {
                if (fork) {
                    Map<String, byte[]> none = new LinkedHashMap<>();
                    names.forEach(n -> none.put(n, new byte[0]));
                    return none;
                }
                return secrets.resolve(repo.owner(), repo.name(), names);
            }
        };
    }

    /** The cache scope of fork pull requests' runs: apart from the repository's own caches and every shared one. */
    static String forkScope(Registration repo) {
        return repo.fullName() + "#forks";
    }

    /**
     * The checkouts a run's tasks start from, by mount. A trigger only resolves the commit (see
     * {@code Worktrees.resolve}): the triggering repository's checkout is made here, as the run
     * starts, and made again if a sweep removed it before a retry.
     */
    private Map<String, Path> bases(long id, Registration repo) {
        Map<String, Path> bases = new LinkedHashMap<>();
        for (CiStore.WorktreeRow w : store.worktrees(id)) {
            Path path = Path.of(w.path());
            if (!java.nio.file.Files.isDirectory(path) && w.mount().equals(repo.name()) && w.commit() != null) {
                long started = System.nanoTime();
                path = checkouts.checkout(repo.owner(), repo.name(), repo.storeEntry(), w.commit()).path();
                LOG.info("run {}: checked out {} of {} in {} ms", id, w.commit(), repo.fullName(), (System.nanoTime() - started) / 1_000_000);
            }
            bases.put(w.mount(), path);
        }
        return bases;
    }

    private void execute(long id) {
        CiStore.RunRow run = store.run(id).orElseThrow();
        if (!run.isNative()) {
            executeProgram(run);
            return;
        }
        RunEngine.Cancellation cancellation = new RunEngine.Cancellation();
        active.put(id, cancellation);
        Map<String, List<String>> heldCaches = new ConcurrentHashMap<>();
        Map<String, LogWriter> writers = new ConcurrentHashMap<>();
        Releases.ForRun release = null;
        try {
            Pipeline pipeline = PipelineParser.parseOrRefuse(run.pipeline(), run.definition());
            refuseGroupError(id);
            Registration repo = registrations.require(run.owner(), run.repo());
            release = openRelease(run, repo, pipeline);
            Map<String, Path> bases = bases(id, repo);
            Set<String> toRun = new HashSet<>();
            Map<String, Integer> attempts = new HashMap<>(); // before this run's attempt: its log is the next one
            Set<String> resumed = resuming.getOrDefault(id, Set.of());
            resuming.remove(id);
            for (CiStore.TaskRow t : store.tasks(id)) {
                attempts.put(t.name(), resumed.contains(t.name()) ? t.attempt() - 1 : t.attempt()); // a resumed task keeps its log
                if (!t.status().equals("success")) {
                    toRun.add(t.name());
                }
            }
            Map<String, String> variables = JSON.readValue(run.variables(), new TypeReference<Map<String, String>>() {});
            CiStore.RunEvent event = run.event();
            RunValues values = runValues(run, repo);
            if (pipeline.version() != null) { // before any task runs; a retry keeps the run's version
                RunVersion v = versions.begin(id, repo, run.commit(), pipeline.version(), event.pullRequest() != null);
                values = values.withVersion(new RunValues.Version(v.version(), v.bump(), v.previous()));
            }
            PlanBuilder.Built built = PlanBuilder.build(values, pipeline, repo.name(), bases, runsRoot.resolve(Long.toString(id)), toRun,
                    variables, sources(id, repo, run), image -> imageAuth.forImage(run.owner(), run.createdBy(), image));
            Map<String, List<String>> cachesByTask = new HashMap<>();
            boolean fork = event.pullRequest() != null && event.pullRequest().fork();
            built.cachesByTask().forEach((task, mounts) -> cachesByTask.put(task, mounts.stream()
                    .map(c -> fork ? Caches.id(forkScope(repo), c.name(), false) : Caches.id(repo.fullName(), c.name(), c.shared())).toList()));
            Map<String, Map<String, byte[]>> masks = release.masks(pipeline, fork ? Map.of() : built.secretsByTask());
            RunEngine.Listener listener = new RunListener(id, attempts, task -> masks.getOrDefault(task, Map.of()), cachesByTask, heldCaches,
                    writers, resumed);
            RunEngine.Result result = engine.run(built.plan().withAccess(release.env(), release.publisher()), listener, cancellation);
            release.close(); // before the run is seen finished: its token must not outlive it
            finish(run, result, cancellation, ok -> versions.finish(id, repo, run.commit(), pipeline.version(), ok));
        } catch (Exception e) {
            LOG.warn("run {} failed: {}", id, e.getMessage());
            store.finishRun(id, "error", e.getMessage());
        } finally {
            if (release != null) {
                release.close(); // also when the run failed before its tasks (closing twice is harmless)
            }
            heldCaches.values().forEach(list -> list.forEach(c -> caches.lock(c).release()));
            writers.values().forEach(w -> {
                try {
                    w.close();
                } catch (IOException ignored) {
                    // best effort
                }
            });
            active.remove(id);
            finished.run();
        }
    }

    /** A run's outcome from its tasks' statuses: recorded, with the tasks that made it fail; {@code beforeDone} sees whether it succeeded. */
    private void finish(CiStore.RunRow run, RunEngine.Result result, RunEngine.Cancellation cancellation,
                        java.util.function.Consumer<Boolean> beforeDone) throws Exception {
        long id = run.id();
        if (stopping && cancellation.cancelled()) {
            store.finishRun(id, "error", INTERRUPTED); // stopped by the server's shutdown, not by a user
            return;
        }
        // A run none of whose tasks failed but one was cancelled (a job replaced in its concurrency group) was cancelled, as on GitHub.
        boolean onlyCancelled = result.statuses().containsValue(TaskStatus.CANCELLED) && !result.statuses().containsValue(TaskStatus.ERROR)
                && !result.statuses().containsValue(TaskStatus.FAILURE);
        String status = cancellation.cancelled() || onlyCancelled ? "cancelled"
                : result.success() ? "success"
                : result.statuses().containsValue(TaskStatus.ERROR) ? "error" : "failure";
        // Say which tasks made the run fail (their logs say why).
        List<String> failed = result.statuses().entrySet().stream()
                .filter(e -> e.getValue() == TaskStatus.ERROR || e.getValue() == TaskStatus.FAILURE)
                .map(e -> e.getKey() + " (" + e.getValue().wire() + ")").sorted().toList();
        String message = failed.isEmpty() ? null : "task" + (failed.size() > 1 ? "s " : " ") + String.join(", ", failed)
                + " did not succeed; see the task log" + (failed.size() > 1 ? "s" : "");
        beforeDone.accept(status.equals("success")); // a version's tag, before the run shows as done
        store.finishRun(id, status, status.equals("success") ? null : status.equals("cancelled") ? cancellation.reason() : message);
        LOG.info("run {} of {}/{} ({}) finished: {}{}", id, run.owner(), run.repo(), run.pipeline(), status,
                message == null ? "" : " - " + message);
    }

    /**
     * Runs a run of another format with its {@link RunProgram}: the same worktrees, secrets, job
     * token, logs and task states as a native run; the program decides how its tasks run.
     */
    private void executeProgram(CiStore.RunRow run) {
        long id = run.id();
        RunEngine.Cancellation cancellation = new RunEngine.Cancellation();
        active.put(id, cancellation);
        Map<String, List<String>> heldCaches = new ConcurrentHashMap<>();
        Map<String, LogWriter> writers = new ConcurrentHashMap<>();
        Releases.ForRun release = null;
        try {
            RunProgram program = PipelineFormat.find(formats, run.format()).map(PipelineFormat::program)
                    .orElseThrow(() -> new IllegalStateException("this server does not run '" + run.format() + "' pipelines"));
            refuseGroupError(id);
            Registration repo = registrations.require(run.owner(), run.repo());
            boolean fork = run.event().pullRequest() != null && run.event().pullRequest().fork();
            String user = run.createdBy() != null ? run.createdBy() : repo.owner();
            release = releases.open(id, user, repo.fullName(), repo.cloneUrl(), program.permissions(run.definitionFile(), run.definition()), fork,
                    name -> secrets.resolve(repo.owner(), repo.name(), List.of(name)).get(name));
            Map<String, Path> bases = bases(id, repo);
            Set<String> toRun = new HashSet<>();
            Map<String, Integer> attempts = new HashMap<>();
            int attempt = 1;
            for (CiStore.TaskRow t : store.tasks(id)) {
                attempts.put(t.name(), t.attempt());
                if (!t.status().equals("success")) {
                    toRun.add(t.name());
                }
                attempt = Math.max(attempt, t.attempt() + (t.status().equals("success") ? 0 : 1));
            }
            Map<String, String> previous = new HashMap<>(taskRecords.details(id));
            Map<String, String> variables = new LinkedHashMap<>();
            JSON.readTree(run.variables()).fields().forEachRemaining(e -> variables.put(e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
            RunValues values = runValues(run, repo);
            Map<String, String> environment = new LinkedHashMap<>(values.env());
            environment.putAll(release.env());
            Map<String, byte[]> masked = new ConcurrentHashMap<>();
            masked.put("SLIPWAY_TOKEN", release.token());
            RunProgram.Setup setup = new RunProgram.Setup(run, repo.fullName(), run.definitionFile(), run.definition(), repo.name(), bases,
                    runsRoot.resolve(Long.toString(id)), toRun, attempt, variables, environment, values(id, attempt, repo, fork, masked),
                    image -> imageAuth.forImage(run.owner(), run.createdBy(), image), engine.executor(),
                    release.env().get("SLIPWAY_SERVER"), previous, release.publisher(), cacheArea(repo, fork), groups, changedFiles(run, repo));
            RunEngine.Listener listener = new RunListener(id, attempts, task -> Map.copyOf(masked), Map.of(), heldCaches, writers, Set.of());
            RunEngine.Result result = program.run(setup, listener, cancellation);
            release.close(); // before the run is seen finished: its token must not outlive it
            finish(run, result, cancellation, ok -> {});
        } catch (Exception e) {
            LOG.warn("run {} failed: {}", id, e.getMessage(), e);
            store.finishRun(id, "error", e.getMessage());
        } finally {
            if (release != null) {
                release.close();
            }
            heldCaches.values().forEach(list -> list.forEach(c -> caches.lock(c).release()));
            writers.values().forEach(w -> {
                try {
                    w.close();
                } catch (IOException ignored) {
                    // best effort
                }
            });
            active.remove(id);
            finished.run();
        }
    }

    /**
     * The files the run's event changed ({@link dev.slipway.ci.trigger.ChangedFiles}), computed once when first asked; empty
     * for events that change none (manual, API, cron).
     */
    private java.util.function.Supplier<Set<String>> changedFiles(CiStore.RunRow run, Registration repo) {
        dev.slipway.ci.trigger.Event.Kind kind = java.util.Arrays.stream(dev.slipway.ci.trigger.Event.Kind.values())
                .filter(k -> k.wire().equals(run.trigger())).findFirst().orElse(dev.slipway.ci.trigger.Event.Kind.MANUAL);
        java.util.concurrent.atomic.AtomicReference<Set<String>> memo = new java.util.concurrent.atomic.AtomicReference<>();
        return () -> memo.updateAndGet(known -> {
            if (known != null) {
                return known;
            }
            if (run.commit() == null || (kind != dev.slipway.ci.trigger.Event.Kind.PUSH && kind != dev.slipway.ci.trigger.Event.Kind.TAG
                    && kind != dev.slipway.ci.trigger.Event.Kind.PULL_REQUEST)) {
                return Set.of();
            }
            try (dev.slipway.ci.workspace.GitHistory history = checkouts.worktrees().history(repo.owner(), repo.storeEntry())) {
                return Set.copyOf(dev.slipway.ci.trigger.ChangedFiles.of(history, kind, run.ref(), run.event().before(),
                        run.event().pullRequest() == null ? null : run.event().pullRequest().baseRef(), repo.defaultBranch(), run.commit()));
            } catch (IOException | dev.slipway.ci.workspace.Worktrees.CheckoutException e) {
                throw new IllegalStateException("cannot compute the files the run's " + run.trigger() + " changed: " + e.getMessage(), e);
            }
        });
    }

    /** The name of the Slipway cache that holds a repository's workflow caches: no native pipeline can name it. */
    static final String PROGRAM_CACHE = "@actions";

    /**
     * The repository's {@link #PROGRAM_CACHE} (a fork's pull request: its own), made on first use:
     * a run that never caches adds no cache.
     */
    private RunProgram.CacheArea cacheArea(Registration repo, boolean fork) {
        String owner = fork ? forkScope(repo) : repo.fullName();
        String id = Caches.id(owner, PROGRAM_CACHE, false);
        return new RunProgram.CacheArea() {
            private volatile Path dir;

            @Override
            public Path dir() {
                if (dir == null) {
                    dir = caches.use(owner, PROGRAM_CACHE, false);
                }
                return dir;
            }

            @Override
            public String defaultBranch() {
                return repo.defaultBranch();
            }

            @Override
            public long quotaBytes() {
                dir();
                return caches.quota(id);
            }

            @Override
            public String change(RunProgram.CacheArea.Change change) throws IOException {
                dir();
                caches.lock(id).acquireUninterruptibly();
                try {
                    change.run();
                    return caches.measure(id);
                } finally {
                    caches.lock(id).release();
                }
            }
        };
    }

    /**
     * A program's view of its repository's variables and secrets ({@link #configuration}); a pull
     * request from a fork gets no secrets. Each secret handed out joins {@code masked}, which the
     * run's logs hide from then on (a program resolves a job's values before its output starts).
     * Values too short to mask are left to the program, which says so in the job's log.
     */
    private RunProgram.Values values(long run, int attempt, Registration repo, boolean fork, Map<String, byte[]> masked) {
        return new RunProgram.Values() {
            @Override
            public Map<String, String> variables(String environment) {
                return configuration.resolve(repo.owner(), repo.name(), environment).variables();
            }

            @Override
            public Map<String, byte[]> secrets(String environment, java.util.Collection<String> names) {
                if (fork) {
                    return Map.of();
                }
                Map<String, byte[]> visible = configuration.resolve(repo.owner(), repo.name(), environment).secrets();
                Map<String, byte[]> out = new LinkedHashMap<>();
                for (String name : names) {
                    byte[] value = visible.get(name.toUpperCase(java.util.Locale.ROOT));
                    if (value != null) {
                        out.put(name, value.clone());
                        if (new String(value, StandardCharsets.UTF_8).strip().length() >= SecretMasker.MIN_LENGTH) {
                            masked.put(name + (environment == null ? "" : " (environment " + environment + ")"), value.clone());
                        }
                    }
                }
                return out;
            }

            @Override
            public Map<String, List<String>> secretEvents(java.util.Collection<String> names) {
                return secrets.events(repo.owner(), repo.name(), names);
            }

            @Override
            public List<String> reviewers(String environment) {
                return configuration.resolve(repo.owner(), repo.name(), environment).reviewers();
            }

            /** Repositories of the run's own owner only: a run reads what its owner's runs may read, and nothing of other namespaces. */
            @Override
            public Worktrees.Worktree checkout(String repository, String ref) {
                int slash = repository.indexOf('/');
                if (slash <= 0 || slash != repository.lastIndexOf('/') || slash == repository.length() - 1) {
                    throw new IllegalArgumentException("repository must be owner/name, not '" + repository + "'");
                }
                String owner = repository.substring(0, slash);
                String name = repository.substring(slash + 1);
                if (fork) {
                    throw new IllegalArgumentException("runs of pull requests from forks check out no other repository (" + repository + ")");
                }
                if (!owner.equals(repo.owner())) {
                    throw new IllegalArgumentException("a run of " + repo.fullName() + " checks out repositories of " + repo.owner()
                            + " only, not " + repository);
                }
                Registration other = registrations.find(owner, name).orElseThrow(() -> new IllegalArgumentException(
                        "repository " + repository + " is not registered with Slipway; register it (POST /api/v1/repos) so runs can check it out"));
                String revision = ref == null || ref.isBlank() ? other.defaultBranch() : ref;
                return checkouts.checkout(owner, name, other.storeEntry(), revision);
            }

            @Override
            public RunProgram.Decision awaitApproval(String environment, java.util.function.BooleanSupplier cancelled)
                    throws InterruptedException {
                return configuration.awaitApproval(run, attempt, repo.owner(), repo.name(), environment, cancelled)
                        .map(d -> new RunProgram.Decision(d.approved(), d.decidedBy() == null ? "no approval needed"
                                : d.state() + " by " + d.decidedBy() + (d.comment() == null || d.comment().isBlank() ? "" : ": " + d.comment())))
                        .orElse(new RunProgram.Decision(false, "the run was cancelled while it waited for approval"));
            }
        };
    }

    /** The run's job token and publisher: as its user, with its repository's secrets; forks read only (ci/release). */
    private Releases.ForRun openRelease(CiStore.RunRow run, Registration repo, Pipeline pipeline) {
        boolean fork = run.event().pullRequest() != null && run.event().pullRequest().fork();
        String user = run.createdBy() != null ? run.createdBy() : repo.owner();
        return releases.open(run.id(), user, repo.fullName(), repo.cloneUrl(), pipeline, fork,
                name -> secrets.resolve(repo.owner(), repo.name(), List.of(name)).get(name));
    }

    /** Writes a run's task output to the log store (masked) and its task states to the database. */
    private final class RunListener implements RunEngine.Listener {
        private final long id;
        /** Tasks that went on on a runner while the server restarted: they keep their attempt. */
        private final Set<String> resumed;
        private final Map<String, Integer> attempts;
        private final java.util.function.Function<String, Map<String, byte[]>> maskByTask;
        private final Map<String, List<String>> cachesByTask;
        private final Map<String, List<String>> heldCaches;
        private final Map<String, LogWriter> writers;

        RunListener(long id, Map<String, Integer> attempts, java.util.function.Function<String, Map<String, byte[]>> maskByTask,
                    Map<String, List<String>> cachesByTask,
                    Map<String, List<String>> heldCaches, Map<String, LogWriter> writers, Set<String> resumed) {
            this.id = id;
            this.resumed = new java.util.concurrent.CopyOnWriteArraySet<>(resumed);
            this.attempts = attempts;
            this.maskByTask = maskByTask;
            this.cachesByTask = cachesByTask;
            this.heldCaches = heldCaches;
            this.writers = writers;
        }

        @Override
        public Executor.OutputSink output(String task) {
            List<String> taskCaches = cachesByTask.getOrDefault(task, List.of());
            for (String cache : taskCaches) {
                caches.lock(cache).acquireUninterruptibly();
            }
            heldCaches.put(task, taskCaches);
            LogWriter w = writer(task);
            Executor.OutputSink raw = new Executor.OutputSink() {
                @Override
                public void stdout(byte[] b, int off, int len) {
                    append(w, LogStream.STDOUT, b, off, len);
                }

                @Override
                public void stderr(byte[] b, int off, int len) {
                    append(w, LogStream.STDERR, b, off, len);
                }
            };
            Map<String, byte[]> mask = maskByTask.apply(task);
            if (mask.isEmpty()) {
                return raw;
            }
            SecretMasker.Patterns patterns = SecretMasker.patterns(mask);
            if (!patterns.tooShort().isEmpty()) {
                system(task, "secrets too short to mask in logs: " + patterns.tooShort());
            }
            return MaskedSink.of(raw, patterns);
        }

        private LogWriter writer(String task) {
            return writers.computeIfAbsent(task, t -> {
                int attempt = attempts.getOrDefault(t, 0);
                try {
                    String logId = logId(id, t, attempt + 1);
                    if (logs.exists(logId) && logs.exitCode(logId).isPresent()) {
                        logs.delete(logId); // a skipped attempt's note; the task is about to run for real
                    }
                    return logs.open(logId);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        @Override
        public void system(String task, String line) {
            append(writer(task), LogStream.SYSTEM, (line + "\n").getBytes(StandardCharsets.UTF_8), 0, -1);
        }

        /** Measures (and evicts over quota) the task's caches, then lets the next user have them. */
        private void releaseCaches(String task) {
            List<String> held = heldCaches.remove(task);
            if (held == null) {
                return;
            }
            for (String cache : held) {
                try {
                    String evicted = caches.measure(cache);
                    if (evicted != null) {
                        system(task, evicted);
                    }
                } finally {
                    caches.lock(cache).release();
                }
            }
        }

        @Override
        public void tasksExpanded(String placeholder, List<String> tasks) {
            taskRecords.expand(id, placeholder, tasks);
        }

        @Override
        public void details(String task, String json) {
            taskRecords.details(id, task, json);
        }

        @Override
        public void skipped(String task, String reason) {
            system(task, "skipped: " + reason);
            ended(task, TaskStatus.SKIPPED, null, reason);
        }

        @Override
        public void status(String task, TaskStatus status, Integer exitCode) {
            if (status == TaskStatus.RUNNING) {
                writer(task);
                if (!resumed.remove(task)) { // a resumed task is running already, in its attempt
                    store.taskStarted(id, task);
                }
                return;
            }
            ended(task, status, exitCode, null);
        }

        private void ended(String task, TaskStatus status, Integer exitCode, String reason) {
            releaseCaches(task);
            store.taskFinished(id, task, status.wire(), exitCode, reason);
            LogWriter w = writers.remove(task);
            if (w != null) {
                try {
                    w.finish(exitCode == null ? -1 : exitCode);
                } catch (IOException | IllegalStateException e) {
                    LOG.warn("cannot finish the log of {} in run {}: {}", task, id, e.getMessage());
                }
            }
        }
    }

    private static void append(LogWriter w, LogStream stream, byte[] b, int off, int len) {
        try {
            w.append(stream, b, off, len < 0 ? b.length : len);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stopping = true;
        wake();
        if (dispatcher != null) {
            try {
                dispatcher.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // A run whose running tasks all go on without the server (on runners) is left running: the
        // next start resumes it. So a restart or an upgrade of the server does not fail it.
        Set<Long> goingOn = new HashSet<>();
        for (Long id : active.keySet()) {
            try {
                if (goesOn(id, store.tasks(id).stream().filter(t -> t.status().equals("running")).toList())) {
                    goingOn.add(id);
                }
            } catch (RuntimeException e) {
                LOG.warn("cannot tell whether run {} goes on without the server: {}", id, e.getMessage());
            }
        }
        if (!goingOn.isEmpty()) {
            LOG.info("run(s) {} go on on their runners; they resume when the server starts again", goingOn);
        }
        active.forEach((id, c) -> {
            if (!goingOn.contains(id)) {
                c.cancel(engine.executor());
            }
        });
        // Let the runs record how they ended before the database closes (their tasks are stopping).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!goingOn.containsAll(active.keySet()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!goingOn.containsAll(active.keySet())) {
            LOG.warn("{} run(s) still stopping at shutdown; they are marked as interrupted on the next start", active.size() - goingOn.size());
        }
    }
}
