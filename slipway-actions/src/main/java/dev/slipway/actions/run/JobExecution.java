package dev.slipway.actions.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.actions.expr.Condition;
import dev.slipway.actions.expr.ExpressionException;
import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.FileHasher;
import dev.slipway.actions.expr.Scope;
import dev.slipway.actions.expr.Status;
import dev.slipway.actions.expr.Status.Conclusion;
import dev.slipway.actions.expr.Template;
import dev.slipway.actions.run.StepResult.Phase;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.secret.Masks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * One run of a job: the state that lives from its first step to its last, and the step loop.
 * Runs on the thread that called {@link JobRuntime#run}.
 *
 * <p>Files in the session's temp directory (as GitHub's runner lays them out):
 * <pre>
 * _github_workflow/event.json                   the event payload (GITHUB_EVENT_PATH)
 * _runner_file_commands/set_env_&lt;uuid&gt;          GITHUB_ENV of the running step, and likewise
 *   add_path_, set_output_, save_state_, step_summary_   GITHUB_PATH, GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY
 * &lt;uuid&gt;.sh (.py, .ps1)                           the running step's script
 * </pre>
 * A step's files are removed when it ends.
 */
final class JobExecution {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** GitHub's limit for a step's summary. */
    static final int SUMMARY_LIMIT = 1024 * 1024;

    private final JobRuntime runtime;
    private final JobSession session;
    private final JobLog log;
    private final ActionRunner actions;
    private final Job job;
    private final RunInfo run;
    private final RunnerInfo runner;
    private final JobContexts contexts;

    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final Masks masks;
    private final boolean debug;
    private final ObjectNode github;
    private final Map<String, JsonNode> baseContexts = new LinkedHashMap<>();
    private final FileHasher hasher;
    /** The workflow's and job's env, then GITHUB_ENV and ::set-env:: of the steps so far. */
    private final Map<String, String> jobEnv = new LinkedHashMap<>();
    /** GITHUB_PATH directories in the order added; the last added comes first in PATH. */
    private final List<String> prependPath = new ArrayList<>();
    /** The job's own steps; a composite action's steps run in a frame of their own. */
    private final Frame top;
    private final List<StepResult> results = new ArrayList<>();
    private final List<Annotation> jobAnnotations = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Unit> posts = new ArrayDeque<>();
    /** GITHUB_STATE per uses step, shared by its pre, main and post steps. */
    private final Map<Step.Uses, Map<String, String>> states = new IdentityHashMap<>();
    private final Map<Step, String> actionNames = new IdentityHashMap<>();
    private final List<ProblemMatchers.Config> matchers = new ArrayList<>();
    private final Map<String, Boolean> probes = new HashMap<>();
    private final StepCommands.Job commandsJob;
    private Instant deadline;
    private String eventPath;
    private boolean failed;

    JobExecution(JobRuntime runtime, JobSession session, JobLog log, ActionRunner actions, Job job, RunInfo run, RunnerInfo runner,
                 JobContexts contexts) {
        this.runtime = runtime;
        this.session = session;
        this.log = log;
        this.actions = actions;
        this.job = job;
        this.run = run;
        this.runner = runner;
        this.contexts = contexts;
        secrets.putAll(contexts.secrets());
        if (!run.token().isEmpty()) {
            secrets.putIfAbsent("GITHUB_TOKEN", run.token());
            secrets.putIfAbsent("GITEA_TOKEN", run.token());
        }
        Map<String, byte[]> values = new LinkedHashMap<>();
        secrets.forEach((name, value) -> values.put(name, value.getBytes(StandardCharsets.UTF_8)));
        this.masks = Masks.of(values);
        this.debug = run.debug() || isTrue(secrets.get("ACTIONS_STEP_DEBUG")) || isTrue(contexts.vars().get("ACTIONS_STEP_DEBUG"));
        this.github = githubContext();
        this.top = new Frame(null, null, github);
        this.hasher = session.hostWorkspace().map(FileHasher::workspace).orElse((patterns, follow) -> {
            throw new IOException("this job's workspace is not on the machine running Slipway");
        });
        this.commandsJob = new StepCommands.Job(masks, this::system, session, debug, matchers);
    }

    private static boolean isTrue(String value) {
        return value != null && value.trim().equalsIgnoreCase("true");
    }

    JobResult run() {
        Instant started = Instant.now();
        deadline = started.plus(job.timeout());
        Thread watchdog = Thread.ofVirtual().name("job-timeout-" + job.id()).start(this::watch);
        Map<String, String> outputs = Map.of();
        try {
            if (!masks.tooShort().isEmpty()) {
                system("##[warning]secrets too short to mask in the log: " + masks.tooShort());
            }
            List<Unit> pre = setUp();
            if (pre != null) {
                for (Unit u : pre) {
                    runUnit(u, top);
                }
                for (Step s : job.steps()) {
                    runUnit(new Unit(Phase.MAIN, s, null, s instanceof Step.Uses u ? state(u) : new LinkedHashMap<>()), top);
                }
            } else {
                for (Step s : job.steps()) {
                    skipUnrun(s);
                }
            }
            while (!posts.isEmpty()) {
                runUnit(posts.pop(), top);
            }
            outputs = outputs();
        } finally {
            watchdog.interrupt();
        }
        Conclusion result = runtime.cancelled() ? Conclusion.CANCELLED : top.failed() || failed ? Conclusion.FAILURE : Conclusion.SUCCESS;
        return new JobResult(result, outputs, results, List.copyOf(jobAnnotations), started, Instant.now());
    }

    /** Cancels the job when its timeout-minutes pass. */
    private void watch() {
        try {
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isPositive()) {
                Thread.sleep(left);
            }
        } catch (InterruptedException e) {
            return; // the job ended in time
        }
        if (!runtime.cancelled()) {
            Duration t = job.timeout();
            String time = t.toSecondsPart() == 0 && t.toMillisPart() == 0 ? t.toMinutes() + " minutes" : Clock.format(t);
            String message = "The job has exceeded the maximum execution time of " + time + "; it is cancelled.";
            jobAnnotations.add(Annotation.of(Annotation.Level.ERROR, message));
            system("##[error]" + message);
            runtime.expire();
        }
    }

    // ---- set up ---------------------------------------------------------------------------

    /** Prepares the temp directory, the job's env and the actions; the pre steps to run, or null when the job cannot start. */
    private List<Unit> setUp() {
        try {
            Path temp = session.hostTemp();
            Files.createDirectories(temp.resolve("_runner_file_commands"));
            Path workflowDir = Files.createDirectories(temp.resolve("_github_workflow"));
            Files.write(workflowDir.resolve("event.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(run.event()));
            open(temp.resolve("_runner_file_commands"), temp, workflowDir);
        } catch (IOException e) {
            return setUpFailed("cannot prepare the job's temp directory " + session.hostTemp() + ": " + e.getMessage());
        }
        try {
            Scope scope = scope(top, Map.of());
            jobEnv.putAll(evaluate(job.workflowEnv(), scope));
            jobEnv.putAll(evaluate(job.env(), scope));
        } catch (ExpressionException e) {
            return setUpFailed("the job's env: " + e.getMessage());
        }
        List<Unit> pre = new ArrayList<>();
        for (Step s : job.steps()) {
            if (s instanceof Step.Uses uses) {
                try {
                    Optional<Hook> hook = actions.prepare(uses);
                    hook.ifPresent(h -> pre.add(new Unit(Phase.PRE, uses, h, state(uses))));
                } catch (IOException | RuntimeException e) {
                    return setUpFailed("cannot prepare 'uses: " + uses.uses() + "': " + e.getMessage());
                } catch (InterruptedException e) {
                    runtime.cancel();
                    return setUpFailed("the job was cancelled while its actions were prepared");
                }
            }
        }
        return pre;
    }

    /** Lets a session running as another user write the runtime's files (a container's user). */
    private static void open(Path... dirs) {
        for (Path d : dirs) {
            try {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
            } catch (IOException | UnsupportedOperationException ignored) {
                // not a POSIX file system, or not ours to change: the session's user is then ours
            }
        }
    }

    private List<Unit> setUpFailed(String message) {
        failed = true;
        jobAnnotations.add(Annotation.of(Annotation.Level.ERROR, masks.mask(message)));
        system("##[error]" + message);
        return null;
    }

    private Map<String, String> state(Step.Uses uses) {
        return states.computeIfAbsent(uses, u -> new LinkedHashMap<>());
    }

    // ---- contexts -------------------------------------------------------------------------

    private ObjectNode githubContext() {
        eventPath = session.temp() + "/_github_workflow/event.json";
        ObjectNode g = run.github(job.id(), session.workspace(), eventPath);
        baseContexts.put("github", g);
        baseContexts.put("gitea", g);
        baseContexts.put("forgejo", g);
        baseContexts.put("vars", JSON.valueToTree(contexts.vars()));
        baseContexts.put("secrets", JSON.valueToTree(secrets));
        baseContexts.put("inputs", contexts.inputs());
        baseContexts.put("matrix", contexts.matrix());
        baseContexts.put("strategy", contexts.strategy());
        baseContexts.put("needs", contexts.needs());
        ObjectNode r = JSON.createObjectNode();
        r.put("name", runner.name());
        r.put("os", runner.os());
        r.put("arch", runner.arch());
        r.put("temp", session.temp());
        r.put("tool_cache", runner.toolCache());
        r.put("environment", "self-hosted");
        if (debug) {
            r.put("debug", "1");
        }
        baseContexts.put("runner", r);
        return g;
    }

    /**
     * The status functions' view: the frame's steps so far (a composite action's own steps inside
     * it, as GitHub's action_status), and whether the job was cancelled.
     */
    private static Status status(Frame frame, boolean cancelled) {
        return new Status.Steps(frame.conclusions, cancelled);
    }

    private String jobStatus() {
        if (runtime.cancelled()) {
            return "cancelled";
        }
        return failed || top.failed() ? "failure" : "success";
    }

    private Scope scope(Frame frame, Map<String, String> env) {
        Map<String, JsonNode> c = new LinkedHashMap<>(baseContexts);
        c.put("env", JSON.valueToTree(env));
        c.put("steps", frame.steps.deepCopy());
        if (frame.composite != null) {
            c.put("github", frame.github);
            c.put("gitea", frame.github);
            c.put("forgejo", frame.github);
            c.put("inputs", JSON.valueToTree(frame.composite.inputs()));
        }
        ObjectNode jobContext = JSON.createObjectNode();
        jobContext.put("status", jobStatus());
        if (contexts.container() != null) {
            jobContext.set("container", contexts.container());
        }
        jobContext.set("services", contexts.services());
        c.put("job", jobContext);
        return new Scope(c, status(frame, runtime.cancelled()), hasher);
    }

    private static Map<String, String> evaluate(Map<String, Template> templates, Scope scope) {
        Map<String, String> out = new LinkedHashMap<>();
        templates.forEach((k, t) -> out.put(k, t.evaluateString(scope)));
        return out;
    }

    // ---- steps ----------------------------------------------------------------------------

    /** A step to run: a job's step (MAIN) or an action's pre or post step (with its hook). */
    private record Unit(Phase phase, Step step, Hook hook, Map<String, String> state) {}

    /**
     * The steps a step belongs to: the job's own (the top frame), or a composite action's, which
     * run inside the job's step that uses the action (its {@link Call}) with a {@code steps}
     * context and status of their own, the action's {@code inputs} and {@code github.action_path}.
     */
    private final class Frame {
        final ObjectNode steps = JSON.createObjectNode();
        final List<Conclusion> conclusions = new ArrayList<>();
        /** The step that runs the composite action; null for the job's own steps. */
        final Call call;
        final Composite composite;
        final ObjectNode github;
        final int depth;

        Frame(Call call, Composite composite, ObjectNode github) {
            this.call = call;
            this.composite = composite;
            this.github = github;
            this.depth = call == null ? 0 : call.frame.depth + 1;
        }

        boolean isJob() {
            return call == null;
        }

        boolean failed() {
            return conclusions.contains(Conclusion.FAILURE) || conclusions.contains(Conclusion.CANCELLED);
        }

        /** The env context a step starts from: the job's env and GITHUB_ENV, then the env of the steps that use the composite actions around it. */
        Map<String, String> env() {
            if (isJob()) {
                return jobEnv;
            }
            Map<String, String> env = new LinkedHashMap<>(call.frame.env());
            env.putAll(call.stepEnv);
            return env;
        }
    }

    /** A step that failed before its body could run. */
    private static final class StepFailure extends Exception {
        StepFailure(String message) {
            super(message);
        }
    }

    /** How a step's body ended; {@code summaries} are what a composite action's steps wrote to GITHUB_STEP_SUMMARY. */
    private record Body(Conclusion outcome, Integer exitCode, Map<String, String> outputs, List<String> summaries) {
        Body(Conclusion outcome, Integer exitCode, Map<String, String> outputs) {
            this(outcome, exitCode, outputs, List.of());
        }
    }

    /** Marks a step of a job that never started (its set-up failed). */
    private void skipUnrun(Step s) {
        Instant now = Instant.now();
        record(top, new StepResult(results.size() + 1, Phase.MAIN, s.options().id(), defaultName(s), Conclusion.SKIPPED, Conclusion.SKIPPED,
                now, now, null, Map.of(), List.of(), null));
    }

    private void runUnit(Unit u, Frame f) {
        Step step = u.step();
        int number = results.size() + 1;
        String action = actionName(step);
        f.github.put("action", action);
        Instant started = Instant.now();
        Map<String, String> stepEnv;
        try {
            stepEnv = evaluate(step.options().env(), scope(f, f.env()));
        } catch (ExpressionException e) {
            failEarly(u, f, number, started, "the step's env: " + e.getMessage());
            return;
        }
        Map<String, String> envContext = new LinkedHashMap<>(f.env());
        envContext.putAll(stepEnv);
        Scope scope = scope(f, envContext);
        String name = name(u, scope);
        Condition condition = u.phase() == Phase.MAIN ? step.options().condition() : u.hook().condition();
        boolean run;
        try {
            run = condition.test(scope);
        } catch (ExpressionException e) {
            failEarly(u, f, number, started, "the step's if: " + e.getMessage());
            return;
        }
        if (!run) {
            start(f, number, u.phase(), name);
            system((f.isJob() ? "" : name + ": ") + "Skipped: if: " + (condition.source().isBlank() ? "success()" : condition.source().strip())
                    + (runtime.cancelled() ? " (the job was cancelled)" : ""));
            Instant now = Instant.now();
            StepResult result = new StepResult(number, u.phase(), u.phase() == Phase.MAIN ? step.options().id() : null, name,
                    Conclusion.SKIPPED, Conclusion.SKIPPED, started, now, null, Map.of(), List.of(), null);
            if (f.isJob()) {
                system("##[endstep]skipped");
            }
            record(f, result);
            return;
        }
        start(f, number, u.phase(), name);
        StepFiles files;
        try {
            files = StepFiles.create(session);
        } catch (IOException e) {
            StepCommands commands = new StepCommands(commandsJob, u.state(), false);
            commands.fail("cannot create the step's files in " + session.hostTemp() + ": " + e.getMessage());
            finish(u, f, number, name, started, new Body(Conclusion.FAILURE, null, Map.of()), false, commands, null);
            return;
        }
        f.github.put("env", files.sessionPath("env"));
        f.github.put("path", files.sessionPath("path"));
        scope = scope(f, envContext); // with this step's github.env and github.path
        StepCommands commands = new StepCommands(commandsJob, u.state(), isTrue(envContext.get("ACTIONS_ALLOW_UNSECURE_COMMANDS")));
        StepOutput output = new StepOutput(commands, masks, log);
        boolean continueOnError = false;
        Body body;
        try {
            Limits limits;
            if (!f.isJob()) {
                continueOnError = continueOnError(step, scope);
                limits = f.call.limits; // a composite action's steps share the time of the step that uses it
            } else if (u.phase() == Phase.MAIN) {
                continueOnError = continueOnError(step, scope);
                limits = new Limits(started, timeout(step, scope));
            } else {
                limits = new Limits(started, null);
            }
            Scope keepScope = scope;
            // Inside a composite action, the step that uses it holds the cancellable section: its if decides.
            BooleanSupplier keep = f.isJob() ? () -> condition.test(keepScope.withStatus(status(f, true))) : null;
            Map<String, String> env = processEnv(f, envContext, files, step, action,
                    u.phase() == Phase.MAIN && step instanceof Step.Run ? null : u.state());
            body = switch (u.phase()) {
                case MAIN -> step instanceof Step.Run r
                        ? script(r, f, scope, envContext, env, output, commands, limits, keep)
                        : action(u, f, scope, stepEnv, envContext, env, output, commands, limits, keep);
                case PRE, POST -> action(u, f, scope, stepEnv, envContext, env, output, commands, limits, keep);
            };
        } catch (StepFailure | ExpressionException e) {
            commands.error(e.getMessage());
            body = new Body(Conclusion.FAILURE, null, Map.of());
        } catch (RuntimeException e) { // the session failed in a way it did not declare: the step fails, the job goes on
            commands.error("the step could not run: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            body = new Body(Conclusion.FAILURE, null, Map.of());
        } finally {
            output.close();
        }
        finish(u, f, number, name, started, body, continueOnError, commands, files);
    }

    /** A step that fails before it can run (its env or if cannot be evaluated); continue-on-error still applies. */
    private void failEarly(Unit u, Frame f, int number, Instant started, String message) {
        String name = name(u, null);
        start(f, number, u.phase(), name);
        StepCommands commands = new StepCommands(commandsJob, u.state(), false);
        commands.fail(message);
        boolean continueOnError = false;
        if (u.phase() == Phase.MAIN) {
            try {
                continueOnError = continueOnError(u.step(), scope(f, f.env()));
            } catch (StepFailure | ExpressionException e) {
                commands.error(e.getMessage());
            }
        }
        finish(u, f, number, name, started, new Body(Conclusion.FAILURE, null, Map.of()), continueOnError, commands, null);
    }

    /** A job's step starts a section of the log; a composite action's steps are part of the section of the step that uses it. */
    private void start(Frame f, int number, Phase phase, String name) {
        if (f.isJob()) {
            log.stepStarted(number, phase, name);
            system("##[step]" + name);
        }
    }

    /** Reads the file commands, decides the step's outcome and conclusion, closes its section of the log and records it. */
    private void finish(Unit u, Frame f, int number, String name, Instant started, Body body, boolean continueOnError, StepCommands commands,
                        StepFiles files) {
        Map<String, String> outputs = new LinkedHashMap<>(commands.outputs);
        String summary = null;
        jobEnv.putAll(commands.env);
        for (String p : commands.paths) {
            prependPath.remove(p);
            prependPath.add(p);
        }
        if (files != null) {
            summary = readFiles(files, commands, outputs);
            files.delete();
        }
        if (!body.summaries().isEmpty()) {
            List<String> parts = new ArrayList<>(body.summaries());
            if (summary != null) {
                parts.add(summary);
            }
            summary = String.join("\n", parts);
        }
        outputs.putAll(body.outputs());
        Conclusion outcome = body.outcome();
        if (outcome == Conclusion.SUCCESS && commands.failed()) {
            outcome = Conclusion.FAILURE;
        }
        Conclusion conclusion = outcome == Conclusion.FAILURE && continueOnError ? Conclusion.SUCCESS : outcome;
        Instant ended = Instant.now();
        StepResult result = new StepResult(number, u.phase(), u.phase() == Phase.MAIN ? u.step().options().id() : null, name, outcome,
                conclusion, started, ended, body.exitCode(), outputs, commands.annotations(), summary);
        if (conclusion != outcome) {
            system((f.isJob() ? "" : name + ": ") + "continue-on-error: the step failed, and the "
                    + (f.isJob() ? "job" : "action") + " goes on as if it had succeeded");
        }
        if (f.isJob()) {
            system("##[endstep]" + conclusion.word() + (conclusion != outcome ? " (outcome " + outcome.word() + ")" : "") + " "
                    + Clock.format(result.duration()));
        } else if (outcome != Conclusion.SUCCESS) {
            system(name + ": " + outcome.word());
        }
        record(f, result);
    }

    /** Adds a step's result to its frame: the job's results and log, or the composite action's steps context and the step that uses it. */
    private void record(Frame f, StepResult result) {
        f.conclusions.add(result.conclusion());
        if (result.phase() == Phase.MAIN && result.id() != null) {
            ObjectNode s = JSON.createObjectNode();
            s.set("outputs", JSON.valueToTree(result.outputs()));
            s.put("outcome", result.outcome().word());
            s.put("conclusion", result.conclusion().word());
            f.steps.set(result.id(), s);
        }
        if (f.isJob()) {
            results.add(result);
            log.stepFinished(result);
        } else {
            f.call.nested(result);
        }
    }
    /** GITHUB_ENV, GITHUB_PATH, GITHUB_OUTPUT, GITHUB_STATE, then the summary (returned, masked; null when empty). */
    private String readFiles(StepFiles files, StepCommands commands, Map<String, String> outputs) {
        try {
            for (Map.Entry<String, String> e : FileCommands.keyValues(files.read("env")).entrySet()) {
                if (e.getKey().equalsIgnoreCase("NODE_OPTIONS")) {
                    commands.error("Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.");
                } else {
                    jobEnv.put(e.getKey(), e.getValue());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            fileCommandFailed(commands, "env", e);
        }
        try {
            for (String p : FileCommands.paths(files.read("path"))) {
                prependPath.remove(p);
                prependPath.add(p);
            }
        } catch (IOException e) {
            fileCommandFailed(commands, "path", e);
        }
        try {
            outputs.putAll(FileCommands.keyValues(files.read("output")));
        } catch (IOException | IllegalArgumentException e) {
            fileCommandFailed(commands, "output", e);
        }
        try {
            commands.state.putAll(FileCommands.keyValues(files.read("state")));
        } catch (IOException | IllegalArgumentException e) {
            fileCommandFailed(commands, "state", e);
        }
        try {
            long size = files.size("step_summary");
            if (size > SUMMARY_LIMIT) {
                commands.error("$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of " + SUMMARY_LIMIT / 1024
                        + "k, got " + size / 1024 + "k.");
                return null;
            }
            String summary = files.read("step_summary");
            return summary.isEmpty() ? null : masks.mask(summary);
        } catch (IOException e) {
            commands.error("Failed to create step summary using 'GITHUB_STEP_SUMMARY': " + e.getMessage());
            return null;
        }
    }

    private static void fileCommandFailed(StepCommands commands, String name, Exception e) {
        commands.fail("Unable to process file command '" + name + "' successfully.");
        commands.error(e.getMessage());
    }

    /** The step's display name, masked (an expression in it may give a secret). */
    private String name(Unit u, Scope scope) {
        return masks.mask(unmaskedName(u, scope));
    }

    private String unmaskedName(Unit u, Scope scope) {
        String main = u.step().options().name() != null ? evaluateName(u.step().options().name(), scope) : defaultName(u.step());
        if (u.phase() == Phase.MAIN) {
            return main;
        }
        if (u.hook().name() != null) {
            return u.hook().name();
        }
        return (u.phase() == Phase.PRE ? "Pre " : "Post ") + main;
    }

    private static String evaluateName(Template name, Scope scope) {
        if (scope == null) {
            return name.source();
        }
        try {
            return name.evaluateString(scope);
        } catch (ExpressionException e) {
            return name.source(); // as the runner: a name that cannot be evaluated shows as written
        }
    }

    /** GitHub's default: {@code Run} and the script's first line, or the action. */
    private static String defaultName(Step s) {
        return switch (s) {
            case Step.Run r -> "Run " + firstLine(r.script().source());
            case Step.Uses u -> "Run " + u.uses();
        };
    }

    private static String firstLine(String script) {
        String s = script.replaceFirst("^[ \\t\\r\\n]+", "");
        int nl = s.indexOf('\n');
        int cr = s.indexOf('\r');
        int end = nl < 0 ? cr : cr < 0 ? nl : Math.min(nl, cr);
        return end < 0 ? s : s.substring(0, end);
    }

    /**
     * GITHUB_ACTION: the step's id, else {@code __run} for scripts and {@code __owner_repo} for
     * actions, with {@code _2}, {@code _3} for later ones of the same name.
     */
    private String actionName(Step s) {
        return actionNames.computeIfAbsent(s, step -> {
            if (step.options().id() != null) {
                return step.options().id();
            }
            String base = switch (step) {
                case Step.Run r -> "__run";
                case Step.Uses u -> "__" + u.uses().replaceFirst("@.*$", "").replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("^_+|_+$", "");
            };
            long same = actionNames.values().stream().filter(n -> n.equals(base) || n.startsWith(base + "_")
                    && n.substring(base.length() + 1).matches("\\d+")).count();
            return same == 0 ? base : base + "_" + (same + 1);
        });
    }

    private static boolean continueOnError(Step step, Scope scope) throws StepFailure {
        Template t = step.options().continueOnError();
        if (t == null) {
            return false;
        }
        JsonNode v = t.evaluate(scope);
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String text = Expressions.asString(v).trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new StepFailure("continue-on-error must be true or false, not '" + text + "'");
    }

    private static Duration timeout(Step step, Scope scope) throws StepFailure {
        Template t = step.options().timeoutMinutes();
        if (t == null) {
            return null;
        }
        String text = Expressions.asString(t.evaluate(scope)).trim();
        double minutes;
        try {
            minutes = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new StepFailure("timeout-minutes must be a number, not '" + text + "'");
        }
        if (!(minutes > 0) || Double.isInfinite(minutes)) {
            throw new StepFailure("timeout-minutes must be more than 0, not '" + text + "'");
        }
        return Duration.ofMillis(Math.round(minutes * 60_000));
    }

    // ---- environment ----------------------------------------------------------------------

    /**
     * A step's process environment: CI, then the job's env and GITHUB_ENV, the step's env, PATH
     * with GITHUB_PATH in front, STATE_* for actions, and last the GITHUB_* and RUNNER_*
     * variables, which a workflow cannot change (as in GitHub).
     */
    private Map<String, String> processEnv(Frame f, Map<String, String> envContext, StepFiles files, Step step, String action,
                                           Map<String, String> state) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CI", "true");
        env.putAll(envContext);
        if (!prependPath.isEmpty()) {
            String base = env.getOrDefault("PATH", session.path());
            List<String> front = new ArrayList<>(prependPath);
            Collections.reverse(front);
            env.put("PATH", String.join(":", front) + (base == null || base.isEmpty() ? "" : ":" + base));
        }
        if (state != null) {
            state.forEach((k, v) -> env.put("STATE_" + k, v));
        }
        env.put("GITHUB_ACTIONS", "true");
        env.put("GITEA_ACTIONS", "true");
        env.put("GITHUB_WORKSPACE", session.workspace());
        env.put("GITHUB_SHA", run.sha());
        env.put("GITHUB_REF", run.ref());
        env.put("GITHUB_REF_NAME", run.refName());
        env.put("GITHUB_REF_TYPE", run.refType());
        env.put("GITHUB_HEAD_REF", run.headRef());
        env.put("GITHUB_BASE_REF", run.baseRef());
        env.put("GITHUB_EVENT_NAME", run.eventName());
        env.put("GITHUB_EVENT_PATH", eventPath);
        env.put("GITHUB_REPOSITORY", run.repository());
        env.put("GITHUB_REPOSITORY_OWNER", run.repositoryOwner());
        env.put("GITHUB_RUN_ID", run.runId());
        env.put("GITHUB_RUN_NUMBER", String.valueOf(run.runNumber()));
        env.put("GITHUB_RUN_ATTEMPT", String.valueOf(run.runAttempt()));
        env.put("GITHUB_JOB", job.id());
        env.put("GITHUB_ACTION", action);
        env.put("GITHUB_ACTOR", run.actor());
        env.put("GITHUB_TRIGGERING_ACTOR", run.triggeringActor());
        env.put("GITHUB_WORKFLOW", run.workflow());
        env.put("GITHUB_WORKFLOW_REF", run.workflowRef());
        env.put("GITHUB_SERVER_URL", run.serverUrl());
        env.put("GITHUB_API_URL", run.apiUrl());
        env.put("GITHUB_GRAPHQL_URL", run.graphqlUrl());
        env.put("GITHUB_ENV", files.sessionPath("env"));
        env.put("GITHUB_PATH", files.sessionPath("path"));
        env.put("GITHUB_OUTPUT", files.sessionPath("output"));
        env.put("GITHUB_STATE", files.sessionPath("state"));
        env.put("GITHUB_STEP_SUMMARY", files.sessionPath("step_summary"));
        if (f.composite != null) {
            env.put("GITHUB_ACTION_PATH", f.composite.actionPath());
        }
        if (step instanceof Step.Uses u && !u.uses().startsWith("./") && !u.uses().startsWith("docker://") && u.uses().contains("@")) {
            String ref = u.uses().substring(u.uses().lastIndexOf('@') + 1);
            String[] parts = u.uses().substring(0, u.uses().lastIndexOf('@')).split("/");
            if (parts.length >= 2) {
                env.put("GITHUB_ACTION_REPOSITORY", parts[0] + "/" + parts[1]);
                env.put("GITHUB_ACTION_REF", ref);
            }
        }
        env.put("RUNNER_OS", runner.os());
        env.put("RUNNER_ARCH", runner.arch());
        env.put("RUNNER_NAME", runner.name());
        env.put("RUNNER_TEMP", session.temp());
        env.put("RUNNER_TOOL_CACHE", runner.toolCache());
        env.put("RUNNER_ENVIRONMENT", "self-hosted");
        if (debug) {
            env.put("RUNNER_DEBUG", "1");
        }
        return env;
    }

    // ---- run steps ------------------------------------------------------------------------

    private Body script(Step.Run r, Frame f, Scope scope, Map<String, String> envContext, Map<String, String> env, StepOutput output,
                        StepCommands commands, Limits limits, BooleanSupplier keep) throws StepFailure {
        String script = r.script().evaluateString(scope);
        // A composite action's steps do not take the job's defaults.run, as in GitHub: they name their shell.
        Job.Defaults defaults = f.isJob() ? job.defaults() : Job.Defaults.NONE;
        Template wdTemplate = r.workingDirectory() != null ? r.workingDirectory() : defaults.workingDirectory();
        String workdir = session.workspace();
        if (wdTemplate != null) {
            String wd = wdTemplate.evaluateString(scope).trim();
            if (!wd.isEmpty()) {
                workdir = wd.startsWith("/") ? wd : session.workspace() + "/" + wd;
            }
        }
        String spec = r.shell() != null ? r.shell() : defaults.shell();
        Shell shell;
        try {
            shell = Shell.of(spec, command -> has(command, env.get("PATH")));
        } catch (Shell.Unavailable e) {
            throw new StepFailure(e.getMessage());
        } catch (IOException e) {
            throw new StepFailure("cannot find out which shells the job's environment has: " + e.getMessage());
        } catch (InterruptedException e) {
            runtime.cancel();
            return new Body(Conclusion.CANCELLED, null, Map.of());
        }
        String file = UUID.randomUUID() + shell.extension();
        try {
            Path host = session.hostTemp().resolve(file);
            Files.writeString(host, shell.file(script));
            try {
                Files.setPosixFilePermissions(host, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX: the shell reads the file, which is all it needs
            }
        } catch (IOException e) {
            throw new StepFailure("cannot write the step's script to " + session.hostTemp() + ": " + e.getMessage());
        }
        system("##[group]Run " + firstLine(script));
        for (String line : script.split("\r?\n", -1)) {
            system(line);
        }
        system("shell: " + shell.template());
        describe("env", envContext);
        system("##[endgroup]");
        try {
            int code = exec(shell.argv(session.temp() + "/" + file), env, workdir, output, limits, keep);
            return exited(code, commands);
        } catch (Stopped s) {
            return stopped(s, commands);
        } catch (IOException e) {
            commands.error(e.getMessage());
            return new Body(Conclusion.FAILURE, null, Map.of());
        } finally {
            try {
                Files.deleteIfExists(session.hostTemp().resolve(file));
            } catch (IOException ignored) {
                // left for the job's temp directory to be removed with the session
            }
        }
    }

    private void describe(String title, Map<String, String> values) {
        if (values.isEmpty()) {
            return;
        }
        system(title + ":");
        values.forEach((k, v) -> system("  " + k + ": " + v));
    }

    private Body exited(int code, StepCommands commands) {
        if (code != 0) {
            commands.error("Process completed with exit code " + code + ".");
            return new Body(Conclusion.FAILURE, code, Map.of());
        }
        return new Body(Conclusion.SUCCESS, 0, Map.of());
    }

    private Body stopped(Stopped s, StepCommands commands) {
        if (s.byStepTimeout) {
            commands.error("The action has timed out.");
            return new Body(Conclusion.FAILURE, null, Map.of());
        }
        commands.error("The operation was canceled.");
        return new Body(Conclusion.CANCELLED, null, Map.of());
    }

    /** Whether a command exists in the session; asked once per command and PATH. */
    private boolean has(String command, String path) throws IOException, InterruptedException {
        String key = command + "\u0000" + path;
        Boolean known = probes.get(key);
        if (known != null) {
            return known;
        }
        Map<String, String> env = path == null ? Map.of() : Map.of("PATH", path);
        Executor.OutputSink discard = new Executor.OutputSink() {
            @Override
            public void stdout(byte[] bytes, int off, int len) {}

            @Override
            public void stderr(byte[] bytes, int off, int len) {}
        };
        int code = session.exec(List.of("sh", "-c", "command -v \"$1\" >/dev/null 2>&1 && exit 0; exit 3", "sh", command), env,
                session.workspace(), discard, Duration.ofSeconds(30));
        boolean found;
        if (code == 0 || code == 3) {
            found = code == 0;
        } else { // no sh to ask: try the command itself
            found = session.exec(List.of(command, "--version"), env, session.workspace(), discard, Duration.ofSeconds(30)) == 0;
        }
        probes.put(key, found);
        return found;
    }

    // ---- uses steps and hooks -------------------------------------------------------------

    /** GitHub's limit on how deep composite actions may nest. */
    static final int MAX_COMPOSITE_DEPTH = 10;

    private Body action(Unit u, Frame f, Scope scope, Map<String, String> stepEnv, Map<String, String> envContext, Map<String, String> env,
                        StepOutput output, StepCommands commands, Limits limits, BooleanSupplier keep) {
        Step.Uses step = (Step.Uses) u.step();
        Map<String, String> inputs = evaluate(step.with(), scope);
        system("##[group]Run " + step.uses());
        describe("with", inputs);
        describe("env", envContext);
        system("##[endgroup]");
        Call call = new Call(u, f, step, inputs, stepEnv, env, scope, output, commands, limits);
        // A job's step enters the cancellable section; a composite action's steps run inside the section of the step that uses it.
        if (f.isJob() && !runtime.enter(keep)) {
            runtime.leave();
            return stopped(new Stopped(false), commands);
        }
        ActionResult result = null;
        Exception error = null;
        boolean interrupted = false;
        try {
            result = u.phase() == Phase.MAIN ? actions.run(call) : u.hook().body().run(call);
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (IOException | RuntimeException e) {
            error = e;
        }
        boolean stopped = f.isJob() && runtime.leave();
        call.done = true;
        if (call.stopped != null) {
            return stopped(call.stopped, commands);
        }
        if (stopped || interrupted) {
            runtime.cancel(); // does nothing when cancel() stopped it; an interrupt from elsewhere cancels the job
            return stopped(new Stopped(false), commands);
        }
        if (error != null) {
            commands.error(error.getMessage() == null ? error.toString() : error.getMessage());
            return new Body(Conclusion.FAILURE, null, Map.of(), call.summaries);
        }
        if (result == null) {
            commands.error("the action '" + step.uses() + "' returned no result");
            return new Body(Conclusion.FAILURE, null, Map.of(), call.summaries);
        }
        if (result.outcome() == Conclusion.FAILURE && commands.annotations().stream().noneMatch(a -> a.level() == Annotation.Level.ERROR)) {
            commands.error("The action '" + step.uses() + "' failed"
                    + (result.exitCode() != null ? " with exit code " + result.exitCode() : "") + ".");
        }
        return new Body(result.outcome(), result.exitCode(), result.outputs(), call.summaries);
    }

    private final class Call implements ActionCall {
        private final Unit unit;
        /** The frame the step runs in; a composite action it runs gets a frame inside this one. */
        final Frame frame;
        private final Step.Uses step;
        private final Map<String, String> inputs;
        /** The step's own env: the env context of the composite action's steps adds it. */
        final Map<String, String> stepEnv;
        private final Map<String, String> env;
        private final Scope scope;
        private final StepOutput output;
        private final StepCommands commands;
        final Limits limits;
        /** What a composite action's steps wrote to GITHUB_STEP_SUMMARY, in order. */
        final List<String> summaries = new ArrayList<>();
        volatile boolean done;
        volatile Stopped stopped;

        Call(Unit unit, Frame frame, Step.Uses step, Map<String, String> inputs, Map<String, String> stepEnv, Map<String, String> env,
             Scope scope, StepOutput output, StepCommands commands, Limits limits) {
            this.unit = unit;
            this.frame = frame;
            this.step = step;
            this.inputs = Collections.unmodifiableMap(inputs);
            this.stepEnv = Map.copyOf(stepEnv);
            this.env = Collections.unmodifiableMap(env);
            this.scope = scope;
            this.output = output;
            this.commands = commands;
            this.limits = limits;
        }

        @Override
        public Step.Uses step() {
            return step;
        }

        @Override
        public Phase phase() {
            return unit.phase();
        }

        @Override
        public Map<String, String> inputs() {
            return inputs;
        }

        @Override
        public Map<String, String> env() {
            return env;
        }

        @Override
        public Scope scope() {
            return scope;
        }

        @Override
        public JobSession session() {
            return session;
        }

        @Override
        public int exec(List<String> argv, Map<String, String> env, String workdir) throws IOException, InterruptedException {
            check();
            return limited(left -> session.exec(argv, env, workdir, output, left));
        }

        @Override
        public int runContainer(ContainerSpec spec) throws IOException, InterruptedException {
            check();
            return limited(left -> session.runContainer(spec, output, left));
        }

        /** A process within the step's time; a stop by the job's cancellation is an interrupt, one by the step's timeout gives -1. */
        private int limited(Timed process) throws IOException, InterruptedException {
            try {
                return JobExecution.this.run(process, limits);
            } catch (Stopped s) {
                stopped = s;
                if (s.byStepTimeout) {
                    return -1;
                }
                throw new InterruptedException("the job was cancelled");
            }
        }

        @Override
        public Executor.OutputSink output() {
            return output;
        }

        @Override
        public void log(String line) {
            check();
            system(line);
        }

        @Override
        public void registerPost(Hook post) {
            check();
            if (unit.phase() != Phase.MAIN) {
                throw new IllegalStateException("only an action's main step registers a post step");
            }
            posts.push(new Unit(Phase.POST, step, post, unit.state()));
        }

        @Override
        public ActionResult runComposite(Composite composite) {
            check();
            if (unit.phase() != Phase.MAIN) {
                throw new IllegalStateException("a composite action has no pre or post steps of its own");
            }
            if (frame.depth >= MAX_COMPOSITE_DEPTH) {
                commands.error("'" + composite.action() + "' is nested in more than " + MAX_COMPOSITE_DEPTH
                        + " composite actions; GitHub stops there too");
                return ActionResult.failure();
            }
            ObjectNode g = frame.github.deepCopy();
            g.put("action_path", composite.actionPath());
            Frame nested = new Frame(this, composite, g);
            for (Step s : composite.steps()) {
                runUnit(new Unit(Phase.MAIN, s, null, new LinkedHashMap<>()), nested);
            }
            frame.github.put("action", g.path("action").asText()); // as the runner leaves it
            Scope after = JobExecution.this.scope(nested, nested.env());
            Map<String, String> outputs = new LinkedHashMap<>();
            boolean failed = nested.failed();
            for (Map.Entry<String, Template> e : composite.outputs().entrySet()) {
                try {
                    outputs.put(e.getKey(), e.getValue().evaluateString(after));
                } catch (ExpressionException ex) {
                    commands.error("Error when evaluating output '" + e.getKey() + "' of '" + composite.action() + "': " + ex.getMessage());
                    failed = true;
                }
            }
            return new ActionResult(failed ? Conclusion.FAILURE : Conclusion.SUCCESS, outputs, null);
        }

        /** A composite action's step ended: its annotations and summary are this step's too. */
        void nested(StepResult result) {
            commands.include(result.annotations());
            if (result.summary() != null) {
                summaries.add(result.summary());
            }
        }

        private void check() {
            if (done) {
                throw new IllegalStateException("the step of 'uses: " + step.uses() + "' has ended");
            }
        }
    }

    // ---- processes, time limits and cancellation ------------------------------------------

    /** The step's own time limit, if it has one. */
    private record Limits(Instant started, Duration stepTimeout) {
        Instant stepDeadline() {
            return stepTimeout == null ? null : started.plus(stepTimeout);
        }
    }

    /** A process was stopped: by the step's timeout-minutes, or because the job was cancelled (or ran out of time). */
    private static final class Stopped extends Exception {
        final boolean byStepTimeout;

        Stopped(boolean byStepTimeout) {
            super(byStepTimeout ? "step timeout" : "cancelled", null, false, false);
            this.byStepTimeout = byStepTimeout;
        }
    }

    /** A process of the session, run with the time it has left; -1 when that time passed. */
    @FunctionalInterface
    private interface Timed {
        int run(Duration left) throws IOException, InterruptedException;
    }

    /**
     * Runs a script step's process in an interruptible section; {@code keep} null means the
     * section is held already (a composite action's step, inside the step that uses the action).
     */
    private int exec(List<String> argv, Map<String, String> env, String workdir, StepOutput output, Limits limits, BooleanSupplier keep)
            throws IOException, Stopped {
        Timed process = left -> session.exec(argv, env, workdir, output, left);
        if (keep == null) {
            try {
                return run(process, limits);
            } catch (InterruptedException e) {
                runtime.cancel();
                throw new Stopped(false);
            }
        }
        if (!runtime.enter(keep)) {
            runtime.leave();
            throw new Stopped(false);
        }
        int code;
        try {
            code = run(process, limits);
        } catch (InterruptedException e) {
            runtime.leave();
            runtime.cancel(); // an interrupt that did not come from cancel() cancels the job all the same
            throw new Stopped(false);
        } catch (IOException | Stopped | RuntimeException e) {
            runtime.leave();
            throw e;
        }
        runtime.leave(); // the process ended before a cancel could stop it: its exit code stands
        return code;
    }

    /**
     * Runs a process with the time it has: until the step's timeout, and until the job's timeout
     * plus the grace for steps that run on cancellation (once cancelled: the grace from then).
     */
    private int run(Timed process, Limits limits) throws IOException, InterruptedException, Stopped {
        Instant jobBound = runtime.cancelled() ? runtime.cancelledAt().plus(JobRuntime.CANCEL_GRACE) : deadline.plus(JobRuntime.CANCEL_GRACE);
        Instant stepDeadline = limits.stepDeadline();
        boolean byStep = stepDeadline != null && !stepDeadline.isAfter(jobBound);
        Instant bound = byStep ? stepDeadline : jobBound;
        Duration left = Duration.between(Instant.now(), bound);
        if (!left.isPositive()) {
            throw new Stopped(byStep);
        }
        int code = process.run(left);
        if (code == -1) {
            throw new Stopped(byStep);
        }
        return code;
    }

    // ---- the end --------------------------------------------------------------------------

    /** The job's outputs against the final steps context; a value that holds a secret is left out, as in GitHub. */
    private Map<String, String> outputs() {
        Map<String, String> out = new LinkedHashMap<>();
        if (job.outputs().isEmpty()) {
            return out;
        }
        Scope scope = scope(top, jobEnv);
        for (Map.Entry<String, Template> e : job.outputs().entrySet()) {
            String value;
            try {
                value = e.getValue().evaluateString(scope);
            } catch (ExpressionException ex) {
                failed = true;
                String message = "Error when evaluating output '" + e.getKey() + "' of job '" + job.id() + "': " + ex.getMessage();
                jobAnnotations.add(Annotation.of(Annotation.Level.ERROR, masks.mask(message)));
                system("##[error]" + message);
                continue;
            }
            if (!masks.mask(value).equals(value)) {
                String message = "Skip output '" + e.getKey() + "' since it may contain secret.";
                jobAnnotations.add(Annotation.of(Annotation.Level.WARNING, message));
                system("##[warning]" + message);
                continue;
            }
            out.put(e.getKey(), value);
        }
        return out;
    }

    /** Slipway's own lines, masked, one system line per line of text. */
    void system(String text) {
        for (String line : text.split("\r?\n", -1)) {
            log.system(masks.mask(line));
        }
    }

    /** Formats durations for the log. */
    static final class Clock {
        private Clock() {}

        /** {@code 0.4s}, {@code 12.3s}, {@code 2m 5s}, {@code 1h 2m}; whole minutes as {@code 5m}. */
        static String format(Duration d) {
            long ms = Math.max(0, d.toMillis());
            if (ms < 60_000) {
                return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
            }
            long s = ms / 1000;
            long h = s / 3600;
            long m = s % 3600 / 60;
            long sec = s % 60;
            StringBuilder out = new StringBuilder();
            if (h > 0) {
                out.append(h).append("h");
            }
            if (m > 0) {
                out.append(out.isEmpty() ? "" : " ").append(m).append("m");
            }
            if (sec > 0) {
                out.append(out.isEmpty() ? "" : " ").append(sec).append("s");
            }
            return out.toString();
        }
    }
}
