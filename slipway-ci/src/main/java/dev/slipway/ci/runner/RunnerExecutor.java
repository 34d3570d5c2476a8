package dev.slipway.ci.runner;

import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.PushSpec;
import dev.slipway.ci.executor.ServiceSpec;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.core.Clock;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's executor: a task without {@code runs_on} (or whose labels the server's own runner
 * has: {@code local} and {@code ci.local-labels}) runs on the local executor; any other task is
 * offered to registered runners and runs on the first one whose labels and scope match, under a
 * lease (issue 14).
 *
 * <p>The protocol (see {@code docs/runners.md}): a runner long-polls for a task and gets a
 * {@link RunnerPlan}; it sends the task's output as appends at byte offsets, each answered with
 * the server's durable length (a wrong offset gets that length back, and the runner resends from
 * there); it ends with the exit code, the total size and a SHA-256. Every answer may say "cancel".
 * A lease has a secret attempt id: updates naming another are stale and refused. A lease expires
 * after {@code leaseTimeout} without word from its runner; its task then fails, naming the runner.
 *
 * <p>With {@code ci.local-tasks=runner} ({@code localByRunner}), the tasks the server would run
 * itself go to a runner on the server's machine ({@code slipway runner --local}, given the server's
 * own paths), so that they too survive a restart of the server. Jobs of GitHub Actions workflows
 * always run in the server's process.
 *
 * <p>Leases live in the database, so a server restart does not end them: the runner goes on
 * (answered 503 until the run resumes), the run is queued again and its task re-attaches to the
 * lease ({@link #survivesRestart}), and the log continues where the server's copy ended.
 */
public final class RunnerExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(RunnerExecutor.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(10);
    private static final String PREFIX = "lease-";

    private final Executor local;
    private final Runners runners;
    private final Jdbi jdbi;
    private final Clock clock;
    private final Set<String> localLabels;
    private final Duration leaseTimeout;
    private final boolean localByRunner;
    private final Map<Long, Remote> remotes = new ConcurrentHashMap<>();
    private final Object offers = new Object();
    private final Thread reaper;
    private volatile boolean closed;

    /** A task offered to runners or running on one. */
    private static final class Remote {
        final long lease;
        final TaskSpec spec;
        final String owner;
        final String repository;
        final Executor.OutputSink sink;
        /** The labels a runner needs, and whether it must share the server's paths. */
        final List<String> needs;
        final boolean hostPaths;
        final CompletableFuture<Exit> exit = new CompletableFuture<>();
        volatile String attempt;
        volatile Long runnerId;
        volatile String runnerName;
        volatile boolean cancel;
        volatile long lastContact;
        long logBytes;

        Remote(long lease, TaskSpec spec, String owner, String repository, Executor.OutputSink sink, List<String> needs, boolean hostPaths) {
            this.needs = needs;
            this.hostPaths = hostPaths;
            this.lease = lease;
            this.spec = spec;
            this.owner = owner;
            this.repository = repository;
            this.sink = sink;
        }
    }

    /** What the server answers a runner's update: an HTTP status, the server's durable length of the log, and whether to stop. */
    public record Ack(int status, long length, boolean cancel, String message) {}

    public RunnerExecutor(Executor local, Runners runners, Jdbi jdbi, Clock clock, Set<String> localLabels, Duration leaseTimeout,
                          boolean localByRunner) {
        this.localByRunner = localByRunner;
        this.local = local;
        this.runners = runners;
        this.jdbi = jdbi;
        this.clock = clock;
        this.localLabels = Set.copyOf(localLabels);
        this.leaseTimeout = leaseTimeout;
        this.reaper = Thread.ofVirtual().name("lease-reaper").start(this::reap);
    }

    public Runners runners() {
        return runners;
    }

    /**
     * Whether the server's own labels cover the task's: a native task without {@code runs_on} asks
     * for {@code local}; a spec without labels (a workflow's job container) is always the server's.
     */
    private boolean own(TaskSpec spec) {
        return localLabels.containsAll(spec.runsOn());
    }

    @Override
    public TaskHandle start(TaskSpec spec, OutputSink sink) throws ExecutorException {
        boolean own = own(spec);
        if (spec.runsOn().isEmpty() || (own && !localByRunner)) {
            return local.start(spec, sink);
        }
        List<String> needs = own ? List.of("local") : spec.runsOn();
        long runId = Long.parseLong(spec.runId());
        String[] repo = jdbi.withHandle(h -> h.createQuery("SELECT owner, repo FROM ci_runs WHERE id = :id").bind("id", runId)
                .map((rs, ctx) -> new String[] {rs.getString("owner"), rs.getString("repo")}).findOne())
                .orElseThrow(() -> new ExecutorException("run " + runId + " is not in the database"));
        Optional<LeaseRow> live = liveLease(runId, spec.task());
        if (live.isPresent()) { // the server restarted while a runner ran the task: go on with it
            LeaseRow row = live.get();
            Remote r = new Remote(row.id, spec, repo[0], repo[1], sink, needs, own);
            r.attempt = row.attempt;
            r.runnerId = row.runnerId;
            r.runnerName = runners.find(row.runnerId).map(Runners.Runner::name).orElse("#" + row.runnerId);
            r.logBytes = row.logBytes;
            r.cancel = row.cancel;
            r.lastContact = clock.millis();
            remotes.put(row.id, r);
            return new TaskHandle(PREFIX + row.id, spec);
        }
        try {
            RunnerPlan.of(0, "", spec, own); // refuses what a runner cannot mount, before the task waits for one
        } catch (IllegalArgumentException e) {
            throw new ExecutorException(e.getMessage());
        }
        List<Runners.Runner> all = runners.list();
        List<Runners.Runner> able = all.stream().filter(r -> r.takes(repo[0], repo[1], needs) && (!own || r.hostPaths())).toList();
        if (able.isEmpty() && own) {
            throw new ExecutorException("ci.local-tasks is runner, but no runner on this machine (slipway runner --local) is registered for "
                    + repo[0] + "/" + repo[1] + "; " + describe(all));
        }
        if (able.isEmpty()) {
            throw new ExecutorException("no runner with labels " + spec.runsOn() + " is registered for " + repo[0] + "/" + repo[1] + "; "
                    + describe(all) + " (the server's own labels: " + localLabels + ")");
        }
        long lease = jdbi.inTransaction(h -> dev.slipway.ci.scheduler.CiCounters.next(h, "lease"));
        Remote r = new Remote(lease, spec, repo[0], repo[1], sink, needs, own);
        remotes.put(lease, r);
        note(sink, "waiting for a runner with labels " + needs + (own ? " on this machine" : "") + "; " + describe(able));
        synchronized (offers) {
            offers.notifyAll();
        }
        return new TaskHandle(PREFIX + lease, spec);
    }

    private String describe(List<Runners.Runner> list) {
        if (list.isEmpty()) {
            return "no runners are registered (slipway runners token create, then slipway runner --server URL --token TOKEN --labels ...)";
        }
        List<String> each = new ArrayList<>();
        long now = clock.millis();
        for (Runners.Runner r : list) {
            each.add(r.name() + " " + r.labels() + (r.lastContact() == null ? " never seen"
                    : " last seen " + Math.max(0, (now - r.lastContact()) / 1000) + " s ago"));
        }
        return list.size() + " runner" + (list.size() == 1 ? "" : "s") + " registered: " + String.join(", ", each);
    }

    private static void note(OutputSink sink, String line) {
        byte[] b = ("[slipway] " + line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        sink.stderr(b, 0, b.length);
    }

    /**
     * The next task for {@code runner}, waiting up to {@code wait} for one; empty when none came.
     * The task is leased to the runner at once.
     */
    public Optional<RunnerPlan> poll(Runners.Runner runner, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (offers) {
            while (!closed) {
                long busy = remotes.values().stream().filter(r -> runner.id() == (r.runnerId == null ? -1 : r.runnerId) && !r.exit.isDone()).count();
                if (busy < runner.capacity()) {
                    for (Remote r : remotes.values()) {
                        if (r.runnerId == null && !r.cancel && !r.exit.isDone() && runner.takes(r.owner, r.repository, r.needs)
                                && (!r.hostPaths || runner.hostPaths())) {
                            return Optional.of(lease(r, runner));
                        }
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                try {
                    offers.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private RunnerPlan lease(Remote r, Runners.Runner runner) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        String attempt = HexFormat.of().formatHex(b);
        long now = clock.millis();
        int taskAttempt = jdbi.withHandle(h -> h.createQuery("SELECT attempt FROM ci_tasks WHERE run_id = :r AND name = :t")
                .bind("r", Long.parseLong(r.spec.runId())).bind("t", r.spec.task()).mapTo(Integer.class).findOne().orElse(0));
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO ci_leases(id, run_id, task, task_attempt, runner_id, attempt, state, log_bytes, cancel, "
                        + "created_at, updated_at) VALUES (:id, :run, :task, :ta, :runner, :attempt, 'running', 0, 0, :t, :t)")
                .bind("id", r.lease).bind("run", Long.parseLong(r.spec.runId())).bind("task", r.spec.task()).bind("ta", taskAttempt)
                .bind("runner", runner.id()).bind("attempt", attempt).bind("t", now).execute());
        r.attempt = attempt;
        r.runnerId = runner.id();
        r.runnerName = runner.name();
        r.lastContact = now;
        note(r.sink, "runner " + runner.name() + " " + runner.labels() + " took the task (lease " + r.lease + ")");
        return RunnerPlan.of(r.lease, attempt, r.spec, runner.hostPaths());
    }

    /** The task's workspace mount {@code index} (its overlay's layers, topmost first), for the lease's runner. */
    public List<Path> workspace(long lease, String attempt, int index) {
        Remote r = current(lease, attempt);
        if (r == null) {
            return null;
        }
        int i = 0;
        for (TaskSpec.Mount m : r.spec.mounts()) {
            if (m instanceof TaskSpec.Mount.Overlay o && i++ == index) {
                return o.lowers();
            }
        }
        return null;
    }

    private Remote current(long lease, String attempt) {
        Remote r = remotes.get(lease);
        return r != null && attempt != null && attempt.equals(r.attempt) ? r : null;
    }

    /** Output of the task from byte {@code offset}: appended when the offset is the server's length. */
    public Ack append(long lease, String attempt, long offset, byte[] bytes) {
        return update(lease, attempt, r -> {
            if (r.exit.isDone()) {
                return new Ack(409, r.logBytes, true, "the task has ended");
            }
            r.lastContact = clock.millis();
            if (offset != r.logBytes) {
                return new Ack(416, r.logBytes, r.cancel, "the server has " + r.logBytes + " bytes; send from there");
            }
            if (bytes.length > 0) {
                r.sink.stdout(bytes, 0, bytes.length);
                r.logBytes += bytes.length;
            }
            long length = r.logBytes;
            jdbi.useHandle(h -> h.createUpdate("UPDATE ci_leases SET log_bytes = :b, updated_at = :t WHERE id = :id")
                    .bind("b", length).bind("t", r.lastContact).bind("id", lease).execute());
            return new Ack(200, length, r.cancel, null);
        });
    }

    /** An update of a lease by its runner: under the lease's lock, once the attempt is known to be the lease's. */
    private Ack update(long lease, String attempt, java.util.function.Function<Remote, Ack> change) {
        Remote r = remotes.get(lease);
        if (r == null) {
            return detached(lease, attempt, false);
        }
        synchronized (r) {
            if (!attempt.equals(r.attempt)) {
                return new Ack(409, -1, true, "this lease's attempt is not yours any more (stale)");
            }
            return change.apply(r);
        }
    }

    /**
     * The task ended on the runner with {@code exit} (or could not run: {@code error}); {@code size}
     * is of its whole output, which the server must have in full (else a 416 with its length).
     * {@code sha256} is recorded by the runner's report but not compared yet: the server's copy is
     * checked by its length.
     */
    public Ack done(long lease, String attempt, Exit exit, long size, String sha256, String error) {
        if (!remotes.containsKey(lease)) {
            return detached(lease, attempt, true);
        }
        return update(lease, attempt, r -> {
            if (r.exit.isDone()) {
                return new Ack(200, r.logBytes, false, null); // a repeated report
            }
            if (size != r.logBytes) {
                return new Ack(416, r.logBytes, r.cancel, "the server has " + r.logBytes + " of " + size + " bytes; send the rest");
            }
            long now = clock.millis();
            jdbi.useHandle(h -> h.createUpdate("UPDATE ci_leases SET state = 'done', exit_code = :c, updated_at = :t WHERE id = :id")
                    .bind("c", exit.code()).bind("t", now).bind("id", lease).execute());
            if (error != null) { // the runner could not run the task (image, workspace): an error, not the task's failure
                r.exit.completeExceptionally(new ExecutorException("runner " + r.runnerName + ": " + error));
            } else {
                r.exit.complete(new Exit(exit.code(), exit.timedOut(), exit.stopped() || r.cancel));
            }
            return new Ack(200, r.logBytes, false, null);
        });
    }

    /**
     * An update for a lease no task follows here: right after a restart (503 until the run
     * resumes), a repeated end of a task that ended (200: the runner missed the first answer), or
     * stale (a lease that expired or whose task was removed).
     */
    private Ack detached(long lease, String attempt, boolean doneReport) {
        Optional<LeaseRow> row = jdbi.withHandle(h -> h.createQuery("SELECT * FROM ci_leases WHERE id = :id").bind("id", lease)
                .map((rs, ctx) -> LeaseRow.of(rs)).findOne());
        if (row.isEmpty()) {
            return new Ack(404, -1, true, "no lease " + lease + " on this server");
        }
        if (doneReport && row.get().attempt.equals(attempt) && row.get().state.equals("done")) {
            return new Ack(200, row.get().logBytes, false, null);
        }
        if (!row.get().attempt.equals(attempt) || !row.get().state.equals("running")) {
            return new Ack(409, row.get().logBytes, true, "lease " + lease + " is " + row.get().state + " or not yours (stale)");
        }
        if (!current(row.get())) { // its run failed at a restart, or the task was retried since: nobody will follow it
            jdbi.useHandle(h -> h.createUpdate("UPDATE ci_leases SET state = 'abandoned', updated_at = :t WHERE id = :id")
                    .bind("t", clock.millis()).bind("id", lease).execute());
            return new Ack(409, row.get().logBytes, true, "the task of lease " + lease + " is not running any more on the server "
                    + "(its run ended at a restart of the server, or the task was retried)");
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_leases SET updated_at = :t WHERE id = :id").bind("t", clock.millis()).bind("id", lease).execute());
        return new Ack(503, row.get().logBytes, false, "the server is resuming this task's run; try again shortly");
    }

    @Override
    public Exit await(TaskHandle task, Duration timeout) throws ExecutorException {
        Remote r = remote(task);
        if (r == null) {
            return local.await(task, timeout);
        }
        try {
            try {
                // The runner enforces the timeout itself; this is for a runner that never reports.
                Exit exit = r.exit.get(timeout.plusMinutes(2).toMillis(), TimeUnit.MILLISECONDS);
                remotes.remove(r.lease, r); // nothing of it is kept here: the runner removed what it made
                return exit;
            } catch (TimeoutException e) {
                forget(r);
                return new Exit(-1, true, false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException("interrupted while task " + task.spec().task() + " ran on a runner", e);
        } catch (ExecutionException e) {
            remotes.remove(r.lease, r);
            throw new ExecutorException(e.getCause().getMessage(), e.getCause());
        }
    }

    private Remote remote(TaskHandle task) {
        return task.id().startsWith(PREFIX) ? remotes.get(Long.parseLong(task.id().substring(PREFIX.length()))) : null;
    }

    @Override
    public void stop(TaskHandle task) {
        if (!task.id().startsWith(PREFIX)) {
            local.stop(task);
            return;
        }
        Remote r = remote(task);
        if (r == null) {
            return;
        }
        r.cancel = true;
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_leases SET cancel = 1 WHERE id = :id").bind("id", r.lease).execute());
        if (r.runnerId == null) {
            r.exit.complete(new Exit(-1, false, true)); // never taken
        }
        synchronized (offers) {
            offers.notifyAll();
        }
    }

    @Override
    public void remove(TaskHandle task) {
        if (!task.id().startsWith(PREFIX)) {
            local.remove(task);
            return;
        }
        Remote r = remote(task);
        if (r != null) {
            forget(r); // the runner removes what it made; the lease row stays as history
        }
    }

    /**
     * Drops a remote task: one still offered is offered no more, one a runner still runs has its
     * lease ended ({@code removed}), so the runner's next update is refused and it stops the task.
     */
    private void forget(Remote r) {
        synchronized (r) {
            if (!r.exit.isDone()) {
                r.cancel = true;
                if (r.runnerId != null) {
                    jdbi.useHandle(h -> h.createUpdate("UPDATE ci_leases SET state = 'removed', cancel = 1, updated_at = :t "
                            + "WHERE id = :id AND state = 'running'").bind("t", clock.millis()).bind("id", r.lease).execute());
                }
                r.exit.complete(new Exit(-1, false, true));
            }
            remotes.remove(r.lease, r);
        }
    }

    /** Whether a task that was running when the server stopped goes on: it runs on a runner under a live lease. */
    @Override
    public boolean survivesRestart(String runId, String task) {
        try {
            return liveLease(Long.parseLong(runId), task).isPresent();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The lease a runner holds for the task's current attempt, while its run is running (or queued to resume). */
    private Optional<LeaseRow> liveLease(long runId, String task) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM ci_leases WHERE run_id = :r AND task = :t AND state = 'running' ORDER BY id DESC")
                .bind("r", runId).bind("t", task).map((rs, ctx) -> LeaseRow.of(rs)).findFirst()).filter(this::current);
    }

    /** Whether the lease is of the task's current attempt in a run that has not ended. */
    private boolean current(LeaseRow row) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM ci_tasks t JOIN ci_runs r ON r.id = t.run_id WHERE t.run_id = :r "
                        + "AND t.name = :t AND t.attempt = :a AND r.status IN ('queued', 'running')")
                .bind("r", row.runId()).bind("t", row.task()).bind("a", row.taskAttempt()).mapTo(Integer.class).one()) > 0;
    }

    private record LeaseRow(long id, long runId, String task, int taskAttempt, long runnerId, String attempt, String state, long logBytes,
                            boolean cancel) {
        static LeaseRow of(java.sql.ResultSet rs) throws java.sql.SQLException {
            return new LeaseRow(rs.getLong("id"), rs.getLong("run_id"), rs.getString("task"), rs.getInt("task_attempt"), rs.getLong("runner_id"),
                    rs.getString("attempt"), rs.getString("state"), rs.getLong("log_bytes"), rs.getInt("cancel") != 0);
        }
    }

    /** Expires leases whose runner has been silent for longer than the lease timeout: their tasks fail, naming the runner. */
    private void reap() {
        while (!closed) {
            try {
                Thread.sleep(Math.min(5_000, Math.max(200, leaseTimeout.toMillis() / 4)));
            } catch (InterruptedException e) {
                return;
            }
            long now = clock.millis();
            for (Remote r : remotes.values()) {
                if (r.runnerId == null || r.exit.isDone() || now - r.lastContact < leaseTimeout.toMillis()) {
                    continue;
                }
                synchronized (r) {
                    jdbi.useHandle(h -> h.createUpdate("UPDATE ci_leases SET state = 'expired', updated_at = :t WHERE id = :id")
                            .bind("t", now).bind("id", r.lease).execute());
                    note(r.sink, "runner " + r.runnerName + " was silent for " + dev.slipway.core.Durations.format(leaseTimeout)
                            + "; its lease " + r.lease + " expired (its output so far is kept above)");
                    LOG.warn("lease {} of run {} task {} on runner {} expired", r.lease, r.spec.runId(), r.spec.task(), r.runnerName);
                    r.exit.completeExceptionally(new ExecutorException("runner " + r.runnerName + " lost contact for longer than the lease ("
                            + dev.slipway.core.Durations.format(leaseTimeout) + "); the task failed (retry it to run it again)"));
                }
            }
        }
    }

    // ---- everything else is the local executor's

    @Override
    public String name() {
        return local.name();
    }

    @Override
    public boolean isolated() {
        return local.isolated();
    }

    @Override
    public void buildImage(Path context, String dockerfile, String tag, Consumer<String> output) throws ExecutorException {
        local.buildImage(context, dockerfile, tag, output);
    }

    @Override
    public PushSpec.Outcome push(PushSpec spec, Consumer<String> output) throws ExecutorException {
        return local.push(spec, output);
    }

    @Override
    public void build(PushSpec.Source.Build source, Set<String> tags, Map<String, String> labels, Consumer<String> output)
            throws ExecutorException {
        local.build(source, tags, labels, output);
    }

    @Override
    public void copyOut(TaskHandle task, String path, Path into) throws ExecutorException {
        local.copyOut(task, path, into);
    }

    @Override
    public String openHostPort(int port) throws ExecutorException {
        return local.openHostPort(port);
    }

    @Override
    public int exec(TaskHandle task, List<String> argv, Map<String, String> env, String workdir, OutputSink sink, Duration timeout)
            throws ExecutorException {
        return local.exec(task, argv, env, workdir, sink, timeout);
    }

    @Override
    public int runBeside(TaskHandle task, Beside spec, OutputSink sink, Duration timeout) throws ExecutorException {
        return local.runBeside(task, spec, sink, timeout);
    }

    @Override
    public String createNetwork(String runId, String task) throws ExecutorException {
        return local.createNetwork(runId, task);
    }

    @Override
    public void join(TaskHandle task, String network, List<String> aliases) throws ExecutorException {
        local.join(task, network, aliases);
    }

    @Override
    public ServiceSpec.Handle startService(ServiceSpec spec, String network) throws ExecutorException {
        return local.startService(spec, network);
    }

    @Override
    public ServiceSpec.Handle startServiceBeside(ServiceSpec spec, TaskHandle task) throws ExecutorException {
        return local.startServiceBeside(spec, task);
    }

    @Override
    public void awaitHealthy(ServiceSpec.Handle service, Duration timeout, java.util.function.BooleanSupplier cancelled)
            throws ExecutorException {
        local.awaitHealthy(service, timeout, cancelled);
    }

    @Override
    public void serviceLogs(ServiceSpec.Handle service, OutputSink sink) {
        local.serviceLogs(service, sink);
    }

    @Override
    public void removeService(ServiceSpec.Handle service) {
        local.removeService(service);
    }

    @Override
    public void removeNetwork(String network) {
        local.removeNetwork(network);
    }

    @Override
    public void removeRun(String runId) {
        for (Remote r : remotes.values()) {
            if (r.spec.runId().equals(runId)) {
                forget(r);
            }
        }
        local.removeRun(runId);
    }

    /** The local executor's, and the runs of tasks offered to runners or running on one. */
    @Override
    public Set<String> keptRuns() {
        Set<String> runs = new java.util.HashSet<>(local.keptRuns());
        remotes.values().forEach(r -> runs.add(r.spec.runId()));
        return runs;
    }

    @Override
    public int stopLeftovers() {
        return local.stopLeftovers();
    }

    @Override
    public void close() {
        closed = true;
        reaper.interrupt();
        synchronized (offers) {
            offers.notifyAll();
        }
        local.close();
    }
}
