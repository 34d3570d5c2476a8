package dev.slipway.ci.scheduler;

import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.RepositoryEntry;
import dev.slipway.ci.model.Task;
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
import java.util.function.Function;

/**
 * Turns a pipeline and a run's values into the {@link RunEngine.Plan} the engine executes: base
 * worktrees, and per task its deploy target, caches and secrets as mounts and environment. The
 * server's run queue and {@code slipway exec} both build plans here; they differ only in where
 * those things come from ({@link Sources}).
 *
 * <p>Secret files are written under {@code <runDir>/secrets/<task>/<name>} and bound read-only.
 */
public final class PlanBuilder {
    private PlanBuilder() {}

    /** Where a run's checkouts, deploy targets, caches and secrets come from. */
    public interface Sources {
        /** The base worktree of a repository entry the pipeline lists. */
        Path checkout(RepositoryEntry entry);

        /** The host directory of a task's deploy target, once the run may write it. */
        Path deployTarget(Task task, Task.DeployMount target);

        /** The host directory of a task's cache. */
        Path cache(Task task, Task.CacheMount cache);

        /** The values of a task's secrets, by name. */
        Map<String, byte[]> secrets(Task task, List<String> names);
    }

    /**
     * What was built: the plan, the secret values each task gets (to mask in its output), and the
     * caches each task mounts (the server locks and measures them around the task).
     */
    public record Built(RunEngine.Plan plan, Map<String, Map<String, byte[]>> secretsByTask, Map<String, List<Task.CacheMount>> cachesByTask) {}

    /**
     * @param bases base worktrees already known by mount name (the triggering repository; on a
     *              retry, every repository the run used); the pipeline's other repositories are
     *              checked out through {@code sources}
     * @param tasks the tasks to run now
     * @param pullAuth credentials for a task image's pull, by image reference (null for none)
     */
    public static Built build(RunValues values, Pipeline pipeline, String workMount, Map<String, Path> bases, Path runDir, Set<String> tasks,
                              Map<String, String> variables, Sources sources, Function<String, TaskSpec.PullAuth> pullAuth) throws IOException {
        Map<String, Path> allBases = new LinkedHashMap<>(bases);
        for (RepositoryEntry e : pipeline.repositories()) {
            if (!allBases.containsKey(e.mountName())) {
                allBases.put(e.mountName(), sources.checkout(e));
            }
        }
        Map<String, Map<String, String>> taskEnv = new HashMap<>();
        Map<String, List<TaskSpec.Mount>> taskMounts = new HashMap<>();
        Map<String, Map<String, byte[]>> secretsByTask = new HashMap<>();
        Map<String, List<Task.CacheMount>> cachesByTask = new HashMap<>();
        for (Task t : pipeline.tasks()) {
            List<TaskSpec.Mount> mounts = new ArrayList<>();
            Map<String, String> env = new LinkedHashMap<>();
            if (t.deployTarget() != null) {
                mounts.add(new TaskSpec.Mount.Bind(sources.deployTarget(t, t.deployTarget()), t.deployTarget().path(), false));
            }
            for (Task.CacheMount c : t.caches()) {
                mounts.add(new TaskSpec.Mount.Bind(sources.cache(t, c), c.path(), false));
                cachesByTask.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(c);
            }
            if (!t.secrets().isEmpty()) {
                Map<String, byte[]> secretValues = sources.secrets(t, t.secrets().stream().map(Task.SecretRef::name).toList());
                secretsByTask.put(t.name(), secretValues);
                for (Task.SecretRef s : t.secrets()) {
                    byte[] v = secretValues.get(s.name());
                    if (v == null) {
                        continue; // the sources reported it missing
                    }
                    if (s.file() != null) {
                        Path f = runDir.resolve("secrets").resolve(t.name()).resolve(s.name());
                        Files.createDirectories(f.getParent());
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
        RunEngine.Plan plan = new RunEngine.Plan(values.runId(), pipeline, workMount, allBases, runDir, tasks, variables, values.env(),
                taskEnv, taskMounts, pullAuth);
        return new Built(plan, secretsByTask, cachesByTask);
    }
}
