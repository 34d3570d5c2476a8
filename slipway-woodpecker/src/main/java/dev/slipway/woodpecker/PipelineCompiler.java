package dev.slipway.woodpecker;

import dev.slipway.ci.model.Condition;
import dev.slipway.ci.model.ImageSpec;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.model.Triggers;
import dev.slipway.ci.scheduler.ContainerOptions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles the workflows of a pipeline, for one run, to Slipway's native model, so the run engine,
 * executors, worktrees and logs are the same as for every other run:
 * <ul>
 *   <li>each step is a task ({@code <step>}, or {@code <workflow>.<step>} when the pipeline has
 *       several workflows); steps without {@code depends_on} run one after the other, as in
 *       Woodpecker; a workflow's first steps wait for the workflows it depends on;</li>
 *   <li>a {@code when} that does not hold leaves the step (or every step of the workflow) out:
 *       it shows as skipped with the reason, and steps that depended on it no longer wait;</li>
 *   <li>{@code status} becomes the task's status condition; {@code failure: ignore} keeps the
 *       step's failure from failing the pipeline (its log says so);</li>
 *   <li>environment values are set as written (after substitution); {@code from_secret}, the older
 *       {@code secrets} list and plugin settings name secrets the program resolves;</li>
 *   <li>{@code services} are tasks too, first in their workflow and detached: the workflow's first
 *       steps start once their containers run; a workflow with services (or detached steps) has a
 *       network of its own where each of its containers is reached by its name, and its detached
 *       containers are stopped when its last step has ended.</li>
 * </ul>
 */
final class PipelineCompiler {
    private PipelineCompiler() {}

    /**
     * @param skipped the steps left out, by task name, with the reason
     * @param secrets for each task, the environment variables it gets from secrets (variable name to secret name)
     * @param containers what tasks need beyond a native task's container (services, networks, working directories)
     */
    record Compiled(Pipeline pipeline, Map<String, String> skipped, Map<String, Map<String, String>> secrets,
                    Map<String, ContainerOptions> containers) {}

    /** The task name of a step or a service. */
    static String taskName(Workflow w, Step s, boolean single) {
        return single ? s.name() : w.name() + "." + s.name();
    }

    /** A workflow's services and steps, services first: the order its tasks are listed and compiled in. */
    static List<Step> containers(Workflow w) {
        List<Step> out = new ArrayList<>(w.services());
        out.addAll(w.steps());
        return out;
    }

    /** A task's workflow and step (or service). */
    record Place(Workflow workflow, Step step) {}

    /** Every task the pipeline can have, by name: where it is in the files. */
    static Map<String, Place> places(List<Workflow> workflows) {
        Map<String, Place> out = new LinkedHashMap<>();
        for (Workflow w : workflows) {
            containers(w).forEach(s -> out.put(taskName(w, s, workflows.size() == 1), new Place(w, s)));
        }
        return out;
    }

    /** Every task the pipeline can have, in order (what a run lists when it is created). */
    static List<String> tasks(List<Workflow> workflows) {
        List<String> out = new ArrayList<>();
        for (Workflow w : workflows) {
            containers(w).forEach(s -> out.add(taskName(w, s, workflows.size() == 1)));
        }
        return out;
    }

    /** Why no workflow runs for {@code facts}, or empty when one does. */
    static Optional<String> whyNot(List<Workflow> workflows, When.Facts facts) {
        List<String> why = new ArrayList<>();
        for (Workflow w : workflows) {
            Optional<String> not = When.whyNone(w.when(), facts.forWorkflow(w));
            if (not.isEmpty()) {
                return Optional.empty();
            }
            String line = w.baseName() + ": " + not.get(); // the workflows of a matrix say it once
            if (!why.contains(line)) {
                why.add(line);
            }
        }
        return Optional.of(String.join("; ", why));
    }

    /** @param workspace where steps start ({@code CI_WORKSPACE}) unless their workflow has a {@code workspace}: a relative {@code directory} is in it */
    static Compiled compile(String name, List<Workflow> workflows, When.Facts facts, String workspace) {
        boolean single = workflows.size() == 1;
        Map<String, String> skipped = new LinkedHashMap<>();
        Map<String, ContainerOptions> containers = new LinkedHashMap<>();
        Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        Map<String, ImageSpec> images = new LinkedHashMap<>();
        Map<String, String> imageNames = new LinkedHashMap<>();
        List<Task> tasks = new ArrayList<>();
        Map<String, List<String>> workflowTasks = new LinkedHashMap<>();
        java.util.LinkedHashMap<String, List<String>> edges = new java.util.LinkedHashMap<>();
        workflows.forEach(w -> edges.putIfAbsent(w.baseName(), w.dependsOn())); // a matrix's workflows: one name
        List<String> order = dev.slipway.ci.definition.Dag.of(edges).topologicalOrder();
        for (Workflow w : workflows.stream().sorted(java.util.Comparator.comparingInt(x -> order.indexOf(x.baseName()))).toList()) {
            When.Facts workflowFacts = facts.forWorkflow(w);
            When.Facts stepFacts = workflowFacts.withMatrix(w.matrix());
            Optional<String> whyNot = When.whyNone(w.when(), workflowFacts);
            if (whyNot.isPresent()) {
                containers(w).forEach(s -> skipped.put(taskName(w, s, single), "workflow " + w.name() + ": " + whyNot.get()));
                continue;
            }
            List<String> before = new ArrayList<>();
            for (String d : w.dependsOn()) {
                before.addAll(workflowTasks.getOrDefault(d, List.of())); // a workflow left out is not waited for
            }
            boolean sequential = w.steps().stream().allMatch(s -> s.dependsOn() == null);
            List<String> mine = new ArrayList<>();
            Set<String> kept = new LinkedHashSet<>();
            List<String> services = new ArrayList<>();
            Map<String, Step> byTask = new LinkedHashMap<>();
            String previous = null;
            for (Step s : containers(w)) {
                String task = taskName(w, s, single);
                Set<Condition.Status> status = EnumSet.noneOf(Condition.Status.class);
                String why = null;
                if (s.when().isEmpty()) {
                    status.add(Condition.Status.SUCCESS);
                }
                for (When block : s.when()) {
                    Optional<String> not = block.whyNot(stepFacts);
                    if (not.isEmpty()) {
                        if (block.status().isEmpty()) {
                            status.add(Condition.Status.SUCCESS);
                        }
                        block.status().forEach(st -> status.add(Condition.Status.valueOf(st.toUpperCase(Locale.ROOT))));
                    } else if (why == null) {
                        why = not.get();
                    }
                }
                if (status.isEmpty()) {
                    skipped.put(task, s.when().size() == 1 ? why : "none of its when blocks holds (the first: " + why + ")");
                    continue;
                }
                List<String> deps = new ArrayList<>();
                if (s.service()) {
                    // services start with the workflow, side by side
                } else if (sequential) {
                    if (previous != null) {
                        deps.add(previous);
                    }
                } else {
                    for (String d : s.dependsOn() == null ? List.<String>of() : s.dependsOn()) {
                        Step dep = w.steps().stream().filter(x -> x.name().equals(d)).findFirst().orElseThrow();
                        String depTask = taskName(w, dep, single);
                        if (kept.contains(depTask)) {
                            deps.add(depTask); // a step left out by its when is not waited for, as in Woodpecker
                        }
                    }
                }
                if (deps.isEmpty()) {
                    deps.addAll(before);
                    if (!s.service()) {
                        deps.addAll(services); // a workflow's steps start once its services run
                    }
                    if (w.runsOnFailure() && !before.isEmpty()) {
                        status.add(Condition.Status.FAILURE);
                    }
                }
                String image = imageNames.computeIfAbsent(s.image() + (s.pull() ? "\0pull" : ""), k -> {
                    String n = "image" + imageNames.size();
                    images.put(n, new ImageSpec.Reference(s.image(), s.pull() ? ImageSpec.PullPolicy.ALWAYS : ImageSpec.PullPolicy.IF_NOT_PRESENT));
                    return n;
                });
                Map<String, String> env = new LinkedHashMap<>();
                Map<String, String> fromSecrets = new LinkedHashMap<>();
                for (var e : s.environment().entrySet()) {
                    switch (e.getValue()) {
                        case Step.Value.Text t -> env.put(e.getKey(), escaped(t.text()));
                        case Step.Value.FromSecret f -> fromSecrets.put(e.getKey(), f.secret());
                    }
                }
                fromSecrets.putAll(s.secrets());
                for (var e : s.settings().entrySet()) {
                    String variable = "PLUGIN_" + e.getKey().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
                    switch (e.getValue()) {
                        case Step.Value.Text t -> env.put(variable, escaped(t.text()));
                        case Step.Value.FromSecret f -> fromSecrets.put(variable, f.secret());
                    }
                }
                w.matrix().forEach((k, v) -> env.put(k, escaped(v))); // as Woodpecker adds a matrix's values to its steps
                if (w.workspace() != null) {
                    env.put("CI_WORKSPACE", escaped(w.workspace()));
                }
                env.put("CI_WORKFLOW_NAME", w.baseName());
                env.put("CI_STEP_NAME", s.name());
                if (!fromSecrets.isEmpty()) {
                    secrets.put(task, fromSecrets);
                }
                tasks.add(new Task(task, image, commands(s), deps, env, List.of(), List.of(), List.of(), Task.NetworkPolicy.DEFAULT, null, null,
                        Task.Resources.NONE, new Condition(status, List.of(), List.of(), List.of(), Map.of())));
                kept.add(task);
                mine.add(task);
                byTask.put(task, s);
                if (s.service()) {
                    services.add(task);
                } else {
                    previous = task;
                }
            }
            workflowTasks.computeIfAbsent(w.baseName(), k -> new ArrayList<>()).addAll(mine);
            boolean networked = byTask.values().stream().anyMatch(Step::detach);
            String ws = w.workspace() != null ? w.workspace() : workspace;
            byTask.forEach((task, s) -> {
                // A plugin, a service or an entrypoint without commands starts in its directory (commands cd there).
                String workdir = s.directory() == null || !s.commands().isEmpty() ? null
                        : s.directory().startsWith("/") ? s.directory() : ws + "/" + s.directory();
                List<String> entrypoint = s.entrypoint().isEmpty() ? null : s.entrypoint();
                Set<String> until = null;
                if (s.detach()) {
                    until = new LinkedHashSet<>(mine);
                    until.remove(task);
                }
                List<String> aliases = networked && HOST_NAME.matcher(s.name()).matches() ? List.of(s.name()) : List.of();
                containers.put(task, new ContainerOptions(networked ? w.name() : null, aliases, until, s.detach() && s.failureIgnore(),
                        workdir, entrypoint, w.workspace(), w.skipClone(), "CI_PIPELINE_STATUS", true));
            });
        }
        Pipeline p = new Pipeline(name, images, List.of(), tasks, new Triggers(null, null, true, List.of()), Map.of());
        return new Compiled(p, skipped, secrets, containers);
    }

    /** Names a container can be reached by on a network (Woodpecker's steps are, by their names). */
    private static final java.util.regex.Pattern HOST_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    /**
     * The step's commands as the run engine's script lines. The text is substituted already, so
     * every {@code ${} is escaped from the engine's own substitution; {@code directory} is a
     * {@code cd} first; with {@code failure: ignore} they run in a subshell whose failure is
     * reported and ignored.
     */
    private static List<String> commands(Step s) {
        List<String> out = new ArrayList<>();
        if (s.directory() != null && !s.commands().isEmpty()) {
            out.add("mkdir -p " + shellQuoted(s.directory()) + " && cd " + shellQuoted(s.directory()));
        }
        if (!s.failureIgnore()) {
            s.commands().forEach(c -> out.add(escaped(c)));
            return out;
        }
        out.add("set +e");
        StringBuilder sub = new StringBuilder("( set -e\n");
        s.commands().forEach(c -> sub.append(escaped(c)).append('\n'));
        out.add(sub.append(")").toString());
        out.add("rc=$?; set -e; [ \"$rc\" -eq 0 ] || echo \"exit code $rc ignored (failure: ignore)\"");
        return out;
    }

    private static String escaped(String text) {
        return text.replace("${", "$${");
    }

    private static String shellQuoted(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }
}
