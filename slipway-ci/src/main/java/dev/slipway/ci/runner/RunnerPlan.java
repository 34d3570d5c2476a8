package dev.slipway.ci.runner;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.model.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a runner gets for one task: the compiled task (image, script, environment with that task's
 * secrets only, working directory, limits) and how to make its mounts; never YAML. Parsing,
 * expressions and secrets stay on the server. Sent as JSON in snake case.
 *
 * @param lease the lease's id; {@code attempt} is its secret attempt id, sent back with every update
 * @param mounts each mount: a {@code workspace} (the files the task sees there, fetched from the
 *     server as a tar: {@code GET /api/v1/runner/leases/{lease}/workspace/{index}}) or a {@code volume}
 */
public record RunnerPlan(long lease, String attempt, String runId, String task, String image, boolean pullAlways, String script,
                         Map<String, String> env, String workdir, List<Mount> mounts, String network, Long memoryBytes, Double cpus,
                         long timeoutSeconds, PullAuth pullAuth, List<String> entrypoint, List<Network> networks) {
    /** A network of the run the task joins (on the server's engine: for a runner on its machine only). */
    public record Network(String name, List<String> aliases) {}

    public static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * @param kind {@code workspace} (fetched as a tar), {@code volume} ({@code name}, null for the
     *     container's own), or for a runner on the server's machine {@code overlay} ({@code lowers},
     *     {@code upper}, {@code work}) and {@code bind} ({@code source}, {@code readOnly}): the server's own paths
     */
    public record Mount(String kind, String target, int index, String name, List<String> lowers, String upper, String work,
                        String source, boolean readOnly) {
        static Mount workspace(String target, int index) {
            return new Mount("workspace", target, index, null, null, null, null, null, false);
        }

        static Mount volume(String target, String name) {
            return new Mount("volume", target, 0, name, null, null, null, null, false);
        }
    }

    public record PullAuth(String registry, String token, String username, String password) {}

    /**
     * The plan for a task spec. A runner on the server's machine ({@code hostPaths}) gets the
     * server's paths as they are; another gets workspaces to fetch, and a spec's host paths
     * (caches, deploy targets) are refused for it by name.
     */
    static RunnerPlan of(long lease, String attempt, TaskSpec spec, boolean hostPaths) throws IllegalArgumentException {
        List<Mount> mounts = new ArrayList<>();
        int index = 0;
        for (TaskSpec.Mount m : spec.mounts()) {
            switch (m) {
                case TaskSpec.Mount.Overlay o when hostPaths -> mounts.add(new Mount("overlay", o.target(), 0, null,
                        o.lowers().stream().map(Path::toString).toList(), o.upper().toString(), o.work().toString(), null, false));
                case TaskSpec.Mount.Bind b when hostPaths -> mounts.add(new Mount("bind", b.target(), 0, null, null, null, null,
                        b.source().toString(), b.readOnly()));
                case TaskSpec.Mount.Overlay o -> mounts.add(Mount.workspace(o.target(), index++));
                case TaskSpec.Mount.Volume v -> mounts.add(Mount.volume(v.target(), v.name()));
                case TaskSpec.Mount.Bind b -> throw new IllegalArgumentException("task " + spec.task() + " mounts " + b.target()
                        + " from the server's disk (a cache or deploy target), which a remote runner does not have; "
                        + "run it on the server (no runs_on) or drop that mount");
            }
        }
        if (!hostPaths && !spec.networks().isEmpty()) {
            throw new IllegalArgumentException("task " + spec.task() + " joins a network of its run (services) on the server's Docker engine,"
                    + " which a remote runner does not have; run it on the server (no runs_on)");
        }
        TaskSpec.PullAuth a = spec.pullAuth();
        return new RunnerPlan(lease, attempt, spec.runId(), spec.task(), spec.image(), spec.pullAlways(), spec.script(), spec.env(),
                spec.workdir(), mounts, spec.network().name().toLowerCase(java.util.Locale.ROOT), spec.resources().memoryBytes(),
                spec.resources().cpus(), spec.timeout().toSeconds(),
                a == null ? null : new PullAuth(a.registry(), a.token(), a.username(), a.password()), spec.entrypoint(),
                spec.networks().stream().map(n -> new Network(n.name(), n.aliases())).toList());
    }

    /** The task spec a runner gives its own executor, each workspace mount a directory of its own at {@code workspaces.get(i)}. */
    public TaskSpec spec(List<Path> workspaces) {
        List<TaskSpec.Mount> own = new ArrayList<>();
        for (Mount m : mounts) {
            own.add(switch (m.kind()) {
                case "workspace" -> new TaskSpec.Mount.Bind(workspaces.get(m.index()), m.target(), false);
                case "overlay" -> new TaskSpec.Mount.Overlay(m.lowers().stream().map(Path::of).toList(), Path.of(m.upper()), Path.of(m.work()),
                        m.target());
                case "bind" -> new TaskSpec.Mount.Bind(Path.of(m.source()), m.target(), m.readOnly());
                default -> new TaskSpec.Mount.Volume(m.name(), m.target());
            });
        }
        TaskSpec.PullAuth auth = pullAuth == null ? null : new TaskSpec.PullAuth(pullAuth.registry(), pullAuth.token(),
                pullAuth.username(), pullAuth.password());
        return new TaskSpec(runId, task, image, pullAlways, script, env, workdir, own,
                network.equals("none") ? Task.NetworkPolicy.NONE : Task.NetworkPolicy.DEFAULT, new Task.Resources(memoryBytes, cpus),
                Duration.ofSeconds(timeoutSeconds), auth, entrypoint,
                networks == null ? List.of() : networks.stream().map(n -> new TaskSpec.Network(n.name(), n.aliases())).toList());
    }

    /** How many workspace mounts the runner fetches. */
    public int workspaces() {
        return (int) mounts.stream().filter(m -> m.kind().equals("workspace")).count();
    }
}
