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

/**
 * Runs a Woodpecker pipeline: reads the run's stored files with its values substituted ({@code CI_*}
 * and the variables it was started with), compiles them for its event ({@link PipelineCompiler}),
 * resolves the secrets the steps name, and runs the tasks on the native {@link RunEngine}. A file
 * that no longer reads once substituted, or a secret that is not set, makes the run an error that
 * says so, before any step runs (Woodpecker refuses such a pipeline too).
 */
final class WoodpeckerProgram implements RunProgram {
    @Override
    public String format() {
        return WoodpeckerFormat.NAME;
    }

    @Override
    public RunEngine.Result run(Setup setup, RunEngine.Listener listener, RunEngine.Cancellation cancellation) {
        CiStore.RunRow run = setup.run();
        String key = run.event().dedupeKey();
        String event = CiVariables.event(run.trigger(), key != null && key.matches("pull_request:\\d+:closed:.*"));
        Map<String, String> values = new LinkedHashMap<>(CiVariables.of(setup.environment(), event, "/src/" + setup.workMount(),
                setup.serverUrl(), run.createdAt() / 1000));
        values.putAll(setup.variables());
        WorkflowSet.Read read = WorkflowSet.stored(setup.definitionFile(), setup.definition()).read(values);
        if (!read.problems().isEmpty()) {
            throw new IllegalStateException("the Woodpecker files cannot run:\n" + read.describeProblems());
        }
        When.Facts facts = new When.Facts(event, values.get("CI_COMMIT_BRANCH"), values.get("CI_COMMIT_REF"), setup.repository(), null,
                null, null, Map.of());
        PipelineCompiler.Compiled compiled = PipelineCompiler.compile(run.pipeline(), read.workflows(), facts);
        Map<String, Map<String, String>> taskEnv = secretEnvironment(setup, compiled);
        Map<String, String> extraEnv = new LinkedHashMap<>(setup.environment());
        values.forEach((k, v) -> extraEnv.put(k, v.replace("${", "$${")));
        Set<String> toRun = new HashSet<>();
        compiled.pipeline().tasks().forEach(t -> {
            if (setup.tasks().contains(t.name())) {
                toRun.add(t.name());
            }
        });
        String first = compiled.pipeline().tasks().isEmpty() ? null : compiled.pipeline().tasks().getFirst().name();
        if (first != null && toRun.contains(first)) {
            for (Problem w : read.warnings()) {
                listener.system(first, "warning: " + w);
            }
        }
        Map<String, TaskStatus> statuses = new LinkedHashMap<>();
        compiled.skipped().forEach((task, reason) -> {
            if (setup.tasks().contains(task)) {
                listener.skipped(task, reason);
                statuses.put(task, TaskStatus.SKIPPED);
            }
        });
        RunEngine.Plan plan = new RunEngine.Plan(Long.toString(run.id()), compiled.pipeline(), setup.workMount(), setup.bases(),
                setup.runDir(), toRun, Map.of(), extraEnv, taskEnv, Map.of(), setup.pullAuth());
        RunEngine.Result result = new RunEngine(setup.executor()).run(plan, listener, cancellation);
        statuses.putAll(result.statuses());
        return new RunEngine.Result(statuses, result.handles());
    }

    /** Each task's environment variables from secrets; every secret must be set. */
    private static Map<String, Map<String, String>> secretEnvironment(Setup setup, PipelineCompiler.Compiled compiled) {
        Set<String> names = new LinkedHashSet<>();
        compiled.secrets().values().forEach(m -> names.addAll(m.values()));
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<String, byte[]> found = setup.values().secrets(null, names);
        Set<String> missing = new TreeSet<>(names);
        missing.removeAll(found.keySet());
        if (!missing.isEmpty()) {
            List<String> users = compiled.secrets().entrySet().stream()
                    .filter(e -> e.getValue().values().stream().anyMatch(missing::contains)).map(Map.Entry::getKey).toList();
            throw new IllegalStateException("secret" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + (missing.size() > 1 ? " are" : " is") + " not set (asked for by step" + (users.size() > 1 ? "s " : " ")
                    + String.join(", ", users) + "); set it for the repository, its owner or the site");
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
