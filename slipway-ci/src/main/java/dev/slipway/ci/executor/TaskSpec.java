package dev.slipway.ci.executor;

import dev.slipway.ci.model.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything an executor needs to run one task, already compiled: no YAML, no secrets lookup, no
 * git. The executor only creates, starts, watches and removes.
 *
 * @param runId the run's id, for naming and labels
 * @param image a resolved image reference present locally or pullable
 * @param pullAlways pull before use even if present locally
 * @param script the task's commands as one shell script; null to run the image's own entrypoint and command
 * @param workdir the working directory inside the container
 * @param mounts what the container sees besides its image
 * @param pullAuth how to authenticate the image's pull, or null
 * @param entrypoint replaces the default entrypoint, or null for the default: {@code /bin/sh -c script} with a
 *                   script, the image's own without one. Given, it runs with no command (as {@code docker run
 *                   --entrypoint}), and a script is only in the environment ({@code CI_SCRIPT}, base64), as
 *                   Woodpecker hands it to a step's own entrypoint
 * @param networks networks of the run the container is connected to before it starts, besides its own
 * @param runsOn the labels a runner needs to take the task: {@code [local]} for a native task without
 *     {@code runs_on}; empty for what always runs in the server's process (a workflow's job container)
 */
public record TaskSpec(String runId, String task, String image, boolean pullAlways, String script, Map<String, String> env,
                       String workdir, List<Mount> mounts, Task.NetworkPolicy network, Task.Resources resources,
                       Duration timeout, PullAuth pullAuth, List<String> entrypoint, List<Network> networks, List<String> runsOn) {
    /** A task with the default entrypoint, on its own network only, for the server's own executor. */
    public TaskSpec(String runId, String task, String image, boolean pullAlways, String script, Map<String, String> env,
                    String workdir, List<Mount> mounts, Task.NetworkPolicy network, Task.Resources resources,
                    Duration timeout, PullAuth pullAuth) {
        this(runId, task, image, pullAlways, script, env, workdir, mounts, network, resources, timeout, pullAuth, null, List.of(), List.of());
    }

    /** A task for the server's own executor. */
    public TaskSpec(String runId, String task, String image, boolean pullAlways, String script, Map<String, String> env,
                    String workdir, List<Mount> mounts, Task.NetworkPolicy network, Task.Resources resources,
                    Duration timeout, PullAuth pullAuth, List<String> entrypoint, List<Network> networks) {
        this(runId, task, image, pullAlways, script, env, workdir, mounts, network, resources, timeout, pullAuth, entrypoint, networks,
                List.of());
    }

    /** The same task for another executor (a runner's own mounts). */
    public TaskSpec withMounts(List<Mount> replaced) {
        return new TaskSpec(runId, task, image, pullAlways, script, env, workdir, replaced, network, resources, timeout, pullAuth, entrypoint,
                networks, runsOn);
    }

    /**
     * A network of the run ({@link Executor#createNetwork}) the task joins, where the others on it
     * reach it as each of {@code aliases} (Woodpecker's services and detached steps, by name).
     */
    public record Network(String name, List<String> aliases) {
        public Network {
            java.util.Objects.requireNonNull(name, "name");
            aliases = List.copyOf(aliases);
        }
    }

    /**
     * Credentials for pulling the task's image from {@code registry} (host:port): a bearer token
     * (Slipway's own registry), or a user name and password (a workflow's
     * {@code container.credentials}). Null for images that need none.
     */
    public record PullAuth(String registry, String token, String username, String password) {
        /** A bearer token, the way the engine's {@code X-Registry-Auth} carries one. */
        public PullAuth(String registry, String token) {
            this(registry, token, null, null);
        }

        public static PullAuth password(String registry, String username, String password) {
            return new PullAuth(registry, null, username, password);
        }

        /** The same credentials as the engine takes them for pushes too. */
        public PushSpec.Auth auth() {
            return username != null ? new PushSpec.Auth.Password(registry, username, password) : new PushSpec.Auth.Token(registry, token);
        }

        @Override
        public String toString() {
            return "PullAuth[" + registry + (username != null ? ", " + username : "") + ", secret hidden]";
        }
    }

    public TaskSpec {
        env = Map.copyOf(env);
        mounts = List.copyOf(mounts);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        networks = networks == null ? List.of() : List.copyOf(networks);
        runsOn = runsOn == null ? List.of() : List.copyOf(runsOn);
    }

    /** A filesystem the task sees at {@code target}. */
    public sealed interface Mount {
        String target();

        /** A host directory; the only writable host paths are deploy targets and caches. */
        record Bind(Path source, String target, boolean readOnly) implements Mount {}

        /**
         * An overlay: {@code lowers} (topmost first) read-only, every write lands in {@code upper}
         * ({@code work} is overlayfs' scratch directory on the same filesystem as {@code upper}).
         */
        record Overlay(List<Path> lowers, Path upper, Path work, String target) implements Mount {
            public Overlay {
                lowers = List.copyOf(lowers);
            }
        }

        /**
         * A volume of the engine's own: {@code name} is shared by the containers of one run that
         * name it (a workflow's job container and its services) and removed with the run's
         * workspace; a null name is the container's own, removed with it. Never a host path.
         */
        record Volume(String name, String target) implements Mount {
            public Volume {
                if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
                    throw new IllegalArgumentException("a volume name is letters, digits, _ . - (at most 64), not '" + name + "'");
                }
                if (target == null || !target.startsWith("/")) {
                    throw new IllegalArgumentException("a volume's target is an absolute path in the container, not '" + target + "'");
                }
            }
        }
    }
}
