package dev.slipway.ci.scheduler;

import java.util.List;
import java.util.Set;

/**
 * How a task's container differs from a native task's, for the front ends whose steps need more
 * than Slipway's own format says (Woodpecker's services, detached steps, entrypoints and
 * workspaces). A task without options runs as every native task does.
 *
 * @param network a network of the run the task joins, by a name of the front end's choosing (a
 *                workflow's); the engine creates it when a task first needs it and removes it when
 *                the run ends. Null for none
 * @param aliases the names the other members of {@code network} reach the task at
 * @param detachedUntil null for a task whose dependents wait until it has ended; else the task is
 *                      detached: its dependents start as soon as its container runs, and it is
 *                      stopped once every task named here has ended (when the run ends at the
 *                      latest). It ends as a success when it was stopped so, as a failure when it
 *                      exited with another code than 0 by itself. A retry of any task named here
 *                      starts it again
 * @param failureIgnored a detached task that exits with another code than 0 by itself ends as a
 *                       success all the same (Woodpecker's {@code failure: ignore} on a service)
 * @param workdir the working directory (an absolute path in the container), or null for the
 *                triggering repository's mount
 * @param entrypoint the container's entrypoint instead of the default, or null (see {@link
 *                   dev.slipway.ci.executor.TaskSpec#entrypoint()}: the commands' script is then in
 *                   {@code CI_SCRIPT}, base64, as Woodpecker hands it to a step's own entrypoint)
 * @param checkoutAt where the triggering repository's worktree is mounted (an absolute path; the
 *                   working directory unless {@code workdir} says otherwise), or null for
 *                   {@code /src/<mount>} (Woodpecker's {@code workspace})
 * @param emptyCheckout the task's worktrees start empty: nothing of the repository is in them
 *                      (Woodpecker's {@code skip_clone})
 * @param statusVariable an environment variable that tells, when the task starts, whether a task
 *                       of the run has failed so far ({@code failure}) or not ({@code success});
 *                       null for none (Woodpecker's {@code CI_PIPELINE_STATUS})
 * @param sharedWorkspace the task sees everything the tasks it (transitively) waits for wrote to
 *                        their worktrees, not only their declared outputs: their writable layers are
 *                        lower layers of its own, nearest first (Woodpecker's one workspace shared
 *                        by a workflow's steps). Detached tasks' layers are not shared
 */
public record ContainerOptions(String network, List<String> aliases, Set<String> detachedUntil, boolean failureIgnored, String workdir,
                               List<String> entrypoint, String checkoutAt, boolean emptyCheckout, String statusVariable,
                               boolean sharedWorkspace) {
    public static final ContainerOptions NONE = new ContainerOptions(null, List.of(), null, false, null, null, null, false, null, false);

    /** Options whose task sees only its ancestors' declared outputs. */
    public ContainerOptions(String network, List<String> aliases, Set<String> detachedUntil, boolean failureIgnored, String workdir,
                            List<String> entrypoint, String checkoutAt, boolean emptyCheckout, String statusVariable) {
        this(network, aliases, detachedUntil, failureIgnored, workdir, entrypoint, checkoutAt, emptyCheckout, statusVariable, false);
    }

    public ContainerOptions {
        aliases = List.copyOf(aliases);
        detachedUntil = detachedUntil == null ? null : Set.copyOf(detachedUntil);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        if (checkoutAt != null && !checkoutAt.startsWith("/")) {
            throw new IllegalArgumentException("a checkout is mounted at an absolute path, not '" + checkoutAt + "'");
        }
    }

    /** Options with the default entrypoint and checkout. */
    public ContainerOptions(String network, List<String> aliases, Set<String> detachedUntil, boolean failureIgnored, String workdir) {
        this(network, aliases, detachedUntil, failureIgnored, workdir, null, null, false, null);
    }

    /** Options with the default checkout. */
    public ContainerOptions(String network, List<String> aliases, Set<String> detachedUntil, boolean failureIgnored, String workdir,
                            List<String> entrypoint) {
        this(network, aliases, detachedUntil, failureIgnored, workdir, entrypoint, null, false, null);
    }

    public boolean detached() {
        return detachedUntil != null;
    }
}
