package dev.slipway.actions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.slipway.actions.expr.Scope;
import dev.slipway.actions.expr.Status;
import dev.slipway.actions.expr.Template;
import dev.slipway.actions.run.JobContexts;
import dev.slipway.actions.run.JobLog;
import dev.slipway.actions.run.JobResult;
import dev.slipway.actions.run.JobRuntime;
import dev.slipway.actions.run.RunInfo;
import dev.slipway.actions.run.RunnerInfo;
import dev.slipway.actions.workflow.Combination;
import dev.slipway.actions.workflow.Concurrency;
import dev.slipway.actions.workflow.Expansion;
import dev.slipway.actions.workflow.Job;
import dev.slipway.actions.workflow.RunDefaults;
import dev.slipway.actions.workflow.Runners;
import dev.slipway.actions.workflow.Step;
import dev.slipway.actions.workflow.Value;
import dev.slipway.actions.workflow.Workflow;
import dev.slipway.actions.workflow.TokenScopes;
import dev.slipway.actions.workflow.Workflows;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.scheduler.ConcurrencyGroups;
import dev.slipway.ci.scheduler.RunEngine;
import dev.slipway.ci.scheduler.RunProgram;
import dev.slipway.ci.scheduler.TaskStatus;
import dev.slipway.ci.workspace.Dirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a GitHub Actions workflow: its jobs in the order their {@code needs} give, each job's
 * {@code if}, its matrix expanded when it is about to start (into one task per combination, named
 * as GitHub names them: {@code build (worker-a)}), and each combination as one container that idles
 * while the {@link JobRuntime} runs the steps in it one after another.
 *
 * <p>Per task under the run directory: {@code tasks/<task>/<mount>/upper|work} (the overlay of the
 * base worktree the steps see at {@code /src/<mount>}, which is GITHUB_WORKSPACE) and
 * {@code tasks/<task>/runner-temp} (RUNNER_TEMP at {@code /__w/_temp}: step scripts and the files
 * of file commands, read by the runtime on this machine).
 */
public final class WorkflowProgram implements RunProgram {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keeps a job's container up while its steps run in it; stopped at the job's end. */
    static final String IDLE = "trap 'exit 0' TERM INT; while :; do sleep 1 & wait $!; done"; // wait returns at once on a signal
    static final String TEMP = "/__w/_temp";
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Pattern SECRET_NAMES = Pattern.compile("secrets\\s*(?:\\.\\s*([A-Za-z_][A-Za-z0-9_]*)|\\[\\s*'([^']+)'\\s*\\])");

    private final Map<String, String> labels;
    private final ActionsFactory actions;
    /** The jobs to run with what they need ({@code slipway exec -j}); null for every job. */
    private final Set<String> only;

    /**
     * How a job's {@code uses} steps that are not built in run (local and fetched actions); the
     * built-in ones ({@link BuiltinActions}) come first.
     */
    @FunctionalInterface
    public interface ActionsFactory {
        dev.slipway.actions.run.ActionRunner forJob(JobRun job);
    }

    /** What a job's actions need of the run around them: the job's container is {@code handle}. */
    public record JobRun(Setup setup, String task, Path taskDir, Map<String, Path> bases, String workspace, Executor.TaskHandle handle) {}

    /**
     * @param labels {@code ci.actions.labels}: runner label to image ({@code ubuntu-latest: local/runner:bookworm})
     */
    public WorkflowProgram(Map<String, String> labels, ActionsFactory actions) {
        this(labels, actions, null);
    }

    private WorkflowProgram(Map<String, String> labels, ActionsFactory actions, Set<String> only) {
        this.labels = Map.copyOf(labels);
        this.actions = actions;
        this.only = only == null ? null : Set.copyOf(only);
    }

    /**
     * This program for these jobs and the jobs they need, as act's {@code -j} does; the others
     * do not run and are not reported.
     */
    public WorkflowProgram only(Set<String> jobs) {
        return new WorkflowProgram(labels, actions, jobs);
    }

    @Override
    public String format() {
        return "actions";
    }

    @Override
    public RunEngine.Result run(Setup setup, RunEngine.Listener listener, RunEngine.Cancellation cancellation) throws Exception {
        Workflow workflow = Workflows.read(setup.definitionFile(), setup.definition());
        return new Execution(setup, workflow, listener, cancellation).run();
    }

    /**
     * The run's job token may do what any of its jobs asks ({@code packages} for the registry,
     * {@code actions} for the run's repository in the CI API): one token serves the run.
     */
    @Override
    public dev.slipway.ci.model.Permissions permissions(String definitionFile, String definition) {
        Workflow workflow = Workflows.read(definitionFile, definition);
        dev.slipway.ci.model.Permissions.Access packages = dev.slipway.ci.model.Permissions.Access.NONE;
        dev.slipway.ci.model.Permissions.Access repository = dev.slipway.ci.model.Permissions.Access.NONE;
        for (Job job : workflow.jobs().values()) {
            TokenScopes scopes = TokenScopes.of(workflow, job, false);
            packages = max(packages, access(scopes.access("packages")));
            repository = max(repository, access(scopes.access("actions")));
        }
        return new dev.slipway.ci.model.Permissions(packages, repository);
    }

    /**
     * The workflow's {@code concurrency:} for a run, its group evaluated with {@code github},
     * {@code inputs} and {@code vars} as GitHub allows there; null without one, or when the group
     * evaluates to an empty string.
     */
    @Override
    public ConcurrencyGroups.Request concurrency(CiStore.RunRow run, String repository, String ref, Values values) {
        Workflow workflow = Workflows.read(run.definitionFile(), run.definition());
        if (workflow.concurrency() == null) {
            return null;
        }
        Map<String, String> variables = new LinkedHashMap<>();
        try {
            JSON.readTree(run.variables() == null ? "{}" : run.variables()).properties().forEach(e -> variables.put(e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        } catch (IOException e) {
            throw new IllegalArgumentException("the run's inputs are not JSON: " + e.getMessage());
        }
        RunInfo info = runInfo(new RunFacts(run, repository, run.definitionFile(), ref, "", "", 1, variables), workflow);
        Map<String, JsonNode> c = new LinkedHashMap<>();
        ObjectNode github = info.github("", "", "");
        c.put("github", github);
        c.put("gitea", github);
        c.put("forgejo", github);
        c.put("inputs", inputs(variables, workflow));
        c.put("vars", JSON.valueToTree(values.variables(null)));
        Scope scope = Scope.of(c);
        String group = workflow.concurrency().group().evaluateString(scope).trim();
        return group.isEmpty() ? null : new ConcurrencyGroups.Request(group, flag(workflow.concurrency().cancelInProgress(), scope));
    }

    private static dev.slipway.ci.model.Permissions.Access access(dev.slipway.actions.workflow.Permissions.Access a) {
        return switch (a) {
            case NONE -> dev.slipway.ci.model.Permissions.Access.NONE;
            case READ -> dev.slipway.ci.model.Permissions.Access.READ;
            case WRITE -> dev.slipway.ci.model.Permissions.Access.WRITE;
        };
    }

    private static dev.slipway.ci.model.Permissions.Access max(dev.slipway.ci.model.Permissions.Access a,
                                                             dev.slipway.ci.model.Permissions.Access b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * The task and the tasks of every job that needs its job, directly or not: a task belongs to
     * the job its details name (a matrix combination), or is the job of its name.
     */
    @Override
    public List<String> withDependents(String definitionFile, String definition, Map<String, String> details, List<String> tasks,
                                       String task) {
        Workflow workflow = Workflows.read(definitionFile, definition);
        Map<String, String> jobOf = new LinkedHashMap<>();
        for (String t : tasks) {
            String job = t;
            String d = details.get(t);
            if (d != null) {
                try {
                    job = JSON.readTree(d).path("job").asText(t);
                } catch (IOException e) {
                    // the task's name is its job's
                }
            }
            jobOf.put(t, job);
        }
        String job = jobOf.getOrDefault(task, task);
        Set<String> dependents = new LinkedHashSet<>();
        if (workflow.jobs().get(job) instanceof Job.Call) {
            dependents.add(job); // the called workflow's tasks need each other: all of them run again
        }
        for (String id : workflow.jobs().keySet()) {
            if (workflow.graph().ancestors(id).contains(job)) {
                dependents.add(id);
            }
        }
        List<String> again = new ArrayList<>(List.of(task));
        jobOf.forEach((t, j) -> {
            if (dependents.contains(j) && !again.contains(t)) {
                again.add(t);
            }
        });
        return again;
    }

    /** The names of the secrets a workflow mentions: those are read (and masked) for its jobs. */
    static Set<String> secretNames(String definition) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = SECRET_NAMES.matcher(definition);
        while (m.find()) {
            names.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        names.removeIf(n -> n.equalsIgnoreCase("GITHUB_TOKEN") || n.equalsIgnoreCase("GITEA_TOKEN"));
        return names;
    }

    /** Why a running or pending job was told to stop by its concurrency group; null while it was not. */
    private static final class Stop {
        /** The stop of the reusable workflow call a job runs within, or null: when it stops, so does the job. */
        private final Stop parent;
        private volatile String why;

        Stop(Stop parent) {
            this.parent = parent;
        }

        void stop(String reason) {
            why = reason;
        }

        String why() {
            String own = why;
            return own != null || parent == null ? own : parent.why();
        }
    }

    /** A job's outcome as its dependents see it ({@code needs.<job>}). */
    private record Outcome(Status.Conclusion result, Map<String, String> outputs) {}

    /** What a job sees of the configuration for its environment: {@code vars} and {@code secrets}. */
    private record JobValues(Map<String, String> vars, Map<String, String> secrets) {}

    /**
     * One workflow's jobs in a run: the run's own workflow, or a reusable one a job calls, whose
     * jobs become tasks named after the calling task ({@code deploy-build}) and shown as GitHub
     * shows them ({@code deploy / build}).
     *
     * @param secrets what {@code secrets} holds in the called workflow; null for the run's own (and {@code secrets: inherit})
     * @param prefix put before each job's id to make its task name: empty, or the calling task's name and {@code -}
     * @param shownPrefix put before each job's display name: empty, or the calling job's and {@code  / }
     * @param owner the run's job a task of this workflow belongs to (for retries), or null in the run's own
     * @param stop stops every job of a called workflow (its caller's or its own concurrency group); null in the run's own
     */
    private record Frame(Workflow workflow, ObjectNode inputs, Map<String, String> secrets, String prefix, String shownPrefix,
                         String owner, int depth, Stop stop, Map<String, CompletableFuture<Outcome>> outcomes) {
        Frame(Workflow workflow, ObjectNode inputs, Map<String, String> secrets, String prefix, String shownPrefix, String owner, int depth,
              Stop stop) {
            this(workflow, inputs, secrets, prefix, shownPrefix, owner, depth, stop, new ConcurrentHashMap<>());
        }

        String task(String jobId) {
            return prefix + jobId;
        }

        String jobOf(String jobId) {
            return owner == null ? jobId : owner;
        }
    }

    /** How deep reusable workflows may call each other, as on GitHub (the caller and three levels below it). */
    static final int MAX_CALL_DEPTH = 4;

    private final class Execution {
        private final Setup setup;
        private final Workflow workflow;
        private final RunEngine.Listener listener;
        private final RunEngine.Cancellation cancellation;
        private final RunInfo runInfo;
        private final List<String> secretNames;
        /** By environment, lower case ("" for none): names compare case-insensitively. */
        private final Map<String, JobValues> values = new ConcurrentHashMap<>();
        private final Map<String, TaskStatus> statuses = new ConcurrentHashMap<>();
        private final List<Executor.TaskHandle> handles = new CopyOnWriteArrayList<>();
        /** GitHub's name of each task: {@code build (worker-a)}, or the job's {@code name}. */
        private final Map<String, String> displayNames = new ConcurrentHashMap<>();
        /** The reusable workflows of the run's repository that its jobs call, read once, by path. */
        private final Map<String, Callee> callees;
        private final Frame top;

        Execution(Setup setup, Workflow workflow, RunEngine.Listener listener, RunEngine.Cancellation cancellation) {
            this.setup = setup;
            this.workflow = workflow;
            this.listener = listener;
            this.cancellation = cancellation;
            this.runInfo = runInfo(setup, workflow);
            this.callees = Callee.readAll(workflow, setup.bases().get(setup.workMount()));
            Set<String> names = new LinkedHashSet<>(secretNames(setup.definition()));
            callees.values().forEach(c -> names.addAll(secretNames(c.text())));
            this.secretNames = List.copyOf(names);
            this.top = new Frame(workflow, inputs(setup, workflow), null, "", "", null, 1, null);
        }

        /** What a job of {@code frame} sees: a called workflow's secrets are those passed to it. */
        private JobValues values(Frame frame, String environment) {
            JobValues v = values(environment);
            if (frame.secrets() == null) {
                return v;
            }
            Map<String, String> s = new LinkedHashMap<>(frame.secrets());
            s.put("GITHUB_TOKEN", v.secrets().get("GITHUB_TOKEN"));
            s.put("GITEA_TOKEN", v.secrets().get("GITEA_TOKEN"));
            return new JobValues(v.vars(), s);
        }

        /**
         * The variables, and the secrets the workflow mentions, that a job with {@code environment}
         * (null for none) sees; read once per environment in a run.
         */
        private JobValues values(String environment) {
            String key = environment == null ? "" : environment.toLowerCase(java.util.Locale.ROOT);
            return values.computeIfAbsent(key, k -> {
                Map<String, String> s = new LinkedHashMap<>();
                setup.values().secrets(environment, secretNames)
                        .forEach((name, v) -> s.put(name, new String(v, java.nio.charset.StandardCharsets.UTF_8)));
                String token = setup.environment().getOrDefault("SLIPWAY_TOKEN", "");
                s.put("GITHUB_TOKEN", token);
                s.put("GITEA_TOKEN", token);
                return new JobValues(setup.values().variables(environment), s);
            });
        }

        RunEngine.Result run() {
            Set<String> selected = new LinkedHashSet<>();
            for (String id : workflow.graph().order()) {
                if (only == null || only.contains(id)) {
                    selected.add(id);
                    selected.addAll(workflow.graph().ancestors(id));
                }
            }
            runFrame(top, selected);
            return new RunEngine.Result(Map.copyOf(statuses), List.copyOf(handles));
        }

        /** Runs the frame's jobs (those {@code selected}, null for all) in the order their needs give; returns when all ended. */
        private void runFrame(Frame frame, Set<String> selected) {
            Map<String, CompletableFuture<Outcome>> outcomes = frame.outcomes();
            for (String id : frame.workflow().graph().order()) {
                if (selected != null && !selected.contains(id)) {
                    outcomes.put(id, CompletableFuture.completedFuture(new Outcome(Status.Conclusion.SKIPPED, Map.of())));
                    continue;
                }
                Job job = frame.workflow().job(id);
                List<CompletableFuture<Outcome>> deps = job.needs().stream().map(outcomes::get).toList();
                outcomes.put(id, CompletableFuture.allOf(deps.toArray(CompletableFuture[]::new))
                        .thenApplyAsync(ignored -> runJob(frame, job), command -> Thread.ofVirtual().name("job-" + frame.task(id)).start(command)));
            }
            outcomes.values().forEach(CompletableFuture::join);
        }

        /** The job's {@code needs} context and the status its {@code if} sees (every ancestor). */
        private ObjectNode needsContext(Frame frame, Job job) {
            ObjectNode needs = JSON.createObjectNode();
            for (String n : job.needs()) {
                Outcome o = frame.outcomes().get(n).join();
                ObjectNode entry = needs.putObject(n);
                entry.put("result", o.result().word());
                ObjectNode out = entry.putObject("outputs");
                o.outputs().forEach(out::put);
            }
            return needs;
        }

        private Scope jobScope(Frame frame, Job job, ObjectNode needs, ObjectNode matrix, ObjectNode strategy, JobValues values) {
            Map<String, JsonNode> c = new LinkedHashMap<>();
            ObjectNode github = runInfo.github(job.id(), "/src/" + setup.workMount(), TEMP + "/_github_workflow/event.json");
            c.put("github", github);
            c.put("gitea", github);
            c.put("forgejo", github);
            c.put("inputs", frame.inputs());
            c.put("vars", JSON.valueToTree(values.vars()));
            c.put("needs", needs);
            c.put("matrix", matrix == null ? JSON.createObjectNode() : matrix);
            c.put("strategy", strategy == null ? JSON.createObjectNode() : strategy);
            c.put("secrets", JSON.valueToTree(values.secrets()));
            c.put("env", JSON.valueToTree(envOf(frame.workflow().env(), null)));
            Map<String, Status.Conclusion> ancestors = new LinkedHashMap<>();
            for (String a : frame.workflow().graph().ancestors(job.id())) {
                ancestors.put(a, frame.outcomes().get(a).join().result());
            }
            return Scope.of(c).withStatus(new Status.Needs(ancestors, cancellation.cancelled()));
        }

        private Map<String, String> envOf(Map<String, Value> env, Scope scope) {
            Map<String, String> out = new LinkedHashMap<>();
            env.forEach((k, v) -> out.put(k, scope == null || v.isLiteral() ? v.source() : v.evaluateString(scope)));
            return out;
        }

        private Outcome runJob(Frame frame, Job job) {
            String id = job.id();
            String task = frame.task(id);
            ObjectNode needs = needsContext(frame, job);
            if (!setup.tasks().contains(task) && previous(task) != null) {
                return previous(task); // succeeded in an earlier attempt of this run
            }
            Scope scope = jobScope(frame, job, needs, null, null, values(frame, null));
            boolean wanted;
            try {
                wanted = !cancellation.cancelled() && job.condition().test(scope);
            } catch (RuntimeException e) {
                return fail(task, "the job's if: " + job.condition().source() + " could not be evaluated: " + e.getMessage());
            }
            if (!wanted) {
                listener.skipped(task, cancellation.cancelled() ? "the run was cancelled"
                        : "its if: " + (job.condition().source().isBlank() ? "success()" : job.condition().source()) + " was false");
                statuses.put(task, TaskStatus.SKIPPED);
                return new Outcome(Status.Conclusion.SKIPPED, Map.of());
            }
            Expansion expansion;
            try {
                expansion = job.expand(scope);
            } catch (RuntimeException e) {
                return fail(task, "the job's matrix could not be expanded: " + e.getMessage());
            }
            List<String> names = new ArrayList<>();
            Map<String, String> shown = new LinkedHashMap<>();
            for (int i = 0; i < expansion.combinations().size(); i++) {
                Combination combination = expansion.combinations().get(i);
                Scope named = jobScope(frame, job, needs, combination.context(), expansion.strategyContext(i), values(frame, null));
                String name = taskName(task, combination, names);
                names.add(name);
                shown.put(name, frame.shownPrefix() + job.displayName(combination, named));
            }
            if (job instanceof Job.Call call) {
                return runCall(frame, call, needs, expansion, names, shown);
            }
            Job.Steps steps = (Job.Steps) job;
            if (!names.equals(List.of(task))) {
                listener.tasksExpanded(task, names);
            }
            for (String name : names) { // the job a task belongs to (for retries) and GitHub's name for it, also if it never runs
                listener.details(name, JSON.createObjectNode().put("job", frame.jobOf(id)).put("display_name", shown.get(name)).toString());
            }
            displayNames.putAll(shown);
            Semaphore parallel = new Semaphore(expansion.maxParallel());
            Map<String, String> outputs = new ConcurrentHashMap<>();
            List<JobRuntime> running = new CopyOnWriteArrayList<>();
            boolean[] failedFast = {false};
            List<CompletableFuture<Status.Conclusion>> combos = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                int index = i;
                combos.add(CompletableFuture.supplyAsync(() -> {
                    parallel.acquireUninterruptibly();
                    try {
                        Outcome before = setup.tasks().contains(names.get(index)) ? null : previous(names.get(index));
                        if (before != null) { // succeeded in an earlier attempt of this run
                            outputs.putAll(before.outputs());
                            return Status.Conclusion.SUCCESS;
                        }
                        if (failedFast[0]) {
                            listener.skipped(names.get(index), "another combination of " + id + " failed (fail-fast)");
                            statuses.put(names.get(index), TaskStatus.CANCELLED);
                            return Status.Conclusion.CANCELLED;
                        }
                        Combination combination = expansion.combinations().get(index);
                        Scope s = jobScope(frame, job, needs, combination.context(), expansion.strategyContext(index), values(frame, null));
                        String environment;
                        JobValues v;
                        try {
                            environment = environment(steps, s);
                            String refused = environment == null ? null : approval(names.get(index), environment);
                            if (refused != null) {
                                return fail(names.get(index), refused).result();
                            }
                            v = values(frame, environment);
                        } catch (RuntimeException e) {
                            return fail(names.get(index), "the job's environment: " + e.getMessage()).result();
                        }
                        s = jobScope(frame, job, needs, combination.context(), expansion.strategyContext(index), v);
                        Stop stop = new Stop(frame.stop());
                        ConcurrencyGroups.Ticket ticket;
                        try {
                            ticket = enterGroup(job.concurrency(), s, "job " + names.get(index), stop);
                        } catch (RuntimeException e) {
                            return fail(names.get(index), "the job's concurrency: " + e.getMessage()).result();
                        }
                        try {
                            if (ticket != null && !awaitGroup(ticket, List.of(names.get(index)), stop)) {
                                return Status.Conclusion.CANCELLED;
                            }
                            Status.Conclusion c = runCombination(frame, steps, names.get(index), s, v, environment, combination, expansion, index,
                                    needs, outputs, running, stop);
                            if (c == Status.Conclusion.FAILURE && expansion.failFast() && names.size() > 1) {
                                failedFast[0] = true;
                                running.forEach(JobRuntime::cancel);
                            }
                            return c;
                        } finally {
                            if (ticket != null) {
                                ticket.close();
                            }
                        }
                    } finally {
                        parallel.release();
                    }
                }, command -> Thread.ofVirtual().start(command)));
            }
            List<Status.Conclusion> results = combos.stream().map(CompletableFuture::join).toList();
            boolean continueOnError = flag(steps.continueOnError(), scope);
            Status.Conclusion result = results.contains(Status.Conclusion.FAILURE) ? (continueOnError ? Status.Conclusion.SUCCESS : Status.Conclusion.FAILURE)
                    : results.contains(Status.Conclusion.CANCELLED) ? Status.Conclusion.CANCELLED : Status.Conclusion.SUCCESS;
            return new Outcome(result, Map.copyOf(outputs));
        }

        /**
         * Enters a concurrency group ({@code concurrency:} of a job evaluated with its matrix, or of
         * a called workflow evaluated with its inputs) for {@code who} ("job build"); null without
         * one, or when the group evaluates to an empty string.
         */
        private ConcurrencyGroups.Ticket enterGroup(Concurrency concurrency, Scope scope, String who, Stop stop) {
            if (concurrency == null) {
                return null;
            }
            String group = concurrency.group().evaluateString(scope).trim();
            if (group.isEmpty()) {
                return null;
            }
            boolean cancelInProgress = flag(concurrency.cancelInProgress(), scope);
            return setup.groups().enter(setup.repository(), new ConcurrencyGroups.Request(group, cancelInProgress),
                    who + " of run " + setup.run().id(), stop::stop);
        }

        /**
         * Waits, while the tasks are pending, until their group lets them run; false (the tasks
         * cancelled, said in the first one's log) when they may not.
         */
        private boolean awaitGroup(ConcurrencyGroups.Ticket ticket, List<String> tasks, Stop stop) {
            String task = tasks.getFirst();
            if (!ticket.running() && ("run " + setup.run().id()).equals(ticket.blockedBy())) {
                stop.stop("a deadlock for concurrency group " + ticket.group() + " was detected: the workflow holds it, so its job"
                        + " would wait for its own run (as GitHub, Slipway cancels the job)");
            }
            if (!ticket.running()) {
                listener.system(task, "waiting for concurrency group " + ticket.group()
                        + (ticket.blockedBy() == null ? "" : ": " + ticket.blockedBy() + " is in progress"));
            }
            boolean may;
            try {
                may = ticket.await(() -> cancellation.cancelled() || stop.why() != null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                may = false;
            }
            if (may && stop.why() == null) {
                return true;
            }
            listener.system(task, "cancelled: " + (stop.why() != null ? stop.why() : "the run was cancelled"));
            for (String t : tasks) {
                listener.status(t, TaskStatus.CANCELLED, null);
                statuses.put(t, TaskStatus.CANCELLED);
            }
            return false;
        }

        /**
         * A job that calls a reusable workflow: for each combination of its matrix, the called
         * workflow's jobs run as tasks of this run, with the inputs and secrets the job passes;
         * the job's outputs are the called workflow's {@code on.workflow_call.outputs}.
         */
        private Outcome runCall(Frame frame, Job.Call call, ObjectNode needs, Expansion expansion, List<String> names,
                                Map<String, String> shown) {
            String task = frame.task(call.id());
            Callee callee = switch (call.uses()) {
                case dev.slipway.actions.workflow.WorkflowRef.Remote r -> Callee.failed("reusable workflows of other repositories ("
                        + r.source() + ") do not run in Slipway yet: copy the workflow into this repository's workflow directory and call"
                        + " it as ./.gitea/workflows/" + r.path().substring(r.path().lastIndexOf('/') + 1));
                case dev.slipway.actions.workflow.WorkflowRef.Local l -> callees.getOrDefault(l.path(),
                        Callee.failed(l.path() + " could not be read"));
            };
            String problem = callee.problem() != null ? callee.problem()
                    : frame.depth() >= MAX_CALL_DEPTH ? "reusable workflows nest at most " + MAX_CALL_DEPTH + " levels deep (" + call.uses().source() + ")"
                    : callee.workflow().on().workflowCall() == null ? call.uses().source() + " has no 'on: workflow_call', so it cannot be called"
                    : callee.workflow().on().workflowCall().check(call).stream().map(dev.slipway.ci.definition.Problem::toString)
                            .reduce((a, b) -> a + "\n" + b).orElse(null);
            if (problem != null) {
                return fail(task, call.uses().source() + ": " + problem);
            }
            Workflow called = callee.workflow();
            List<String> inner = new ArrayList<>();
            for (String name : names) {
                called.graph().order().forEach(j -> inner.add(name + "-" + j));
            }
            listener.tasksExpanded(task, inner);
            List<Frame> frames = new ArrayList<>();
            List<Scope> scopes = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                Scope s = jobScope(frame, call, needs, expansion.combinations().get(i).context(), expansion.strategyContext(i), values(frame, null));
                try {
                    frames.add(new Frame(called, callInputs(called, call, s, frame), callSecrets(frame, call, s), names.get(i) + "-",
                            shown.get(names.get(i)) + " / ", frame.jobOf(call.id()), frame.depth() + 1, new Stop(frame.stop())));
                    scopes.add(s);
                } catch (RuntimeException e) {
                    String why = "the call's inputs or secrets: " + e.getMessage();
                    inner.forEach(t -> fail(t, why));
                    return new Outcome(Status.Conclusion.FAILURE, Map.of());
                }
            }
            Map<String, String> outputs = new LinkedHashMap<>();
            List<Status.Conclusion> results = new ArrayList<>();
            List<CompletableFuture<Void>> running = new ArrayList<>();
            Semaphore parallel = new Semaphore(expansion.maxParallel());
            for (int i = 0; i < frames.size(); i++) {
                Frame f = frames.get(i);
                Scope s = scopes.get(i);
                running.add(CompletableFuture.runAsync(() -> {
                    parallel.acquireUninterruptibly();
                    try {
                        runCalled(call, f, s);
                    } finally {
                        parallel.release();
                    }
                }, command -> Thread.ofVirtual().start(command)));
            }
            running.forEach(CompletableFuture::join);
            for (Frame f : frames) {
                ObjectNode jobs = JSON.createObjectNode();
                f.outcomes().forEach((j, o) -> {
                    Outcome outcome = o.join();
                    results.add(outcome.result());
                    ObjectNode entry = jobs.putObject(j);
                    entry.put("result", outcome.result().word());
                    ObjectNode out = entry.putObject("outputs");
                    outcome.outputs().forEach(out::put);
                });
                Map<String, JsonNode> c = new LinkedHashMap<>();
                c.put("github", runInfo.github(call.id(), "/src/" + setup.workMount(), TEMP + "/_github_workflow/event.json"));
                c.put("inputs", f.inputs());
                c.put("vars", JSON.valueToTree(values(null).vars()));
                c.put("jobs", jobs);
                Scope scope = Scope.of(c);
                for (var o : called.on().workflowCall().outputs().values()) {
                    try {
                        outputs.put(o.name(), o.value().evaluateString(scope));
                    } catch (RuntimeException e) {
                        listener.system(f.prefix() + called.graph().order().getLast(), "warning: output " + o.name() + " of "
                                + call.uses().source() + " could not be evaluated: " + e.getMessage());
                    }
                }
            }
            Status.Conclusion result = results.contains(Status.Conclusion.FAILURE) ? Status.Conclusion.FAILURE
                    : results.contains(Status.Conclusion.CANCELLED) ? Status.Conclusion.CANCELLED : Status.Conclusion.SUCCESS;
            return new Outcome(result, Map.copyOf(outputs));
        }

        /**
         * Runs one combination of a call within its concurrency groups: the calling job's
         * ({@code jobs.<id>.concurrency}, evaluated with its matrix) and then the called workflow's
         * own (evaluated with {@code github}, {@code inputs} and {@code vars}). A group that cancels
         * the call stops every job of the called workflow.
         */
        private void runCalled(Job.Call call, Frame f, Scope callerScope) {
            List<String> tasks = f.workflow().graph().order().stream().map(f::task).toList();
            List<ConcurrencyGroups.Ticket> tickets = new ArrayList<>();
            try {
                Concurrency[] groups = {call.concurrency(), f.workflow().concurrency()};
                for (int g = 0; g < groups.length; g++) {
                    ConcurrencyGroups.Ticket ticket;
                    try {
                        ticket = enterGroup(groups[g], g == 0 ? callerScope : workflowScope(call.id(), f.inputs()), "call " + f.prefix()
                                .substring(0, f.prefix().length() - 1), f.stop());
                    } catch (RuntimeException e) {
                        String why = (g == 0 ? "the job's concurrency: " : "the concurrency of " + call.uses().source() + ": ") + e.getMessage();
                        f.workflow().graph().order().forEach(j -> f.outcomes().put(j, CompletableFuture.completedFuture(fail(f.task(j), why))));
                        return;
                    }
                    if (ticket != null) {
                        tickets.add(ticket);
                        if (!awaitGroup(ticket, tasks, f.stop())) {
                            f.workflow().graph().order().forEach(j -> f.outcomes().put(j,
                                    CompletableFuture.completedFuture(new Outcome(Status.Conclusion.CANCELLED, Map.of()))));
                            return;
                        }
                    }
                }
                runFrame(f, null);
            } finally {
                tickets.forEach(ConcurrencyGroups.Ticket::close);
            }
        }

        /**
         * What a called workflow's top-level expressions see: {@code github} (and its other names)
         * for the calling {@code job}, {@code inputs} and {@code vars}.
         */
        private Scope workflowScope(String job, ObjectNode inputs) {
            Map<String, JsonNode> c = new LinkedHashMap<>();
            ObjectNode github = runInfo.github(job, "/src/" + setup.workMount(), TEMP + "/_github_workflow/event.json");
            c.put("github", github);
            c.put("gitea", github);
            c.put("forgejo", github);
            c.put("inputs", inputs);
            c.put("vars", JSON.valueToTree(values(null).vars()));
            return Scope.of(c);
        }

        /** The called workflow's {@code inputs}: the call's {@code with:} evaluated, checked, typed, defaults filled in. */
        private ObjectNode callInputs(Workflow called, Job.Call call, Scope scope, Frame frame) {
            Map<String, JsonNode> given = new LinkedHashMap<>();
            call.with().forEach((k, v) -> given.put(k, v.evaluate(scope)));
            return called.on().workflowCall().inputs(given, workflowScope(call.id(), frame.inputs()));
        }

        /** What {@code secrets} holds in the called workflow: null for {@code inherit} (the caller's), else those passed. */
        private Map<String, String> callSecrets(Frame frame, Job.Call call, Scope scope) {
            if (call.secrets().inherit()) {
                return frame.secrets();
            }
            Map<String, String> out = new LinkedHashMap<>();
            call.secrets().passed().forEach((k, v) -> out.put(k, v.evaluateString(scope)));
            return out;
        }

        private Outcome previous(String job) {
            String json = setup.previousDetails().get(job);
            if (json == null) {
                return null;
            }
            try {
                JsonNode d = JSON.readTree(json);
                Map<String, String> out = new LinkedHashMap<>();
                d.path("outputs").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
                return new Outcome(Status.Conclusion.SUCCESS, out);
            } catch (IOException e) {
                return null;
            }
        }

        private Outcome fail(String task, String why) {
            listener.output(task);
            listener.status(task, TaskStatus.RUNNING, null);
            listener.system(task, "error: " + why);
            listener.status(task, TaskStatus.ERROR, null);
            statuses.put(task, TaskStatus.ERROR);
            return new Outcome(Status.Conclusion.FAILURE, Map.of());
        }

        private Status.Conclusion runCombination(Frame frame, Job.Steps job, String task, Scope scope, JobValues values, String environment,
                                                 Combination combination, Expansion expansion, int index,
                                                 ObjectNode needs, Map<String, String> outputs, List<JobRuntime> running, Stop stop) {
            Executor.OutputSink sink = listener.output(task);
            listener.status(task, TaskStatus.RUNNING, null);
            Executor.TaskHandle handle = null;
            JobServices services = new JobServices(setup.executor(), Long.toString(setup.run().id()), safe(task), job.id(),
                    line -> listener.system(task, line), sink, values.secrets());
            try {
                String image = image(job, scope, task);
                if (image == null) {
                    listener.status(task, TaskStatus.ERROR, null);
                    statuses.put(task, TaskStatus.ERROR);
                    return Status.Conclusion.FAILURE;
                }
                Path taskDir = setup.runDir().resolve("tasks").resolve(safe(task));
                Path hostTemp = taskDir.resolve("runner-temp");
                Dirs.reset(hostTemp);
                Files.createDirectories(hostTemp);
                List<TaskSpec.Mount> mounts = new ArrayList<>();
                for (var base : setup.bases().entrySet()) {
                    Path dir = taskDir.resolve(base.getKey());
                    Dirs.reset(dir);
                    Files.createDirectories(dir.resolve("upper"));
                    Files.createDirectories(dir.resolve("work"));
                    mounts.add(new TaskSpec.Mount.Overlay(List.of(base.getValue()), dir.resolve("upper"), dir.resolve("work"), "/src/" + base.getKey()));
                }
                mounts.add(new TaskSpec.Mount.Bind(hostTemp, TEMP, false));
                Path artifacts = Files.createDirectories(setup.runDir().resolve("artifacts"));
                mounts.add(new TaskSpec.Mount.Bind(artifacts, BuiltinActions.ARTIFACTS, false));
                Map<String, String> env = new LinkedHashMap<>();
                env.put("CI", "true");
                env.put("TERM", "xterm-256color");
                env.putAll(setup.environment());
                env.remove("SLIPWAY_TOKEN"); // the token reaches steps as secrets.GITHUB_TOKEN, as on GitHub
                JobContainer container = JobContainer.of(job.id(), job.container(), image, scope, setup.pullAuth());
                mounts.addAll(container.volumes());
                env.putAll(container.env());
                if (job.container() != null) {
                    env.putAll(envOf(job.container().env(), scope));
                }
                Duration timeout = job.timeoutMinutes() == null ? dev.slipway.actions.run.Job.DEFAULT_TIMEOUT
                        : Duration.ofSeconds(Math.round(job.timeoutMinutes().evaluateNumber(scope) * 60));
                String workspace = "/src/" + setup.workMount();
                TaskSpec spec = new TaskSpec(Long.toString(setup.run().id()), safe(task), image, false, IDLE, env, workspace, mounts,
                        Task.NetworkPolicy.DEFAULT, container.resources(), timeout.plusMinutes(10), container.pullAuth());
                var serviceSpecs = services.specs(job.services(), scope, setup.pullAuth());
                listener.system(task, "job " + job.id() + " in " + image + (environment == null ? "" : ", environment " + environment));
                try {
                    handle = setup.executor().start(spec, sink);
                } catch (Executor.ExecutorException e) {
                    if (job.container() == null || job.container().image() == null) { // the image came from a runs-on label
                        throw new Executor.ExecutorException(e.getMessage().strip() + "; runs-on " + job.runsOn().evaluate(scope)
                                + " maps to " + image + " through ci.actions.labels: name an image this Docker engine has or can pull "
                                + "there (slipway exec: -P LABEL=IMAGE)", e);
                    }
                    throw e;
                }
                handles.add(handle);
                cancellation.started(task, handle);
                services.start(serviceSpecs, handle, job.container() == null, cancellation::cancelled);
                ExecutorSession session = new ExecutorSession(setup.executor(), handle, TEMP, hostTemp, workspace,
                        setup.bases().get(setup.workMount()), PATH);
                JobLog log = new JobLog() {
                    @Override
                    public void stdout(byte[] bytes, int off, int len) {
                        sink.stdout(bytes, off, len);
                    }

                    @Override
                    public void stderr(byte[] bytes, int off, int len) {
                        sink.stderr(bytes, off, len);
                    }

                    @Override
                    public void system(String line) {
                        listener.system(task, line);
                    }
                };
                JobRuntime runtime = new JobRuntime(session, log, new BuiltinActions(
                        actions.forJob(new JobRun(setup, task, taskDir, setup.bases(), workspace, handle)),
                        new EngineImages(setup, handle, taskDir, task), setup.caches(), cacheScopes(setup), setup.values()::checkout));
                running.add(runtime);
                Thread watcher = Thread.ofVirtual().start(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        if (stop.why() != null) {
                            listener.system(task, "cancelled: " + stop.why());
                        }
                        if (cancellation.cancelled() || stop.why() != null) {
                            runtime.cancel();
                            return;
                        }
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                JobResult result;
                try {
                    result = runtime.run(runtimeJob(frame.workflow().env(), job, displayNames.getOrDefault(task, task), timeout), runInfo, RunnerInfo.linux("slipway", "/opt/hostedtoolcache"),
                            new JobContexts(values.vars(), values.secrets(), frame.inputs(), combination.context(), expansion.strategyContext(index), needs,
                                    services.network() == null ? null : JSON.createObjectNode().put("id", handle.id()).put("network", services.network()),
                                    services.context()));
                } finally {
                    watcher.interrupt();
                    running.remove(runtime);
                }
                outputs.putAll(result.outputs());
                listener.details(task, details(frame.jobOf(job.id()), displayNames.getOrDefault(task, task), result));
                setup.executor().stop(handle);
                setup.executor().await(handle, Duration.ofSeconds(30));
                services.close();
                sink.close();
                // A cancel stops the container at once: the step it killed failed, but the job was cancelled.
                Status.Conclusion conclusion = result.result() == Status.Conclusion.FAILURE && (cancellation.cancelled() || stop.why() != null)
                        ? Status.Conclusion.CANCELLED : result.result();
                TaskStatus status = switch (conclusion) {
                    case SUCCESS -> TaskStatus.SUCCESS;
                    case FAILURE -> TaskStatus.FAILURE;
                    case CANCELLED -> TaskStatus.CANCELLED;
                    case SKIPPED -> TaskStatus.SKIPPED;
                };
                listener.status(task, status, status == TaskStatus.SUCCESS ? 0 : null);
                statuses.put(task, status);
                return conclusion;
            } catch (Executor.ExecutorException | IOException | RuntimeException e) {
                listener.system(task, "error: " + e.getMessage());
                services.close(); // their logs before the task's status ends its log
                if (cancellation.cancelled() || stop.why() != null) { // while waiting for a service, say
                    listener.status(task, TaskStatus.CANCELLED, null);
                    statuses.put(task, TaskStatus.CANCELLED);
                    return Status.Conclusion.CANCELLED;
                }
                listener.status(task, TaskStatus.ERROR, null);
                statuses.put(task, TaskStatus.ERROR);
                return Status.Conclusion.FAILURE;
            } finally {
                services.close(); // removed even when the job ended otherwise (nothing left to do then)
                if (handle != null) {
                    cancellation.ended(task);
                }
            }
        }

        /**
         * Waits, while the job is pending, until a reviewer decides when its environment requires
         * approval. Returns why the job may not run, or null when it may.
         */
        private String approval(String task, String environment) {
            List<String> reviewers = setup.values().reviewers(environment);
            if (reviewers.isEmpty()) {
                return null;
            }
            listener.system(task, "waiting for approval of environment " + environment + " by " + String.join(" or ", reviewers)
                    + " (POST /api/v1/repos/" + setup.repository() + "/actions/runs/" + setup.run().id() + "/pending_deployments)");
            RunProgram.Decision decision;
            try {
                decision = setup.values().awaitApproval(environment, cancellation::cancelled);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while waiting for approval of environment " + environment;
            }
            if (!decision.approved()) {
                return "environment " + environment + ": " + decision.message();
            }
            listener.system(task, "environment " + environment + ": " + decision.message());
            return null;
        }

        /** The job's {@code environment} name, or null without one (or when it evaluates to an empty string). */
        private static String environment(Job.Steps job, Scope scope) {
            if (job.environment() == null) {
                return null;
            }
            String name = job.environment().name().evaluateString(scope).trim();
            return name.isEmpty() ? null : name;
        }

        /** The image a job runs in: its {@code container}, else what its {@code runs-on} labels map to; null (said in the log) when none. */
        private String image(Job.Steps job, Scope scope, String task) {
            if (job.container() != null && job.container().image() != null) {
                return job.container().image().evaluateString(scope);
            }
            List<String> wanted = job.runsOn().evaluate(scope);
            Runners.Runner runner = Runners.of(labels, false).choose(wanted);
            return switch (runner) {
                case Runners.Runner.Container c -> c.image();
                case Runners.Runner.Host h -> {
                    listener.system(task, "error: runs-on " + h.label() + " would run the job on the server's machine, which ci.actions does not allow");
                    yield null;
                }
                case Runners.Runner.Unavailable u -> {
                    listener.system(task, "error: " + u.message());
                    yield null;
                }
            };
        }
    }

    private static boolean flag(Value v, Scope scope) {
        return v != null && v.evaluateFlag(scope);
    }

    /** The runtime's job for one combination: its steps and settings, templates as the reader parsed them. */
    static dev.slipway.actions.run.Job runtimeJob(Map<String, Value> workflowEnv, Job.Steps job, String name, Duration timeout) {
        RunDefaults defaults = job.defaults();
        List<dev.slipway.actions.run.Step> steps = new ArrayList<>();
        for (Step s : job.steps()) {
            steps.add(runtimeStep(s, defaults));
        }
        return new dev.slipway.actions.run.Job(job.id(), name, steps, templates(workflowEnv), templates(job.env()),
                new dev.slipway.actions.run.Job.Defaults(defaults.shell() == null ? null : defaults.shell().source(),
                        defaults.workingDirectory() == null ? null : defaults.workingDirectory().template()),
                templates(job.outputs()), timeout);
    }

    /** A step as the runtime takes it; {@code defaults} fill in a run step's shell and working directory. */
    static dev.slipway.actions.run.Step runtimeStep(Step s, RunDefaults defaults) {
        dev.slipway.actions.run.Step.Options o = new dev.slipway.actions.run.Step.Options(s.id(), s.name() == null ? null : s.name().template(),
                s.condition().condition(), templates(s.env()), s.continueOnError().template(),
                s.timeoutMinutes() == null ? null : s.timeoutMinutes().template());
        return switch (s) {
            case Step.Run r -> {
                RunDefaults d = r.settings(defaults);
                yield new dev.slipway.actions.run.Step.Run(o, r.run().template(), d.shell() == null ? null : d.shell().source(),
                        d.workingDirectory() == null ? null : d.workingDirectory().template());
            }
            case Step.Uses u -> new dev.slipway.actions.run.Step.Uses(o, u.uses().source(), templates(u.with()));
        };
    }

    static Map<String, Template> templates(Map<String, Value> values) {
        Map<String, Template> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v.template()));
        return out;
    }

    /** A task name: what GitHub shows, made unique in the run and short enough for the task table. */
    /**
     * A task's name: the job's id, and for a matrix combination its values after it
     * ({@code build-worker-a-20}), in characters a URL path and a log id take as they are; the
     * name GitHub shows ({@code build (worker-a, 20)}) is the task's {@code display_name}.
     */
    static String taskName(String jobId, Combination combination, List<String> taken) {
        StringBuilder b = new StringBuilder(jobId);
        combination.values().values().forEach(v -> appendValues(b, v));
        String clean = b.toString().replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("-+$", "");
        String base = clean.length() > 80 ? clean.substring(0, 80) : clean.isEmpty() ? "job" : clean;
        String name = base;
        for (int n = 2; taken.contains(name); n++) {
            name = base + "-" + n;
        }
        return name;
    }

    private static void appendValues(StringBuilder b, JsonNode v) {
        if (v == null || v.isNull() || (v.isValueNode() && v.asText().isEmpty())) {
            return;
        }
        if (v.isContainerNode()) {
            v.elements().forEachRemaining(e -> appendValues(b, e));
            return;
        }
        b.append('-').append(v.asText());
    }

    /** A task name as a file name and a container name part. */
    static String safe(String task) {
        return task.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** The job's steps, outputs and annotations for the run JSON. */
    static String details(String jobId, String displayName, JobResult result) {
        ObjectNode d = JSON.createObjectNode();
        d.put("job", jobId);
        d.put("display_name", displayName);
        d.put("result", result.result().word());
        ObjectNode outputs = d.putObject("outputs");
        result.outputs().forEach(outputs::put);
        var steps = d.putArray("steps");
        for (var s : result.steps()) {
            ObjectNode o = steps.addObject();
            o.put("number", s.number());
            o.put("phase", s.phase().name().toLowerCase(java.util.Locale.ROOT));
            o.put("id", s.id());
            o.put("name", s.name());
            o.put("outcome", s.outcome().word());
            o.put("conclusion", s.conclusion().word());
            o.put("started_at", s.started().toString());
            o.put("finished_at", s.ended().toString());
            o.put("duration_ms", s.duration().toMillis());
            if (s.exitCode() != null) {
                o.put("exit_code", s.exitCode());
            }
            if (s.summary() != null) {
                o.put("summary", s.summary());
            }
        }
        var annotations = d.putArray("annotations");
        for (var a : result.allAnnotations()) {
            ObjectNode o = annotations.addObject();
            o.put("level", a.level().word());
            o.put("message", a.message());
            o.put("title", a.title());
            o.put("file", a.file());
            if (a.line() != null) {
                o.put("line", a.line());
            }
            if (a.column() != null) {
                o.put("column", a.column());
            }
        }
        return d.toString();
    }

    /**
     * Where a run's caches are saved (the first) and restored from, as GitHub scopes them: the
     * run's ref (a pull request's merge ref), a pull request's base branch, the default branch.
     */
    static List<String> cacheScopes(Setup setup) {
        CiStore.PullRequest pr = setup.run().event().pullRequest();
        String ref = setup.environment().getOrDefault("SLIPWAY_REF", setup.run().ref());
        return dev.slipway.actions.cache.CacheLookup.restoreScopes(ref, pr == null ? null : pr.number(), pr == null ? null : pr.baseRef(),
                setup.caches() == null ? null : setup.caches().defaultBranch());
    }

    /** GitHub's event name for a Slipway run's event. */
    static String eventName(String slipwayEvent) {
        return EventNames.github(slipwayEvent);
    }

    /** What the {@code github} context is made of: a run's row and what the server knows around it. */
    private record RunFacts(CiStore.RunRow run, String repository, String definitionFile, String ref, String serverUrl, String token,
                            int attempt, Map<String, String> variables) {
        static RunFacts of(Setup setup) {
            Map<String, String> env = setup.environment();
            return new RunFacts(setup.run(), setup.repository(), setup.definitionFile(), env.getOrDefault("SLIPWAY_REF", setup.run().ref()),
                    setup.serverUrl(), env.getOrDefault("SLIPWAY_TOKEN", ""), setup.attempt(), setup.variables());
        }
    }

    private static RunInfo runInfo(Setup setup, Workflow workflow) {
        return runInfo(RunFacts.of(setup), workflow);
    }

    private static RunInfo runInfo(RunFacts facts, Workflow workflow) {
        CiStore.RunRow run = facts.run();
        String ref = facts.ref();
        JsonNode event = event(facts, workflow);
        CiStore.PullRequest pr = run.event().pullRequest();
        return RunInfo.builder().serverUrl(facts.serverUrl()).repository(facts.repository()).sha(run.commit()).ref(ref)
                .headRef(pr == null ? "" : pr.headRef()).baseRef(pr == null ? "" : pr.baseRef()).event(eventName(run.trigger()), event).runId(Long.toString(run.id())).runNumber(run.id()).runAttempt(Math.max(1, facts.attempt()))
                .actor(run.createdBy()).workflow(workflow.displayName())
                .workflowRef(facts.repository() + "/" + facts.definitionFile() + "@" + ref)
                .token(facts.token()).build();
    }

    /** The forge's payload when a webhook started the run; else one with the fields scripts read most. */
    private static JsonNode event(RunFacts facts, Workflow workflow) {
        CiStore.RunRow run = facts.run();
        if (run.event().payload() != null) {
            try {
                return JSON.readTree(run.event().payload());
            } catch (IOException e) {
                // made below
            }
        }
        ObjectNode e = JSON.createObjectNode();
        e.put("ref", facts.ref());
        e.put("after", run.commit());
        ObjectNode head = e.putObject("head_commit");
        head.put("id", run.commit());
        head.put("message", run.event().message() == null ? "" : run.event().message());
        ObjectNode repo = e.putObject("repository");
        repo.put("full_name", facts.repository());
        repo.put("name", facts.repository().substring(facts.repository().indexOf('/') + 1));
        if (eventName(run.trigger()).equals("workflow_dispatch")) {
            e.set("inputs", dev.slipway.actions.workflow.On.Dispatch.eventInputs(inputs(facts.variables(), workflow)));
        }
        return e;
    }

    private static ObjectNode inputs(Setup setup, Workflow workflow) {
        return inputs(setup.variables(), workflow);
    }

    /** The {@code inputs} context: a dispatch's inputs, typed and with defaults filled in. */
    private static ObjectNode inputs(Map<String, String> variables, Workflow workflow) {
        Map<String, JsonNode> given = new LinkedHashMap<>();
        variables.forEach((k, v) -> given.put(k, TextNode.valueOf(v)));
        if (workflow.on().workflowDispatch() != null) {
            return workflow.on().workflowDispatch().inputs(given);
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        given.forEach(o::set);
        return o;
    }
}
