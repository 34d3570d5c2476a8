package dev.slipway.ci.executor;

import java.time.Duration;

/**
 * Runs tasks. Modelled on Woodpecker's backend contract:
 * <ol>
 *   <li>{@link #start} creates and starts a task's container (pulling its image when needed) and
 *       streams its output to the sink from the first byte; it returns once the task runs;</li>
 *   <li>{@link #await} blocks until the task exits or its timeout passes (then it is stopped and
 *       reported as timed out);</li>
 *   <li>{@link #stop} may come at any time from another thread (cancel);</li>
 *   <li>{@link #remove} deletes what the task left; it may be called twice and for tasks that never
 *       started.</li>
 * </ol>
 * One executor runs many tasks of many runs concurrently; calls for one task come from one thread
 * except {@link #stop}. Finished tasks are kept (stopped containers) until {@link #remove}, so they
 * can be inspected and a retry can reuse what is cached.
 */
public interface Executor extends AutoCloseable {
    /** Short name for logs and the API: {@code docker}, {@code local}. */
    String name();

    /** False when tasks run without container isolation (the local executor). */
    boolean isolated();

    TaskHandle start(TaskSpec spec, OutputSink sink) throws ExecutorException;

    /**
     * Makes image {@code tag} from {@code dockerfile} (relative to {@code context}) unless an image
     * with that tag exists already. Tags name the context's content, so an existing tag is reused.
     * The build's output goes to {@code output} a line at a time, as it happens.
     */
    void buildImage(java.nio.file.Path context, String dockerfile, String tag, java.util.function.Consumer<String> output)
            throws ExecutorException;

    /**
     * Pushes {@code spec.image()} to {@code spec.repository()} under each of its tags, carrying its
     * labels (the pushed image is the image with those labels added), and leaves no tag of it
     * behind on the engine. Progress goes to {@code output} a line at a time. A refusal by the
     * registry (denied, immutable tag) is an {@link PushSpec.Outcome.Refused outcome}; the
     * exception is for what keeps the push from being tried (image missing, engine unreachable).
     */
    PushSpec.Outcome push(PushSpec spec, java.util.function.Consumer<String> output) throws ExecutorException;

    /**
     * Builds {@code source} under {@code tags} on the engine and keeps it there (a build that is not
     * pushed: {@code docker/build-push-action} with {@code push: false}), with {@code labels}.
     */
    default void build(PushSpec.Source.Build source, java.util.Set<String> tags, java.util.Map<String, String> labels,
                       java.util.function.Consumer<String> output) throws ExecutorException {
        throw new ExecutorException("this executor cannot build images");
    }

    /**
     * Copies {@code path} (a directory or a file) as the running task sees it into the empty
     * directory {@code into} on this machine: a directory's content, or the file under its name.
     * What a task wrote into its workspace is only there as the task sees it (an overlay).
     */
    default void copyOut(TaskHandle task, String path, java.nio.file.Path into) throws ExecutorException {
        throw new ExecutorException("this executor cannot copy files out of a task");
    }

    /**
     * Opens the one exception to host isolation: lets tasks on the default network reach
     * {@code port} on this host (the server's own port), and returns the address tasks reach this
     * host at. Executors whose tasks run on the host itself return {@code 127.0.0.1}.
     */
    default String openHostPort(int port) throws ExecutorException {
        return "127.0.0.1";
    }

    /** The exit code; -1 if stopped or timed out (see {@link Exit}). */
    Exit await(TaskHandle task, Duration timeout) throws ExecutorException;

    void stop(TaskHandle task);

    /**
     * Runs {@code argv} inside a started task that is still running, with exactly {@code env}
     * besides the task's own environment, in {@code workdir} (a path as the task sees it): a
     * GitHub Actions job runs its steps so, one after another in one container that idles between
     * them. Output streams to {@code sink} byte for byte. Returns the exit code, or -1 when
     * {@code timeout} passed (the command is stopped). Calls for one task come one at a time.
     */
    default int exec(TaskHandle task, java.util.List<String> argv, java.util.Map<String, String> env, String workdir, OutputSink sink,
                     Duration timeout) throws ExecutorException {
        throw new ExecutorException("the " + name() + " executor cannot run commands inside a running task");
    }

    /**
     * Runs one container to its end beside the running {@code task} (a GitHub Docker action): the
     * image's own ENTRYPOINT unless {@code spec} gives one, {@code args} as its command, on the
     * task's network, seeing what the task sees at each key of {@code shared} at the value's path.
     * Output streams to {@code sink}; the container is removed afterwards. Returns the exit code,
     * or -1 when {@code timeout} passed (the container is stopped). An interrupt stops it too and
     * throws, with the thread's interrupt flag set.
     */
    default int runBeside(TaskHandle task, Beside spec, OutputSink sink, Duration timeout) throws ExecutorException {
        throw new ExecutorException("the " + name() + " executor cannot run a container beside a task");
    }

    /**
     * A container to run beside a task ({@link #runBeside}).
     *
     * @param entrypoint the executable, or null for the image's ENTRYPOINT
     * @param shared the task's paths (its mounts' targets) to the paths this container sees them at
     */
    record Beside(String image, String entrypoint, java.util.List<String> args, java.util.Map<String, String> env, String workdir,
                  java.util.Map<String, String> shared) {
        public Beside {
            java.util.Objects.requireNonNull(image, "image");
            args = java.util.List.copyOf(args);
            env = java.util.Map.copyOf(env);
            shared = java.util.Map.copyOf(shared);
        }
    }

    void remove(TaskHandle task);

    /**
     * Creates a network of a task's own for it and its services ({@code services:}): members
     * reach each other by alias, not the host. Returns its name, for {@link #join},
     * {@link #startService} and {@link #removeNetwork}.
     */
    default String createNetwork(String runId, String task) throws ExecutorException {
        throw new ExecutorException("the " + name() + " executor cannot run service containers");
    }

    /** Connects a started task to {@code network} besides the network it has. */
    default void join(TaskHandle task, String network) throws ExecutorException {
        join(task, network, java.util.List.of());
    }

    /** The same, the task also reachable on {@code network} as each of {@code aliases}. */
    default void join(TaskHandle task, String network, java.util.List<String> aliases) throws ExecutorException {
        throw new ExecutorException("the " + name() + " executor cannot run service containers");
    }

    /** Creates and starts a service on {@code network} under its alias (pulling its image when missing). */
    default ServiceSpec.Handle startService(ServiceSpec spec, String network) throws ExecutorException {
        throw new ExecutorException("the " + name() + " executor cannot run service containers");
    }

    /**
     * Creates and starts a service in {@code task}'s own network stack: the task reaches it on
     * {@code localhost} at its container ports, as a GitHub job on the runner's host reaches its
     * services, and so does every other member of the task's networks at the task's address. The
     * service publishes nothing on the host; its handle maps each of its ports to itself.
     */
    default ServiceSpec.Handle startServiceBeside(ServiceSpec spec, TaskHandle task) throws ExecutorException {
        throw new ExecutorException("the " + name() + " executor cannot run service containers");
    }

    /**
     * Returns once the service is healthy (or runs, without a health check); fails naming the
     * service and its last health check output when it turns unhealthy, exits or
     * {@code timeout} passes, or when {@code cancelled} says so.
     */
    default void awaitHealthy(ServiceSpec.Handle service, Duration timeout, java.util.function.BooleanSupplier cancelled)
            throws ExecutorException {
        throw new ExecutorException("the " + name() + " executor cannot run service containers");
    }

    /** What the service wrote so far, stdout and stderr. */
    default void serviceLogs(ServiceSpec.Handle service, OutputSink sink) {}

    /** Removes the service's container; it may be called twice. */
    default void removeService(ServiceSpec.Handle service) {}

    /** Disconnects every container from {@code network} and removes it; it may be called twice. */
    default void removeNetwork(String network) {}

    /**
     * Removes what this executor kept for a run's tasks (stopped containers, overlay volumes); it
     * may be called twice. The caller makes sure the run is not running. Executors that keep
     * nothing do nothing.
     */
    default void removeRun(String runId) {}

    /**
     * The ids of the runs for which this executor (this Slipway instance, not another on the same
     * engine) keeps something, so leftovers of evicted or unknown runs can be found.
     */
    default java.util.Set<String> keptRuns() {
        return java.util.Set.of();
    }

    /**
     * Whether a task that was running when the server stopped is still running and will go on: a
     * run whose running tasks all do is resumed after a restart instead of failing.
     */
    default boolean survivesRestart(String runId, String task) {
        return false;
    }

    /**
     * After a restart: stops this instance's task containers that are still running (nobody
     * follows their output any more; the runs were marked as errors). Returns how many.
     */
    default int stopLeftovers() {
        return 0;
    }

    @Override
    void close();

    /** A started task. */
    record TaskHandle(String id, TaskSpec spec) {}

    /** How a task ended. */
    record Exit(int code, boolean timedOut, boolean stopped) {
        public boolean success() {
            return code == 0 && !timedOut && !stopped;
        }
    }

    /** Receives the task's output, byte for byte, as the process wrote it. */
    interface OutputSink {
        void stdout(byte[] bytes, int off, int len);

        void stderr(byte[] bytes, int off, int len);

        /** The task's output has ended (filters that hold bytes back write them now). */
        default void close() {}
    }

    /** A task could not be run (image missing, engine unreachable, bad mount); the message says why. */
    final class ExecutorException extends Exception {
        public ExecutorException(String message) {
            super(message);
        }

        public ExecutorException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
