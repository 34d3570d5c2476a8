package dev.slipway.woodpecker;

import dev.slipway.ci.definition.Problem;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.scheduler.RunEngine;
import dev.slipway.ci.scheduler.RunProgram;
import dev.slipway.ci.scheduler.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.Collection;
import java.util.function.Function;

/**
 * Runs a Woodpecker pipeline: reads the run's stored files with its values substituted ({@code CI_*}
 * and the variables it was started with), compiles them for its event ({@link PipelineCompiler}),
 * resolves the secrets the steps name, and runs the tasks on the native {@link RunEngine}. A file
 * that no longer reads once substituted, or a secret that is not set, makes the run an error that
 * says so, before any step runs (Woodpecker refuses such a pipeline too).
 */
final class WoodpeckerProgram implements RunProgram {
    /** The server's URL as users reach it ({@code CI_SYSTEM_URL}, {@code when.instance}), or null. */
    private final String externalUrl;

    WoodpeckerProgram(String externalUrl) {
        this.externalUrl = externalUrl;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Override
    public String format() {
        return WoodpeckerFormat.NAME;
    }

    @Override
    public RunEngine.Result run(Setup setup, RunEngine.Listener listener, RunEngine.Cancellation cancellation) {
        CiStore.RunRow run = setup.run();
        String key = run.event().dedupeKey();
        String event = CiVariables.event(run.trigger(), key != null && key.matches("pull_request:\\d+:closed:.*"));
        boolean fork = run.event().pullRequest() != null && run.event().pullRequest().fork();
        Prepared p = prepare(Long.toString(run.id()), run.pipeline(), WorkflowSet.stored(setup.definitionFile(), setup.definition()), event,
                setup.repository(), setup.caches() == null ? "" : setup.caches().defaultBranch(), setup.environment(), setup.variables(), setup.workMount(), setup.bases(), setup.runDir(), setup.tasks(),
                externalUrl != null ? externalUrl : setup.serverUrl(), false, run.createdAt() / 1000, names -> setup.values().secrets(null, names),
                names -> setup.values().secretEvents(names), setup.pullAuth(), setup.changedFiles(), fork ? ": runs of pull requests from forks get no secrets"
                        : "; set it for the repository, its owner or the site");
        return execute(p, setup.tasks(), new RunEngine(setup.executor()), listener, cancellation);
    }

    /**
     * The task and every task that waited for it, transitively, as the run compiled them (each
     * task's {@code depends_on} is in its details); a task the run left out has no dependents.
     */
    @Override
    public List<String> withDependents(String definitionFile, String definition, Map<String, String> details, List<String> tasks,
                                       String task) {
        Map<String, List<String>> waitsFor = new LinkedHashMap<>();
        details.forEach((t, json) -> {
            try {
                List<String> deps = new java.util.ArrayList<>();
                JSON.readTree(json).path("depends_on").forEach(d -> deps.add(d.asText()));
                waitsFor.put(t, deps);
            } catch (java.io.IOException e) {
                waitsFor.put(t, List.of());
            }
        });
        List<String> again = new java.util.ArrayList<>(List.of(task));
        for (int i = 0; i < again.size(); i++) {
            String done = again.get(i);
            for (String t : tasks) {
                if (!again.contains(t) && waitsFor.getOrDefault(t, List.of()).contains(done)) {
                    again.add(t);
                }
            }
        }
        return again;
    }

    /** A run compiled: its plan, the steps left out with why, and the files' warnings. */
    record Prepared(RunEngine.Plan plan, Map<String, String> skipped, List<Problem> warnings) {}

    /**
     * Compiles a pipeline for one run.
     *
     * @param defaultBranch the repository's default branch ({@code CI_REPO_DEFAULT_BRANCH}), or empty where it is not known
     * @param builtIns the run's {@code SLIPWAY_*} values, which also reach every step
     * @param variables the values it was started with
     * @param tasks the tasks to run now
     * @param secrets the values of the secrets named (those that are set)
     * @param secretEvents the events each secret named is restricted to (absent: every event)
     * @param serverUrl the server as users reach it (its external URL), else as tasks do; null in {@code slipway exec}
     * @param local whether {@code slipway exec} runs it ({@code when.local})
     * @param changedFiles what the run's push or pull request changed, for steps' {@code when.path}; null where not known (they hold)
     * @param secretHint what the error for a secret that is not set adds: where to set it
     * @throws IllegalStateException with every problem, when the files do not read once substituted or a secret is not set
     */
    static Prepared prepare(String runId, String name, WorkflowSet set, String event, String repository, String defaultBranch,
                            Map<String, String> builtIns,
                            Map<String, String> variables, String workMount, Map<String, java.nio.file.Path> bases, java.nio.file.Path runDir,
                            Set<String> tasks, String serverUrl, boolean local, long createdSeconds,
                            Function<Collection<String>, Map<String, byte[]>> secrets,
                            Function<Collection<String>, Map<String, List<String>>> secretEvents,
                            Function<String, dev.slipway.ci.executor.TaskSpec.PullAuth> pullAuth,
                            java.util.function.Supplier<Set<String>> changedFiles, String secretHint) {
        Map<String, String> values = new LinkedHashMap<>(CiVariables.of(builtIns, event, "/src/" + workMount, serverUrl, createdSeconds));
        values.put("CI_REPO_DEFAULT_BRANCH", defaultBranch == null ? "" : defaultBranch);
        values.putAll(variables);
        WorkflowSet.Read read = set.read(values);
        if (!read.problems().isEmpty()) {
            throw new IllegalStateException("the Woodpecker files cannot run:\n" + read.describeProblems());
        }
        When.Facts facts = new When.Facts(event, values.get("CI_COMMIT_BRANCH"), values.get("CI_COMMIT_REF"), repository,
                values.get("CI_SYSTEM_HOST"), null, changedFiles, Map.of(), values, true, null, local);
        PipelineCompiler.Compiled compiled = PipelineCompiler.compile(name, read.workflows(), facts, "/src/" + workMount);
        Map<String, Map<String, String>> taskEnv = secretEnvironment(compiled, event, secrets, secretEvents, secretHint);
        Map<String, String> extraEnv = new LinkedHashMap<>(builtIns);
        values.forEach((k, v) -> extraEnv.put(k, v.replace("${", "$${")));
        Set<String> toRun = new HashSet<>();
        compiled.pipeline().tasks().forEach(t -> {
            if (tasks.contains(t.name())) {
                toRun.add(t.name());
            }
        });
        RunEngine.Plan plan = new RunEngine.Plan(runId, compiled.pipeline(), workMount, bases, runDir, toRun, Map.of(), extraEnv, taskEnv,
                Map.of(), pullAuth).withContainers(compiled.containers());
        return new Prepared(plan, compiled.skipped(), read.warnings());
    }

    /** Runs a prepared run: the left-out steps reported skipped, the warnings in the first step's log, then the engine. */
    static RunEngine.Result execute(Prepared p, Set<String> tasks, RunEngine engine, RunEngine.Listener listener,
                                    RunEngine.Cancellation cancellation) {
        List<dev.slipway.ci.model.Task> all = p.plan().pipeline().tasks();
        if (!all.isEmpty() && p.plan().tasks().contains(all.getFirst().name())) {
            for (Problem w : p.warnings()) {
                listener.system(all.getFirst().name(), "warning: " + w);
            }
        }
        Map<String, TaskStatus> statuses = new LinkedHashMap<>();
        p.skipped().forEach((task, reason) -> {
            if (tasks.contains(task)) {
                listener.skipped(task, reason);
                statuses.put(task, TaskStatus.SKIPPED);
            }
        });
        for (dev.slipway.ci.model.Task t : all) { // what a retry needs to know: what each step waited for
            if (p.plan().tasks().contains(t.name())) {
                com.fasterxml.jackson.databind.node.ObjectNode d = JSON.createObjectNode();
                t.dependsOn().forEach(d.putArray("depends_on")::add);
                listener.details(t.name(), d.toString());
            }
        }
        RunEngine.Result result = engine.run(p.plan(), listener, cancellation);
        statuses.putAll(result.statuses());
        return new RunEngine.Result(statuses, result.handles());
    }

    /** Each task's environment variables from secrets; every secret must be set. */
    private static Map<String, Map<String, String>> secretEnvironment(PipelineCompiler.Compiled compiled, String event,
                                                                      Function<Collection<String>, Map<String, byte[]>> secrets,
                                                                      Function<Collection<String>, Map<String, List<String>>> secretEvents,
                                                                      String hint) {
        Set<String> names = new LinkedHashSet<>();
        compiled.secrets().values().forEach(m -> names.addAll(m.values()));
        if (names.isEmpty()) {
            return Map.of();
        }
        // Woodpecker's restriction (seed 001's gotcha: a secret for API-started pipelines needs manual)
        List<String> refused = new java.util.ArrayList<>();
        secretEvents.apply(names).forEach((name, events) -> {
            if (!events.contains(event)) {
                refused.add("secret " + name + " is not available to the " + event + " event (its events: " + String.join(", ", events)
                        + "); add " + event + " to its events");
            }
        });
        if (!refused.isEmpty()) {
            throw new IllegalStateException(String.join("\n", refused));
        }
        Map<String, byte[]> found = secrets.apply(names);
        Set<String> missing = new TreeSet<>(names);
        missing.removeAll(found.keySet());
        if (!missing.isEmpty()) {
            List<String> users = compiled.secrets().entrySet().stream()
                    .filter(e -> e.getValue().values().stream().anyMatch(missing::contains)).map(Map.Entry::getKey).toList();
            throw new IllegalStateException("secret" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + (missing.size() > 1 ? " are" : " is") + " not set (asked for by step" + (users.size() > 1 ? "s " : " ")
                    + String.join(", ", users) + ")" + hint);
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        compiled.secrets().forEach((task, vars) -> {
            Map<String, String> env = new LinkedHashMap<>();
            vars.forEach((variable, secret) -> env.put(variable, new String(found.get(secret), StandardCharsets.UTF_8)));
            out.put(task, env);
        });
        found.values().forEach(v -> java.util.Arrays.fill(v, (byte) 0));
        return out;
    }
}
