package dev.slipway.actions.engine;

import dev.slipway.actions.expr.Scope;
import dev.slipway.actions.workflow.Container;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.model.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a job's {@code container:} asks of the job's own container besides its image: extra
 * environment, memory and CPU limits from {@code options}, the {@code credentials} its pull uses,
 * and its {@code volumes} (see {@link ServiceOptions#volume}). What Slipway cannot honour for a job
 * container ({@code ports}, a host path, options such as {@code --user}) fails the job by name
 * before it starts, never silently.
 */
record JobContainer(Map<String, String> env, Task.Resources resources, TaskSpec.PullAuth pullAuth, List<TaskSpec.Mount.Volume> volumes) {
    /** The job's container settings; {@code container} null for a job whose image comes from runs-on. */
    static JobContainer of(String jobId, Container container, String image, Scope scope, Function<String, TaskSpec.PullAuth> ownPulls) {
        if (container == null) {
            return new JobContainer(Map.of(), Task.Resources.NONE, ownPulls.apply(image), List.of());
        }
        String where = "jobs." + jobId + ".container";
        if (!container.ports().isEmpty()) {
            throw new IllegalArgumentException(where + ".ports: a job container's ports are not published by Slipway; "
                    + "services reach the job on the job's network (services: ports work)");
        }
        List<TaskSpec.Mount.Volume> volumes = new ArrayList<>();
        for (var v : container.volumes()) {
            volumes.add(ServiceOptions.volume(v.evaluateString(scope), where + ".volumes"));
        }
        ServiceOptions options = ServiceOptions.parse(container.options() == null ? null : container.options().evaluateString(scope),
                where + ".options");
        if (options.health() != null || options.user() != null || options.workdir() != null || options.entrypoint() != null) {
            throw new IllegalArgumentException(where + ".options: only -e/--env, -m/--memory and --cpus apply to a job container "
                    + "(health checks are for services; the job runs its steps as the image's user, in the workspace)");
        }
        Map<String, String> env = new LinkedHashMap<>(options.env());
        return new JobContainer(env, new Task.Resources(options.memoryBytes(), options.cpus()),
                JobServices.pullAuth(container.credentials(), image, scope, ownPulls), volumes);
    }
}
