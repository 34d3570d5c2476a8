package dev.slipway.ci.executor;

import dev.slipway.ci.workspace.Dirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks as plain processes on this machine, for hosts without Docker. NOT ISOLATED: a task
 * runs as the server's user, can read and write whatever that user can, and reaches every
 * network; the image is ignored and network policies are not enforced.
 *
 * <p>What it keeps of the container model: each task gets a <em>task root</em>, a directory that
 * stands for the container's {@code /}. Every worktree mount ({@code /src/app}, {@code /src/lib})
 * is a real directory at the same place under the root ({@code <root>/src/app}), filled with a
 * copy of its layers (base worktree, then the outputs of earlier tasks), so the task's writes
 * never reach the base and relative paths between repositories ({@code ../lib}) work as in a
 * container. Caches, deploy targets and secret files appear under the root as symbolic links to
 * their host directories ({@code <root>/deploy}). The task starts in its working directory under
 * the root; {@code SLIPWAY_ROOT} names the root, so a script that must use an absolute path writes
 * {@code $SLIPWAY_ROOT/deploy}. After the task, each worktree copy becomes the task's upper layer,
 * which is where the engine collects declared outputs from.
 *
 * <p>The environment is the task's own plus {@code PATH}, {@code HOME}, {@code USER},
 * {@code LANG} and {@code TMPDIR} of the server: nothing else of the server's environment (its
 * configuration, database password) reaches a task.
 */
public final class LocalExecutor implements Executor {
    /** The only variables of the server's environment a task inherits. */
    static final List<String> INHERITED = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "TZ");

    private final Map<String, Running> running = new ConcurrentHashMap<>();

    /** A started process, the threads copying its output, and where its worktree copies go after it. */
    private record Running(Process process, Thread out, Thread err, Path root, List<TaskSpec.Mount.Overlay> overlays, java.util.concurrent.atomic.AtomicBoolean stopped) {}

    @Override
    public String name() {
        return "local";
    }

    @Override
    public boolean isolated() {
        return false;
    }

    @Override
    public TaskHandle start(TaskSpec spec, OutputSink sink) throws ExecutorException {
        if (spec.entrypoint() != null) {
            throw new ExecutorException("task " + spec.task() + " has an entrypoint of its own (" + String.join(" ", spec.entrypoint())
                    + "), which the local executor cannot run: it runs no images");
        }
        if (spec.script() == null) {
            throw new ExecutorException("task " + spec.task() + " runs its image's own entrypoint (" + spec.image()
                    + "), which the local executor cannot: it runs no images");
        }
        if (!spec.networks().isEmpty()) {
            throw new ExecutorException("task " + spec.task() + " is reached by name on a network of its run (services, detached steps), "
                    + "which the local executor cannot: it runs no containers");
        }
        List<TaskSpec.Mount.Overlay> overlays = spec.mounts().stream()
                .filter(m -> m instanceof TaskSpec.Mount.Overlay).map(m -> (TaskSpec.Mount.Overlay) m).toList();
        if (overlays.stream().noneMatch(o -> o.target().equals(spec.workdir()))) {
            throw new ExecutorException("the local executor needs the working directory " + spec.workdir() + " to be a worktree mount");
        }
        // The root sits beside the task's layers (same filesystem), so its copies move into place.
        Path root = overlays.getFirst().upper().getParent().getParent().resolve("local-root");
        try {
            Dirs.reset(root);
            for (TaskSpec.Mount m : spec.mounts()) {
                Path at = under(root, m.target());
                Files.createDirectories(at.getParent());
                switch (m) {
                    case TaskSpec.Mount.Overlay o -> {
                        Files.createDirectories(at);
                        for (Path lower : o.lowers().reversed()) { // bottom layer first
                            Dirs.copyTree(lower, at);
                        }
                    }
                    case TaskSpec.Mount.Bind b -> Files.createSymbolicLink(at, b.source());
                    case TaskSpec.Mount.Volume v -> throw new ExecutorException("task " + spec.task() + " asks for a volume at " + v.target()
                            + ", which the local executor cannot give: it has no engine");
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ExecutorException("cannot prepare the task root for task " + spec.task() + ": " + e.getMessage(), e);
        }
        Path workdir = under(root, spec.workdir());
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", spec.script()).directory(workdir.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().retainAll(INHERITED);
        env.putAll(spec.env());
        env.put("SLIPWAY_ROOT", root.toString());
        env.put("SLIPWAY_WORKSPACE", workdir.toString());
        env.put("PWD", workdir.toString());
        env.remove("NO_COLOR");
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close(); // no stdin for tasks
        } catch (IOException e) {
            throw new ExecutorException("cannot start task " + spec.task() + ": " + e.getMessage(), e);
        }
        String id = spec.runId() + "/" + spec.task() + "/" + p.pid();
        running.put(id, new Running(p, Thread.ofVirtual().start(() -> pump(p.getInputStream(), sink, false)),
                Thread.ofVirtual().start(() -> pump(p.getErrorStream(), sink, true)), root, overlays, new java.util.concurrent.atomic.AtomicBoolean()));
        return new TaskHandle(id, spec);
    }

    /** Where a container path lands under the task root; refuses paths that climb out of it. */
    private static Path under(Path root, String containerPath) throws ExecutorException {
        Path p = root.resolve(containerPath.replaceFirst("^/+", "")).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new ExecutorException("mount target " + containerPath + " cannot be placed under the task root");
        }
        return p;
    }

    private static void pump(InputStream in, OutputSink sink, boolean stderr) {
        byte[] buf = new byte[64 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (stderr) {
                    sink.stderr(buf, 0, n);
                } else {
                    sink.stdout(buf, 0, n);
                }
            }
        } catch (IOException ignored) {
            // process ended
        }
    }

    @Override
    public void buildImage(Path context, String dockerfile, String tag, java.util.function.Consumer<String> output) throws ExecutorException {
        throw new ExecutorException("the local executor cannot build images (it runs commands on this machine); use the docker executor");
    }

    @Override
    public PushSpec.Outcome push(PushSpec spec, java.util.function.Consumer<String> output) throws ExecutorException {
        throw new ExecutorException("the local executor cannot push images (it has no image store); publish tasks need the docker executor");
    }

    @Override
    public Exit await(TaskHandle task, Duration timeout) throws ExecutorException {
        Running r = running.get(task.id());
        if (r == null) {
            throw new ExecutorException("unknown task " + task.id());
        }
        Process p = r.process();
        boolean timedOut = false;
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                kill(p);
                p.waitFor();
            }
            r.out().join();
            r.err().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException("interrupted", e);
        }
        // The worktree copies hold the task's writes: they become its upper layers.
        try {
            for (TaskSpec.Mount.Overlay o : r.overlays()) {
                Dirs.reset(o.upper());
                Path copy = under(r.root(), o.target());
                try {
                    Files.move(copy, o.upper(), StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Dirs.copyTree(copy, o.upper());
                }
            }
            Dirs.reset(r.root());
        } catch (IOException | UncheckedIOException e) {
            throw new ExecutorException("cannot keep the writes of task " + task.spec().task() + ": " + e.getMessage(), e);
        }
        boolean wasStopped = r.stopped().get();
        return new Exit(timedOut || wasStopped ? -1 : p.exitValue(), timedOut, wasStopped && !timedOut);
    }

    /** A process in the task's root: {@code workdir} is placed under the root as every mount is. */
    @Override
    public int exec(TaskHandle task, List<String> argv, Map<String, String> env, String workdir, OutputSink sink, Duration timeout)
            throws ExecutorException {
        Running r = running.get(task.id());
        if (r == null) {
            throw new ExecutorException("task " + task.spec().task() + " is not running");
        }
        ProcessBuilder pb = new ProcessBuilder(argv).directory(under(r.root(), workdir).toFile());
        Map<String, String> e = pb.environment();
        e.keySet().retainAll(INHERITED);
        e.putAll(task.spec().env());
        e.putAll(env);
        e.put("SLIPWAY_ROOT", r.root().toString());
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close();
        } catch (IOException ex) {
            throw new ExecutorException("cannot run " + argv.getFirst() + " in task " + task.spec().task() + ": " + ex.getMessage(), ex);
        }
        Thread out = Thread.ofVirtual().start(() -> pump(p.getInputStream(), sink, false));
        Thread err = Thread.ofVirtual().start(() -> pump(p.getErrorStream(), sink, true));
        try {
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                kill(p);
                p.waitFor();
            }
            out.join();
            err.join();
            return done ? p.exitValue() : -1;
        } catch (InterruptedException ex) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new ExecutorException("interrupted while running " + argv.getFirst(), ex);
        }
    }

    /** The process first (a shell must not go on to its next command when its child dies), then what it started. */
    private static void kill(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void stop(TaskHandle task) {
        Running r = running.get(task.id());
        if (r != null) {
            r.stopped().set(true);
            kill(r.process());
        }
    }

    @Override
    public void remove(TaskHandle task) {
        running.remove(task.id());
    }

    @Override
    public void close() {
        running.values().forEach(r -> kill(r.process()));
    }
}
