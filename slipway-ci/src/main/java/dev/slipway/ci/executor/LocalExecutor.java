package dev.slipway.ci.executor;

import dev.slipway.ci.workspace.Dirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks as plain processes on this machine, for hosts without Docker. NOT ISOLATED: a task
 * runs with the server's user and sees the whole filesystem; the image is ignored; network
 * policies are not enforced. Worktree overlays are emulated by copying the layers into the upper
 * directory, which becomes the task's working copy; mount targets like {@code /src/app} are not
 * remapped, so scripts should use relative paths ({@code $SLIPWAY_WORKSPACE} names the directory).
 */
public final class LocalExecutor implements Executor {
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, Thread> pumps = new ConcurrentHashMap<>();
    private final java.util.Set<String> stopped = ConcurrentHashMap.newKeySet();

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
        Path workdir = null;
        try {
            for (TaskSpec.Mount m : spec.mounts()) {
                if (m instanceof TaskSpec.Mount.Overlay o) {
                    List<Path> bottomUp = o.lowers().reversed();
                    for (Path lower : bottomUp) {
                        Dirs.copyTree(lower, o.upper());
                    }
                    if (o.target().equals(spec.workdir())) {
                        workdir = o.upper();
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ExecutorException("cannot prepare the working copy for task " + spec.task() + ": " + e.getMessage(), e);
        }
        if (workdir == null) {
            throw new ExecutorException("the local executor needs the working directory " + spec.workdir() + " to be a worktree mount");
        }
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", spec.script()).directory(workdir.toFile());
        pb.environment().putAll(spec.env());
        pb.environment().put("SLIPWAY_WORKSPACE", workdir.toString());
        pb.environment().remove("NO_COLOR");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ExecutorException("cannot start task " + spec.task() + ": " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // no stdin for tasks
        }
        String id = spec.runId() + "/" + spec.task() + "/" + p.pid();
        processes.put(id, p);
        Thread out = Thread.ofVirtual().start(() -> pump(p.getInputStream(), sink, false));
        Thread err = Thread.ofVirtual().start(() -> pump(p.getErrorStream(), sink, true));
        pumps.put(id, Thread.ofVirtual().unstarted(() -> {
            joinQuietly(out);
            joinQuietly(err);
        }));
        return new TaskHandle(id, spec);
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

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void buildImage(Path context, String dockerfile, String tag) throws ExecutorException {
        throw new ExecutorException("the local executor cannot build images (it runs commands on this machine); use the docker executor");
    }

    @Override
    public Exit await(TaskHandle task, Duration timeout) throws ExecutorException {
        Process p = processes.get(task.id());
        if (p == null) {
            throw new ExecutorException("unknown task " + task.id());
        }
        boolean timedOut = false;
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException("interrupted", e);
        }
        Thread pump = pumps.remove(task.id());
        if (pump != null) {
            pump.start();
            joinQuietly(pump);
        }
        boolean wasStopped = stopped.remove(task.id());
        return new Exit(timedOut || wasStopped ? -1 : p.exitValue(), timedOut, wasStopped);
    }

    @Override
    public void stop(TaskHandle task) {
        Process p = processes.get(task.id());
        if (p != null) {
            stopped.add(task.id());
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Override
    public void remove(TaskHandle task) {
        processes.remove(task.id());
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroyForcibly);
    }
}
