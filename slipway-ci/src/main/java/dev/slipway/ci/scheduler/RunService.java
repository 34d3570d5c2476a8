package dev.slipway.ci.scheduler;

import org.eclipse.jgit.lib.Constants;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.ci.definition.PipelineParser;
import dev.slipway.ci.definition.Variables;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.RepositoryEntry;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.secret.MissingSecretException;
import dev.slipway.ci.secret.SecretMasker;
import dev.slipway.ci.secret.SecretResolver;
import dev.slipway.ci.workspace.Caches;
import dev.slipway.ci.workspace.DeployTargets;
import dev.slipway.ci.workspace.HttpCredentials;
import dev.slipway.ci.workspace.Worktrees;
import dev.slipway.core.SlipwayException;
import dev.slipway.logs.LogStore;
import dev.slipway.logs.LogStream;
import dev.slipway.logs.LogWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's run queue: triggers create queued runs in the database; a dispatcher takes them
 * (at most {@code maxConcurrent} at a time) and runs them with the {@link RunEngine}, writing
 * every task's output to the {@link LogStore} and its state to the database.
 *
 * <p>The queue survives restarts: queued runs stay queued and are taken after a restart; runs
 * that were running are marked {@code error} with a message (their containers' output can no
 * longer be followed), and a retry of a task resumes them with the same worktrees.
 *
 * <p>Run directories: {@code <data>/ci/runs/<id>/} holds each task's overlay layers and outputs
 * (see {@link RunEngine}); they are kept, with the run's stopped containers, so a retry can reuse
 * earlier tasks' outputs, until {@link RunEviction} evicts them by the keep policy: a pass a few
 * seconds after runs finish, and a full pass every 10 minutes.
 */
public final class RunService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CiStore store;
    private final Worktrees worktrees;
    private final DeployTargets deployTargets;
    private final Caches caches;
    private final SecretResolver secrets;
    private final LogStore logs;
    private final RunEngine engine;
    private final Path runsRoot;
    private final Semaphore slots;
    private final RunEviction eviction;
    private final Object evictionSignal = new Object();
    private long evictionDue; // guarded by evictionSignal; 0: no pass requested
    private final Map<Long, RunEngine.Cancellation> active = new ConcurrentHashMap<>();
    private final Object wakeUp = new Object();
    private volatile boolean stopping;
    private Thread dispatcher;
    private Thread evictor;

    public RunService(CiStore store, Worktrees worktrees, DeployTargets deployTargets, Caches caches, SecretResolver secrets, LogStore logs,
                      RunEngine engine, Path runsRoot, int maxConcurrent, dev.slipway.core.config.SlipwayConfig.Keep keep,
                      ImageAuth imageAuth) {
        this.imageAuth = imageAuth == null ? (owner, actor, image) -> null : imageAuth;
        this.store = store;
        this.worktrees = worktrees;
        this.deployTargets = deployTargets;
        this.caches = caches;
        this.secrets = secrets;
        this.logs = logs;
        this.engine = engine;
        this.runsRoot = runsRoot;
        this.slots = new Semaphore(maxConcurrent);
        this.eviction = new RunEviction(store, engine.executor(), runsRoot, keep);
    }

    /**
     * Credentials for pulling a task's image on behalf of a run: for images in this server's own
     * registry, a short-lived pull token limited to what {@code actor} may read; null otherwise.
     */
    @FunctionalInterface
    public interface ImageAuth {
        TaskSpec.PullAuth forImage(String owner, String actor, String image);
    }

    private final ImageAuth imageAuth;

    public CiStore store() {
        return store;
    }

    public LogStore logs() {
        return logs;
    }

    public Worktrees worktrees() {
        return worktrees;
    }

    public static String logId(long runId, String task, int attempt) {
        return "runs/" + runId + "/" + task + "/" + Math.max(1, attempt);
    }

    // ---- repositories

    public CiStore.RepositoryRow registerRepository(String owner, String name, String cloneUrl, String defaultBranch, String keyName,
                                                    String credentialsName) {
        CiStore.RepositoryRow row = CiStore.RepositoryRow.registration(owner, name, cloneUrl, defaultBranch, keyName, credentialsName,
                System.currentTimeMillis());
        checkReachable(row.cloneUrl());
        if (!store.insertRepository(row)) {
            throw new SlipwayException.Conflict("repository " + owner + "/" + name + " is already registered; change it with "
                    + "PATCH /api/v1/repos/" + owner + "/" + name + " or 'slipway repo update'");
        }
        return row;
    }

    /** Changes a registration; null fields keep their value, "" clears the key or the credentials. */
    public CiStore.RepositoryRow updateRepository(String owner, String name, String cloneUrl, String defaultBranch, String keyName,
                                                  String credentialsName) {
        CiStore.RepositoryRow now = store.repository(owner, name)
                .orElseThrow(() -> new SlipwayException.NotFound("repository " + owner + "/" + name + " is not registered"));
        CiStore.RepositoryRow row = CiStore.RepositoryRow.registration(owner, name, cloneUrl != null ? cloneUrl : now.cloneUrl(),
                defaultBranch != null ? defaultBranch : now.defaultBranch(),
                keyName == null ? now.keyName() : keyName.isEmpty() ? null : keyName,
                credentialsName == null ? now.credentialsName() : credentialsName.isEmpty() ? null : credentialsName, now.createdAt());
        checkReachable(row.cloneUrl());
        if (!store.updateRepository(row)) {
            throw new SlipwayException.NotFound("repository " + owner + "/" + name + " is not registered");
        }
        return row;
    }

    /** Removes a registration; refused while one of its runs is queued or running. Finished runs stay. */
    public void removeRepository(String owner, String name) {
        if (store.repository(owner, name).isEmpty()) {
            throw new SlipwayException.NotFound("repository " + owner + "/" + name + " is not registered");
        }
        List<Long> busy = store.deleteRepository(owner, name);
        if (!busy.isEmpty()) {
            throw new SlipwayException.Conflict("repository " + owner + "/" + name + " has runs queued or running (" + busy
                    + "); cancel them first");
        }
    }

    /**
     * Deletes a finished run: its workspace (containers, volumes, run directory), its logs and its
     * rows. Refused (409) while it is queued or running.
     */
    public void deleteRun(long id) {
        CiStore.RunRow run = store.run(id).orElseThrow(() -> new SlipwayException.NotFound("no run " + id));
        if (!CiStore.isFinished(run.status())) {
            throw new SlipwayException.Conflict("run " + id + " is " + run.status() + "; cancel it (and let it stop) before deleting it");
        }
        List<CiStore.TaskRow> tasks = store.tasks(id);
        eviction.removeRun(id);
        if (!store.deleteRun(id)) {
            throw new SlipwayException.Conflict("run " + id + " was started again meanwhile");
        }
        for (CiStore.TaskRow t : tasks) {
            for (int attempt = 1; attempt <= Math.max(1, t.attempt()); attempt++) {
                try {
                    logs.delete(logId(id, t.name(), attempt));
                } catch (IOException e) {
                    LOG.warn("cannot delete the log of {} in run {}: {}", t.name(), id, e.getMessage());
                }
            }
        }
        LOG.info("run {} of {}/{} deleted", id, run.owner(), run.repo());
    }

    /** A local clone URL must name an existing directory (a typo would otherwise only show at the first run). */
    public static void checkReachable(String cloneUrl) {
        Path local = cloneUrl.startsWith("/") ? Path.of(cloneUrl)
                : cloneUrl.startsWith("file:") ? Path.of(java.net.URI.create(cloneUrl).getPath()) : null;
        if (local != null && !Files.isDirectory(local)) {
            throw new SlipwayException.BadRequest("clone_url " + cloneUrl + ": no such directory on the server");
        }
    }

    // ---- triggering

    /**
     * Checks out the triggering repository at {@code ref}, reads and validates the pipeline, checks
     * deploy targets and secrets, and queues a run. Nothing is queued when any of that fails.
     */
    public long trigger(String owner, String repo, String ref, String pipelineName, Map<String, String> variables, String actor, String kind) {
        CiStore.RepositoryRow r = store.repository(owner, repo)
                .orElseThrow(() -> new SlipwayException.NotFound("repository " + owner + "/" + repo + " is not registered"));
        String revision = ref == null || ref.isBlank() ? r.defaultBranch() : ref;
        Worktrees.Worktree wt = checkout(owner, repo, triggeringEntry(r, revision));
        Path file = pipelineFile(wt.path(), pipelineName);
        String definition;
        try {
            definition = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SlipwayException.BadRequest("cannot read " + file.getFileName() + ": " + e.getMessage());
        }
        Pipeline pipeline = parse(wt.path().relativize(file).toString(), definition);
        String badVariable = Variables.checkGiven(variables == null ? List.of() : variables.keySet(), pipeline.variables());
        if (badVariable != null) {
            throw new SlipwayException.BadRequest(badVariable);
        }
        preflight(r, revision, pipeline);
        String vars;
        try {
            vars = JSON.writeValueAsString(variables == null ? Map.of() : variables);
        } catch (IOException e) {
            throw new SlipwayException.BadRequest("invalid variables");
        }
        long id = store.createRun(new CiStore.RunRow(0, owner, repo, pipeline.name(), revision, wt.commit(), "queued", kind, vars, definition,
                null, actor, 0, null, null, null), pipeline.tasks().stream().map(Task::name).toList());
        store.recordWorktree(id, r.name(), wt.path().toString(), wt.commit());
        wake();
        return id;
    }

    private static RepositoryEntry triggeringEntry(CiStore.RepositoryRow r, String revision) {
        return new RepositoryEntry(r.cloneUrl(), revision, true, r.keyName(), r.credentialsName(), false, r.name());
    }

    /** Checks an entry out for a run of {@code owner/repo}, with its credentials from that repository's secrets. */
    private Worktrees.Worktree checkout(String owner, String repo, RepositoryEntry entry) {
        try {
            return worktrees.prepare(owner, entry, credentials(owner, repo, entry));
        } catch (Worktrees.CheckoutException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
    }

    /** The entry's http(s) credentials, or null if it names none; 422 if the secret is not set. */
    private HttpCredentials credentials(String owner, String repo, RepositoryEntry entry) {
        if (entry.credentials() == null) {
            return null;
        }
        byte[] value;
        try {
            value = secrets.resolve(owner, repo, List.of(entry.credentials())).get(entry.credentials());
        } catch (MissingSecretException e) {
            throw new MissingSecretException(e.names(), e.searched(), "credentials for " + entry.url());
        }
        try {
            return HttpCredentials.parse(value);
        } catch (IllegalArgumentException e) {
            throw new SlipwayException.BadRequest("credentials '" + entry.credentials() + "' for " + entry.url() + ": " + e.getMessage());
        } finally {
            java.util.Arrays.fill(value, (byte) 0);
        }
    }

    private static Path pipelineFile(Path base, String name) {
        Path dir = base.resolve(".slipway");
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new SlipwayException.BadRequest("cannot list .slipway: " + e.getMessage());
            }
        }
        if (name != null && !name.isBlank()) {
            for (Path f : files) {
                String fn = f.getFileName().toString();
                if (fn.equals(name) || fn.equals(name + ".yml") || fn.equals(name + ".yaml")) {
                    return f;
                }
            }
            throw new SlipwayException.BadRequest("no pipeline '" + name + "' in .slipway/ (found: "
                    + files.stream().map(f -> f.getFileName().toString()).toList() + ")");
        }
        if (files.size() == 1) {
            return files.getFirst();
        }
        throw new SlipwayException.BadRequest(files.isEmpty() ? "the repository has no pipeline (.slipway/*.yml)"
                : "the repository has several pipelines; name one with \"pipeline\": " + files.stream().map(f -> f.getFileName().toString()).toList());
    }

    private static Pipeline parse(String fileName, String text) {
        try {
            return new PipelineParser().parse(fileName, text);
        } catch (RuntimeException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
    }

    /** Refuses, before anything runs, what the run could not do: deploy targets it may not write, missing secrets. */
    private void preflight(CiStore.RepositoryRow r, String branch, Pipeline pipeline) {
        for (RepositoryEntry e : pipeline.repositories()) {
            credentials(r.owner(), r.name(), e);
        }
        for (Task t : pipeline.tasks()) {
            if (t.deployTarget() != null) {
                deployTargets.authorize(t.deployTarget().name(), r.fullName(), branch);
            }
            if (!t.secrets().isEmpty()) {
                secrets.resolve(r.owner(), r.name(), t.secrets().stream().map(Task.SecretRef::name).toList());
            }
        }
    }

    // ---- cancel and retry

    public void cancel(long id) {
        CiStore.RunRow run = store.run(id).orElseThrow(() -> new SlipwayException.NotFound("no run " + id));
        if (store.cancelQueued(id)) {
            return;
        }
        RunEngine.Cancellation c = active.get(id);
        if (c != null) {
            c.cancel(engine.executor());
            return;
        }
        if (!run.status().equals("running")) {
            throw new SlipwayException.Conflict("run " + id + " has already finished (" + run.status() + ")");
        }
    }

    /** Re-queues one task that did not succeed and everything that depends on it, reusing the run's worktrees. */
    public void retry(long id, String task) {
        CiStore.RunRow run = store.run(id).orElseThrow(() -> new SlipwayException.NotFound("no run " + id));
        if (run.evictedAt() != null) {
            throw evicted(run, task);
        }
        Pipeline pipeline = parse(run.pipeline(), run.definition());
        CiStore.TaskRow row = store.tasks(id).stream().filter(t -> t.name().equals(task)).findFirst()
                .orElseThrow(() -> new SlipwayException.NotFound("run " + id + " has no task '" + task + "'"));
        if (row.status().equals("success")) {
            throw new SlipwayException.Conflict("task '" + task + "' succeeded; only a failed, cancelled, skipped or errored task can be retried");
        }
        List<String> again = new ArrayList<>(RunEngine.withDependents(pipeline, task));
        if (!store.requeue(id, again)) {
            CiStore.RunRow now = store.run(id).orElseThrow();
            if (now.evictedAt() != null) {
                throw evicted(now, task); // evicted since we looked
            }
            throw new SlipwayException.Conflict("run " + id + " is still " + now.status() + "; retry when it has finished");
        }
        wake();
    }

    private static SlipwayException evicted(CiStore.RunRow run, String task) {
        return new SlipwayException.Conflict("task '" + task + "' of run " + run.id() + " cannot be retried: the run's workspace (its task "
                + "layers, outputs and containers) was evicted at " + java.time.Instant.ofEpochMilli(run.evictedAt())
                + " by the keep policy (ci.keep.*); trigger a new run instead");
    }

    // ---- eviction of finished runs' workspaces

    /** Runs an eviction pass now, sweeping leftovers too (the server does this every 10 minutes). */
    public RunEviction.Result evictWorkspaces() {
        RunEviction.Result r = eviction.evict(true);
        sweepCommitCheckouts();
        return r;
    }

    /** Per-commit checkouts of mutable entries stay while a kept run uses them, and 30 minutes after their last use. */
    static final java.time.Duration COMMIT_CHECKOUT_MIN_AGE = java.time.Duration.ofMinutes(30);

    private void sweepCommitCheckouts() {
        java.util.Set<Path> inUse = new java.util.HashSet<>();
        store.worktreePathsInUse().forEach(p -> inUse.add(Path.of(p)));
        int n = worktrees.sweepCommitCheckouts(inUse, COMMIT_CHECKOUT_MIN_AGE);
        if (n > 0) {
            LOG.info("removed {} per-commit checkouts no kept run uses", n);
        }
    }

    static final long EVICTION_DELAY_MS = TimeUnit.SECONDS.toMillis(5);
    static final long EVICTION_INTERVAL_MS = TimeUnit.MINUTES.toMillis(10);

    /** Asks for a pass soon: runs finishing close together share one. */
    private void evictSoon() {
        synchronized (evictionSignal) {
            if (evictionDue == 0) {
                evictionDue = System.currentTimeMillis() + EVICTION_DELAY_MS;
                evictionSignal.notifyAll();
            }
        }
    }

    private void evictLoop() {
        long nextFull = System.currentTimeMillis();
        while (true) {
            synchronized (evictionSignal) {
                try {
                    while (true) {
                        if (stopping) {
                            return;
                        }
                        long now = System.currentTimeMillis();
                        long due = evictionDue == 0 ? nextFull : Math.min(nextFull, evictionDue);
                        if (now >= due) {
                            break;
                        }
                        evictionSignal.wait(due - now);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                evictionDue = 0;
            }
            boolean full = System.currentTimeMillis() >= nextFull;
            if (full) {
                nextFull = System.currentTimeMillis() + EVICTION_INTERVAL_MS;
            }
            try {
                eviction.evict(full);
                if (full) {
                    sweepCommitCheckouts();
                }
            } catch (RuntimeException e) {
                LOG.warn("eviction of finished runs' workspaces failed: {}", e.getMessage());
            }
        }
    }

    // ---- the dispatcher

    public void start() {
        for (CiStore.TaskRow t : store.runningTasks()) {
            // The task's output after the crash is lost with the container attachment: close its log.
            String id = logId(t.runId(), t.name(), t.attempt());
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
        evictor = Thread.ofPlatform().daemon().name("workspace-eviction").start(this::evictLoop);
    }

    private void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    private void dispatch() {
        while (!stopping) {
            try {
                for (CiStore.RunRow run : store.runsWithStatus("queued")) {
                    if (stopping || !slots.tryAcquire()) {
                        break;
                    }
                    if (!store.claim(run.id())) {
                        slots.release();
                        continue;
                    }
                    LOG.info("run {} of {}/{} ({} at {}) started", run.id(), run.owner(), run.repo(), run.pipeline(), run.ref());
                    Thread.ofVirtual().name("run-" + run.id()).start(() -> {
                        try {
                            execute(run.id());
                        } finally {
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

    private void execute(long id) {
        CiStore.RunRow run = store.run(id).orElseThrow();
        RunEngine.Cancellation cancellation = new RunEngine.Cancellation();
        active.put(id, cancellation);
        Map<String, List<String>> heldCaches = new ConcurrentHashMap<>();
        Map<String, LogWriter> writers = new ConcurrentHashMap<>();
        try {
            Pipeline pipeline = parse(run.pipeline(), run.definition());
            CiStore.RepositoryRow repo = store.repository(run.owner(), run.repo()).orElseThrow();
            Map<String, Path> bases = new LinkedHashMap<>();
            for (CiStore.WorktreeRow w : store.worktrees(id)) {
                bases.put(w.mount(), Path.of(w.path()));
            }
            for (RepositoryEntry e : pipeline.repositories()) {
                if (!bases.containsKey(e.mountName())) {
                    Worktrees.Worktree wt = checkout(run.owner(), run.repo(), e);
                    store.recordWorktree(id, e.mountName(), wt.path().toString(), wt.commit());
                    bases.put(e.mountName(), wt.path());
                }
            }
            Set<String> toRun = new java.util.HashSet<>();
            Map<String, Integer> attempts = new HashMap<>(); // before this run's attempt: its log is the next one
            for (CiStore.TaskRow t : store.tasks(id)) {
                attempts.put(t.name(), t.attempt());
                if (!t.status().equals("success")) {
                    toRun.add(t.name());
                }
            }
            Map<String, Map<String, String>> taskEnv = new HashMap<>();
            Map<String, List<TaskSpec.Mount>> taskMounts = new HashMap<>();
            Map<String, Map<String, byte[]>> maskByTask = new HashMap<>();
            Map<String, List<String>> cachesByTask = new HashMap<>();
            Path runDir = runsRoot.resolve(Long.toString(id));
            for (Task t : pipeline.tasks()) {
                List<TaskSpec.Mount> mounts = new ArrayList<>();
                Map<String, String> env = new LinkedHashMap<>();
                if (t.deployTarget() != null) {
                    Path target = deployTargets.authorize(t.deployTarget().name(), repo.fullName(), run.ref());
                    mounts.add(new TaskSpec.Mount.Bind(target, t.deployTarget().path(), false));
                }
                for (Task.CacheMount c : t.caches()) {
                    Path dir = caches.use(repo.fullName(), c.name(), c.shared());
                    mounts.add(new TaskSpec.Mount.Bind(dir, c.path(), false));
                    cachesByTask.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(Caches.id(repo.fullName(), c.name(), c.shared()));
                }
                if (!t.secrets().isEmpty()) {
                    Map<String, byte[]> values = secrets.resolve(run.owner(), run.repo(), t.secrets().stream().map(Task.SecretRef::name).toList());
                    maskByTask.put(t.name(), values);
                    Path secretDir = runDir.resolve("secrets").resolve(t.name());
                    for (Task.SecretRef s : t.secrets()) {
                        byte[] v = values.get(s.name());
                        if (s.file() != null) {
                            Files.createDirectories(secretDir);
                            Path f = secretDir.resolve(s.name());
                            Files.write(f, v);
                            mounts.add(new TaskSpec.Mount.Bind(f, s.file(), true));
                        } else {
                            env.put(s.env() != null ? s.env() : s.name(), new String(v, StandardCharsets.UTF_8));
                        }
                    }
                }
                taskMounts.put(t.name(), mounts);
                taskEnv.put(t.name(), env);
            }
            Map<String, String> variables = JSON.readValue(run.variables(), new TypeReference<Map<String, String>>() {});
            // The ref as git names it: a branch or a tag of the triggering repository, or a bare commit.
            String fullRef = worktrees.fullRef(run.owner(), triggeringEntry(repo, run.ref()));
            Map<String, String> extraEnv = Map.of("SLIPWAY_RUN_ID", Long.toString(id), "SLIPWAY_REPO", repo.fullName(),
                    "SLIPWAY_REF", fullRef.isEmpty() ? run.ref() : fullRef,
                    "SLIPWAY_BRANCH", fullRef.startsWith(Constants.R_HEADS) ? fullRef.substring(Constants.R_HEADS.length()) : "",
                    "SLIPWAY_TAG", fullRef.startsWith(Constants.R_TAGS) ? fullRef.substring(Constants.R_TAGS.length()) : "",
                    "SLIPWAY_EVENT", run.trigger(), "SLIPWAY_COMMIT", run.commit() == null ? "" : run.commit());
            RunEngine.Plan plan = new RunEngine.Plan(Long.toString(id), pipeline, repo.name(), bases, runDir, toRun, variables, extraEnv,
                    taskEnv, taskMounts, image -> imageAuth.forImage(run.owner(), run.createdBy(), image));
            RunEngine.Listener listener = new RunEngine.Listener() {
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
                    Map<String, byte[]> mask = maskByTask.getOrDefault(task, Map.of());
                    if (mask.isEmpty()) {
                        return raw;
                    }
                    SecretMasker.Patterns patterns = SecretMasker.patterns(mask);
                    if (!patterns.tooShort().isEmpty()) {
                        system(task, "secrets too short to mask in logs: " + patterns.tooShort());
                    }
                    return masked(raw, patterns);
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
                public void status(String task, TaskStatus status, Integer exitCode) {
                    if (status == TaskStatus.RUNNING) {
                        writer(task);
                        store.taskStarted(id, task);
                        return;
                    }
                    releaseCaches(task);
                    store.taskFinished(id, task, status.wire(), exitCode);
                    LogWriter w = writers.remove(task);
                    if (w != null) {
                        try {
                            w.finish(exitCode == null ? -1 : exitCode);
                        } catch (IOException | IllegalStateException e) {
                            LOG.warn("cannot finish the log of {} in run {}: {}", task, id, e.getMessage());
                        }
                    }
                }
            };
            RunEngine.Result result = engine.run(plan, listener, cancellation);
            if (stopping && cancellation.cancelled()) {
                store.finishRun(id, "error", INTERRUPTED); // stopped by the server's shutdown, not by a user
                return;
            }
            String status = cancellation.cancelled() ? "cancelled"
                    : result.success() ? "success"
                    : result.statuses().containsValue(TaskStatus.ERROR) ? "error" : "failure";
            // Say which tasks made the run fail (their logs say why).
            List<String> failed = result.statuses().entrySet().stream()
                    .filter(e -> e.getValue() == TaskStatus.ERROR || e.getValue() == TaskStatus.FAILURE)
                    .map(e -> e.getKey() + " (" + e.getValue().wire() + ")").sorted().toList();
            String message = failed.isEmpty() ? null : "task" + (failed.size() > 1 ? "s " : " ") + String.join(", ", failed)
                    + " did not succeed; see the task log" + (failed.size() > 1 ? "s" : "");
            store.finishRun(id, status, status.equals("success") || status.equals("cancelled") ? null : message);
            LOG.info("run {} of {}/{} ({}) finished: {}{}", id, run.owner(), run.repo(), run.pipeline(), status,
                    message == null ? "" : " - " + message);
        } catch (Exception e) {
            LOG.warn("run {} failed: {}", id, e.getMessage());
            store.finishRun(id, "error", e.getMessage());
        } finally {
            heldCaches.values().forEach(list -> list.forEach(c -> caches.lock(c).release()));
            writers.values().forEach(w -> {
                try {
                    w.close();
                } catch (IOException ignored) {
                    // best effort
                }
            });
            active.remove(id);
            evictSoon();
        }
    }

    /** Each stream gets its own masker; closing the sink writes what the maskers held back. */
    public static Executor.OutputSink masked(Executor.OutputSink raw, SecretMasker.Patterns patterns) {
        SecretMasker out = patterns.wrap(sinkStream(raw, false));
        SecretMasker err = patterns.wrap(sinkStream(raw, true));
        return new Executor.OutputSink() {
            @Override
            public void stdout(byte[] b, int off, int len) {
                write(out, b, off, len);
            }

            @Override
            public void stderr(byte[] b, int off, int len) {
                write(err, b, off, len);
            }

            @Override
            public void close() {
                try {
                    out.close();
                    err.close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
    }

    private static void write(SecretMasker m, byte[] b, int off, int len) {
        try {
            m.write(b, off, len);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static java.io.OutputStream sinkStream(Executor.OutputSink sink, boolean stderr) {
        return new java.io.OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (stderr) {
                    sink.stderr(b, off, len);
                } else {
                    sink.stdout(b, off, len);
                }
            }
        };
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
        synchronized (evictionSignal) {
            evictionSignal.notifyAll();
        }
        if (dispatcher != null) {
            try {
                dispatcher.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        active.values().forEach(c -> c.cancel(engine.executor()));
        // Let the runs record how they ended before the database closes (their tasks are stopping).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!active.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!active.isEmpty()) {
            LOG.warn("{} run(s) still stopping at shutdown; they are marked as interrupted on the next start", active.size());
        }
    }

    static final String INTERRUPTED = "the server stopped while this run was running; retry a task to resume it";
}
