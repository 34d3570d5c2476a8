package dev.slipway.ci.model;

import java.util.List;
import java.util.Map;

/**
 * One pipeline: the compiled, validated form of one {@code .slipway/*.yml} file. Executors and the
 * scheduler see only this model, never YAML (front ends for other formats map onto it later).
 *
 * @param name the file's base name without extension ({@code .slipway/build.yml} is {@code build})
 * @param images image declarations by name, separate from tasks (seed 004)
 * @param repositories repositories checked out for every task, by mount name; the triggering
 *                     repository is added by the scheduler under its own name unless listed
 * @param tasks tasks by name, in file order; {@code dependsOn} forms a DAG (validated)
 * @param variables default values of {@code ${VAR}} variables, overridable per run
 * @param version how the run's version is computed ({@code version:}), or null for none
 * @param notifications who is told when a run ends ({@code notify:}), in file order
 * @param permissions what the run's job token may do ({@code permissions:}; {@link Permissions#DEFAULT} without it)
 * @param concurrency the run's concurrency group ({@code concurrency:}), or null for none
 */
public record Pipeline(String name, Map<String, ImageSpec> images, List<RepositoryEntry> repositories,
                       List<Task> tasks, Triggers triggers, Map<String, String> variables, Versioning version,
                       List<Notification> notifications, Permissions permissions, Concurrency concurrency) {
    /** A pipeline without {@code concurrency:}. */
    public Pipeline(String name, Map<String, ImageSpec> images, List<RepositoryEntry> repositories,
                    List<Task> tasks, Triggers triggers, Map<String, String> variables, Versioning version,
                    List<Notification> notifications, Permissions permissions) {
        this(name, images, repositories, tasks, triggers, variables, version, notifications, permissions, null);
    }

    /** A pipeline without {@code permissions:}. */
    public Pipeline(String name, Map<String, ImageSpec> images, List<RepositoryEntry> repositories,
                    List<Task> tasks, Triggers triggers, Map<String, String> variables, Versioning version,
                    List<Notification> notifications) {
        this(name, images, repositories, tasks, triggers, variables, version, notifications, Permissions.DEFAULT);
    }

    public Pipeline {
        permissions = permissions == null ? Permissions.DEFAULT : permissions;
        notifications = List.copyOf(notifications);
        images = Map.copyOf(images);
        repositories = List.copyOf(repositories);
        tasks = List.copyOf(tasks);
        variables = Map.copyOf(variables);
    }

    /** A pipeline without {@code version:} and {@code notify:}. */
    public Pipeline(String name, Map<String, ImageSpec> images, List<RepositoryEntry> repositories,
                    List<Task> tasks, Triggers triggers, Map<String, String> variables) {
        this(name, images, repositories, tasks, triggers, variables, null, List.of());
    }

    public Task task(String name) {
        return tasks.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no task '" + name + "' in pipeline " + this.name));
    }
}
