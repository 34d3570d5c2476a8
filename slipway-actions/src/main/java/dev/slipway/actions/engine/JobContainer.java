package dev.slipway.actions.engine;

import dev.slipway.actions.expr.Scope;
import dev.slipway.actions.workflow.Container;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.model.Task;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What a job's {@code container:} asks of the job's own container besides its image: extra
 * environment, memory and CPU limits from {@code options}, and the {@code credentials} its pull
 * uses. What Slipway cannot honour for a job container ({@code ports}, {@code volumes}, options
 * such as {@code --user}) fails the job by name before it starts, never silently.
 */
record JobContainer(Map<String, String> env, Task.Resources resources, TaskSpec.PullAuth pullAuth) {
    /** The job's container settings; {@code container} null for a job whose image comes from runs-on. */
    static JobContainer of(String jobId, Container container, String image, Scope scope, Function<String, TaskSpec.PullAuth> ownPulls) {
        if (container == null) {
            return new JobContainer(Map.of(), Task.Resources.NONE, ownPulls.apply(image));
        }
        String where = "jobs." + jobId + ".container";
        if (!container.ports().isEmpty()) {
            throw new IllegalArgumentException(where + ".ports: a job container's ports are not published by Slipway; "
                    + "services reach the job on the job's network (services: ports work)");
        }
        if (!container.volumes().isEmpty()) {
            throw new IllegalArgumentException(where + ".volumes: volumes of the job container are not supported by Slipway; "
                    + "keep files in the workspace, in actions/cache or in artifacts");
        }
        ServiceOptions options = ServiceOptions.parse(container.options() == null ? null : container.options().evaluateString(scope),
                where + ".options");
        if (options.health() != null || options.user() != null || options.workdir() != null || options.entrypoint() != null) {
            throw new IllegalArgumentException(where + ".options: only -e/--env, -m/--memory and --cpus apply to a job container "
                    + "(health checks are for services; the job runs its steps as the image's user, in the workspace)");
        }
        Map<String, String> env = new LinkedHashMap<>(options.env());
        return new JobContainer(env, new Task.Resources(options.memoryBytes(), options.cpus()),
                JobServices.pullAuth(container.credentials(), image, scope, ownPulls));
    }
}
