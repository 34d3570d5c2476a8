package dev.slipway.actions.run;

import dev.slipway.ci.executor.Executor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The place a job's steps run: a container started once per job (or a directory of this machine).
 * The {@link JobRuntime} runs every step through {@link #exec}, one after another, and reads and
 * writes its files (step scripts, {@code GITHUB_OUTPUT} and the other file commands, the event
 * payload) in {@link #hostTemp()}, which the session sees as {@link #temp()}.
 *
 * <p>The contract for implementations:
 * <ul>
 *   <li>{@code env} is added to the session's own environment (the image's {@code ENV}; for
 *       {@link LocalSession} the few variables a local task inherits) and wins over it. Without
 *       {@code PATH} in {@code env}, the session's own {@link #path()} applies.</li>
 *   <li>{@code argv[0]} without a slash is looked up in the {@code PATH} exec runs with. When it
 *       cannot be found or started, exec says so on {@code out}'s stderr and returns 127, as
 *       {@code docker exec} does; the runtime relies on that to find out which shells exist.</li>
 *   <li>All output reaches {@code out} before exec returns; exec does not close {@code out}.</li>
 *   <li>When {@code timeout} passes, the process (and what it started) is stopped and exec returns
 *       -1. When the calling thread is interrupted (the job is cancelled), the process is stopped
 *       the same way and exec throws {@link InterruptedException}.</li>
 *   <li>A working directory that does not exist is an {@link IOException} that names it.</li>
 *   <li>The runtime calls exec from one thread at a time, except {@link #readFile} (whose default
 *       runs {@code cat} while a step's process runs).</li>
 * </ul>
 */
public interface JobSession {
    /** Runs argv (argv[0] an executable in the session) in workdir with env; streams output; the exit code, or -1 when timeout passed (the process is stopped). */
    int exec(List<String> argv, Map<String, String> env, String workdir, Executor.OutputSink out, Duration timeout)
            throws IOException, InterruptedException;

    /** The session's temp directory (RUNNER_TEMP) as the session sees it. */
    String temp();

    /** The same directory on this machine: step scripts and GITHUB_* files are written and read here by the runtime. */
    Path hostTemp();

    /** GITHUB_WORKSPACE as the session sees it. */
    String workspace();

    /** The session's own PATH (the image's, or this machine's): GITHUB_PATH entries go in front of it. */
    String path();

    /**
     * The workspace on this machine, when the session has it here: then hashFiles() works in
     * expressions, and annotations from problem matchers name only files that exist.
     */
    default Optional<Path> hostWorkspace() {
        return Optional.empty();
    }

    /**
     * Reads a file as the session sees it (a problem matcher named by {@code ::add-matcher::}).
     * The default reads files under {@link #temp()} and {@link #hostWorkspace()} on this machine
     * and others with {@code cat} through {@link #exec}.
     */
    default byte[] readFile(String path) throws IOException, InterruptedException {
        Optional<Path> host = hostPath(this, path);
        if (host.isPresent()) {
            return Files.readAllBytes(host.get());
        }
        return cat(this, path);
    }

    /** A file as the session sees it, read with {@code cat} through {@link #exec}. */
    static byte[] cat(JobSession session, String path) throws IOException, InterruptedException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int code = session.exec(List.of("cat", path), Map.of(), session.workspace(), new Executor.OutputSink() {
            @Override
            public void stdout(byte[] bytes, int off, int len) {
                content.write(bytes, off, len);
            }

            @Override
            public void stderr(byte[] bytes, int off, int len) {
                errors.write(bytes, off, len);
            }
        }, Duration.ofSeconds(30));
        if (code != 0) {
            throw new IOException("cannot read " + path + ": " + errors.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
        }
        return content.toByteArray();
    }

    /**
     * Runs a container beside the session, for a Docker action: it shares the workspace and the
     * temp directory with the session (see {@link ContainerSpec}); output streams to {@code out}.
     * Returns the exit code, or -1 when {@code timeout} passed (the container is stopped); an
     * interrupt stops it too and throws {@link InterruptedException}. Sessions that cannot run
     * containers say so.
     */
    default int runContainer(ContainerSpec spec, Executor.OutputSink out, Duration timeout) throws IOException, InterruptedException {
        throw new IOException("Docker actions need a container executor; this job runs on " + getClass().getSimpleName()
                + ", which cannot start a container beside it");
    }

    /** Where a session path under temp() or the workspace is on this machine. */
    private static Optional<Path> hostPath(JobSession session, String path) {
        Optional<Path> inTemp = under(session.temp(), session.hostTemp(), path);
        if (inTemp.isPresent()) {
            return inTemp;
        }
        return session.hostWorkspace().flatMap(ws -> under(session.workspace(), ws, path));
    }

    private static Optional<Path> under(String sessionDir, Path hostDir, String path) {
        Path dir = Path.of(sessionDir).normalize();
        Path p = Path.of(path).normalize();
        if (!p.startsWith(dir)) {
            return Optional.empty();
        }
        return Optional.of(hostDir.resolve(dir.relativize(p).toString()).normalize());
    }
}
