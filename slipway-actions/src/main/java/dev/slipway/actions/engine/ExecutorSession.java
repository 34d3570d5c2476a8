package dev.slipway.actions.engine;

import dev.slipway.actions.run.ContainerSpec;
import dev.slipway.actions.run.JobSession;
import dev.slipway.ci.executor.Executor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job's session on Slipway's executor: the job's task was started with a script that idles,
 * and each step runs inside it through {@link Executor#exec} (docker exec for containers). The
 * runner temp directory is bound from the run directory, so the runtime reads step files on this
 * machine; the workspace is the task's overlay of the base worktree.
 */
final class ExecutorSession implements JobSession {
    private final Executor executor;
    private final Executor.TaskHandle task;
    private final String temp;
    private final Path hostTemp;
    private final String workspace;
    private final Path hostWorkspace;
    private final String path;

    ExecutorSession(Executor executor, Executor.TaskHandle task, String temp, Path hostTemp, String workspace, Path hostWorkspace, String path) {
        this.executor = executor;
        this.task = task;
        this.temp = temp;
        this.hostTemp = hostTemp;
        this.workspace = workspace;
        this.hostWorkspace = hostWorkspace;
        this.path = path;
    }

    @Override
    public int exec(List<String> argv, Map<String, String> env, String workdir, Executor.OutputSink out, Duration timeout)
            throws IOException, InterruptedException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        Executor.OutputSink tee = new Executor.OutputSink() {
            @Override
            public void stdout(byte[] bytes, int off, int len) {
                out.stdout(bytes, off, len);
            }

            @Override
            public void stderr(byte[] bytes, int off, int len) {
                synchronized (head) {
                    if (head.size() < 4096) {
                        head.write(bytes, off, Math.min(len, 4096 - head.size()));
                    }
                }
                out.stderr(bytes, off, len);
            }
        };
        int code;
        try {
            code = executor.exec(task, argv, env, workdir, tee, timeout);
        } catch (Executor.ExecutorException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("cancelled");
            }
            throw new IOException(e.getMessage(), e);
        }
        if (code == 126 || code == 127) {
            String said = head.toString(StandardCharsets.UTF_8);
            if (said.contains("chdir") || said.contains("working directory")) {
                throw new IOException("the working directory " + workdir + " does not exist in the job's container");
            }
            if (said.contains("executable file not found") || said.contains("no such file or directory")) {
                return 127; // the runtime's way to learn which shells the image has
            }
        }
        return code;
    }

    /** Built or pulled on the engine, then run beside the job's container, sharing its workspace and temp directory. */
    @Override
    public int runContainer(ContainerSpec spec, Executor.OutputSink out, Duration timeout) throws IOException, InterruptedException {
        try {
            String image = switch (spec.image()) {
                case ContainerSpec.Build b -> {
                    executor.buildImage(b.context(), b.dockerfile(), b.tag(), line -> {
                        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
                        out.stdout(bytes, 0, bytes.length);
                    });
                    yield b.tag();
                }
                case ContainerSpec.Pull p -> p.reference();
            };
            return executor.runBeside(task, new Executor.Beside(image, spec.entrypoint(), spec.args(), spec.env(), ContainerSpec.WORKSPACE,
                    Map.of(workspace, ContainerSpec.WORKSPACE, temp, temp)), out, timeout);
        } catch (Executor.ExecutorException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("cancelled");
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public String temp() {
        return temp;
    }

    @Override
    public Path hostTemp() {
        return hostTemp;
    }

    @Override
    public String workspace() {
        return workspace;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Optional<Path> hostWorkspace() {
        return Optional.ofNullable(hostWorkspace);
    }
}
