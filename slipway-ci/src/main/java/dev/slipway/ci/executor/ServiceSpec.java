package dev.slipway.ci.executor;

import dev.slipway.ci.model.Task;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service container of a task (GitHub Actions {@code services:}): started on the task's own
 * network, where the task reaches it by {@code alias}, before the task's steps; removed with it.
 *
 * @param task the task the service belongs to (its container's name and labels)
 * @param alias the host name the task reaches the service at (GitHub's service label)
 * @param entrypoint replaces the image's entrypoint, or empty to keep it
 * @param command replaces the image's command, or empty to keep it
 * @param ports container ports published on the engine's host
 * @param health the health check, or null for the image's own (or none)
 * @param user the user to run as, or null for the image's
 * @param workdir the working directory, or null for the image's
 * @param pullAuth credentials for pulling the image, or null
 * @param volumes the run's named volumes (shared with its job's container) and anonymous ones it mounts
 */
public record ServiceSpec(String runId, String task, String alias, String image, Map<String, String> env, List<String> entrypoint,
                          List<String> command, List<Port> ports, Health health, String user, String workdir, Task.Resources resources,
                          PushSpec.Auth pullAuth, List<TaskSpec.Mount.Volume> volumes) {
    public ServiceSpec {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(image, "image");
        env = Map.copyOf(env);
        entrypoint = List.copyOf(entrypoint);
        command = List.copyOf(command);
        ports = List.copyOf(ports);
        resources = resources == null ? Task.Resources.NONE : resources;
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }

    /**
     * {@code container} (with {@code protocol}, tcp or udp) published on the host at
     * {@code hostPort} (null: a free port the engine picks) on {@code hostIp}.
     */
    public record Port(int container, String protocol, String hostIp, Integer hostPort) {
        public Port {
            if (container < 1 || container > 65535 || (hostPort != null && (hostPort < 0 || hostPort > 65535))) {
                throw new IllegalArgumentException("a port is a number from 1 to 65535");
            }
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                throw new IllegalArgumentException("a port's protocol is tcp or udp, not " + protocol);
            }
        }
    }

    /**
     * A health check: {@code command} run by the shell in the service every {@code interval}; the
     * service is unhealthy after {@code retries} failures in a row. {@code disabled} turns off
     * the image's own check. Null durations and retries keep the engine's defaults.
     */
    public record Health(String command, Duration interval, Duration timeout, Integer retries, Duration startPeriod, boolean disabled) {}

    /** A started service: its container, and the host port each published container port got ({@code 8080/tcp} to {@code 49153}). */
    public record Handle(String id, ServiceSpec spec, String network, Map<String, String> ports) {
        public Handle {
            ports = Map.copyOf(ports);
        }
    }
}
