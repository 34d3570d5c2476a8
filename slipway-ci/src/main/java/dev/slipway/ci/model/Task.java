package dev.slipway.ci.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A task: commands run in one container, or (with {@code publish}) an image pushed to a registry.
 *
 * @param image an image name declared in the pipeline's {@code images} (for a publish task, the image it pushes)
 * @param commands shell lines, run in order with {@code sh -e}; the task fails at the first failing line
 *                 (none for a publish task; none for a task that runs its image's own entrypoint and
 *                 command, as Woodpecker's plugin steps do: native pipelines always have commands)
 * @param outputs paths relative to the working directory handed to dependent tasks
 * @param deployTarget the name of an admin-registered deploy target, or null
 * @param timeout null for the server default
 * @param when when the task runs ({@link Condition#DEFAULT} without {@code when:})
 * @param publish what a publish task pushes; null for a task of commands
 * @param runsOn the labels a runner needs to take the task ({@code runs_on:}); empty for the server's own executor
 */
public record Task(String name, String image, List<String> commands, List<String> dependsOn, Map<String, String> env,
                   List<SecretRef> secrets, List<CacheMount> caches, List<String> outputs, NetworkPolicy network,
                   DeployMount deployTarget, Duration timeout, Resources resources, Condition when, Publish publish,
                   List<String> runsOn) {
    /** A task for the server's own executor. */
    public Task(String name, String image, List<String> commands, List<String> dependsOn, Map<String, String> env,
                List<SecretRef> secrets, List<CacheMount> caches, List<String> outputs, NetworkPolicy network,
                DeployMount deployTarget, Duration timeout, Resources resources, Condition when, Publish publish) {
        this(name, image, commands, dependsOn, env, secrets, caches, outputs, network, deployTarget, timeout, resources, when, publish, List.of());
    }

    /** A task of commands without {@code when:}. */
    public Task(String name, String image, List<String> commands, List<String> dependsOn, Map<String, String> env,
                List<SecretRef> secrets, List<CacheMount> caches, List<String> outputs, NetworkPolicy network,
                DeployMount deployTarget, Duration timeout, Resources resources) {
        this(name, image, commands, dependsOn, env, secrets, caches, outputs, network, deployTarget, timeout, resources, Condition.DEFAULT);
    }

    /** A task of commands. */
    public Task(String name, String image, List<String> commands, List<String> dependsOn, Map<String, String> env,
                List<SecretRef> secrets, List<CacheMount> caches, List<String> outputs, NetworkPolicy network,
                DeployMount deployTarget, Duration timeout, Resources resources, Condition when) {
        this(name, image, commands, dependsOn, env, secrets, caches, outputs, network, deployTarget, timeout, resources, when, null);
    }

    public Task {
        when = when == null ? Condition.DEFAULT : when;
        commands = List.copyOf(commands);
        dependsOn = List.copyOf(dependsOn);
        env = Map.copyOf(env);
        secrets = List.copyOf(secrets);
        caches = List.copyOf(caches);
        outputs = List.copyOf(outputs);
        runsOn = runsOn == null ? List.of() : List.copyOf(runsOn);
    }

    /** Network access of a task container. */
    public enum NetworkPolicy {
        /** The outside world, but not services on the Docker host (its loopback and the bridge gateway). */
        DEFAULT,
        /** No network at all. */
        NONE
    }

    /** A secret given to the task as an environment variable or a file. */
    public record SecretRef(String name, String env, String file) {}

    /** A named cache mounted at {@code path}; shared caches may be used by several repositories. */
    public record CacheMount(String name, String path, boolean shared) {}

    /** A deploy target mounted writable at {@code path} inside the container. */
    public record DeployMount(String name, String path) {}

    /** Limits; null fields mean no limit. */
    public record Resources(Long memoryBytes, Double cpus) {
        public static final Resources NONE = new Resources(null, null);
    }
}
