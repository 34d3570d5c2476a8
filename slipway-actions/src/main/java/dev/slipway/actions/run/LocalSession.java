package dev.slipway.actions.run;

import dev.slipway.ci.executor.Executor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A job session of plain processes on this machine, in a directory: for the local executor and
 * for tests. NOT ISOLATED, like the local executor: steps run as Slipway's user. Session paths are
 * this machine's paths. Each process gets the few variables of Slipway's own environment that a
 * local task inherits (PATH, HOME, USER, LOGNAME, LANG, LC_ALL, TMPDIR, TZ) under the step's env.
 */
public final class LocalSession implements JobSession {
    /** The only variables of Slipway's environment a step inherits (the local executor's list). */
    static final List<String> INHERITED = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "TZ");
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** After the process exits, how long its output may still take to drain (a background child may hold the pipe open). */
    private static final Duration DRAIN = Duration.ofSeconds(2);

    private final Path workspace;
    private final Path temp;

    public LocalSession(Path workspace, Path temp) throws IOException {
        this.workspace = Files.createDirectories(workspace).toAbsolutePath().normalize();
        this.temp = Files.createDirectories(temp).toAbsolutePath().normalize();
    }

    /** A session in {@code root}: {@code root/workspace} and {@code root/temp}. */
    public static LocalSession in(Path root) throws IOException {
        return new LocalSession(root.resolve("workspace"), root.resolve("temp"));
    }

    @Override
    public String temp() {
        return temp.toString();
    }

    @Override
    public Path hostTemp() {
        return temp;
    }

    @Override
    public String workspace() {
        return workspace.toString();
    }

    @Override
    public Optional<Path> hostWorkspace() {
        return Optional.of(workspace);
    }

    @Override
    public String path() {
        String path = System.getenv("PATH");
        return path == null || path.isEmpty() ? DEFAULT_PATH : path;
    }

    @Override
    public byte[] readFile(String path) throws IOException {
        return Files.readAllBytes(Path.of(path));
    }

    @Override
    public int exec(List<String> argv, Map<String, String> env, String workdir, Executor.OutputSink out, Duration timeout)
            throws IOException, InterruptedException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("nothing to run: argv is empty");
        }
        Map<String, String> full = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (INHERITED.contains(k)) {
                full.put(k, v);
            }
        });
        full.putAll(env);
        full.putIfAbsent("PATH", path());
        String executable = resolve(argv.getFirst(), full.get("PATH"));
        if (executable == null) {
            byte[] message = (argv.getFirst() + ": executable file not found in $PATH\n").getBytes(StandardCharsets.UTF_8);
            out.stderr(message, 0, message.length);
            return 127;
        }
        File dir = new File(workdir);
        if (!dir.isDirectory()) {
            throw new IOException("the working directory " + workdir + " does not exist");
        }
        List<String> command = new ArrayList<>(argv);
        command.set(0, executable);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir);
        pb.environment().clear();
        pb.environment().putAll(full);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            byte[] message = (argv.getFirst() + ": cannot run: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
            out.stderr(message, 0, message.length);
            return 127;
        }
        p.getOutputStream().close(); // steps get no stdin
        AtomicBoolean open = new AtomicBoolean(true);
        Thread stdout = Thread.ofVirtual().start(() -> pump(p.getInputStream(), out, false, open));
        Thread stderr = Thread.ofVirtual().start(() -> pump(p.getErrorStream(), out, true, open));
        boolean finished;
        try {
            finished = p.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            drain(stdout, stderr, open);
            throw e;
        }
        if (!finished) {
            kill(p);
            drain(stdout, stderr, open);
            return -1;
        }
        drain(stdout, stderr, open);
        return p.exitValue();
    }

    /** argv[0] as a path: itself when it has a slash, else the first executable of that name on PATH. */
    private String resolve(String name, String path) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            if (!p.isAbsolute()) {
                return name; // relative to the working directory, as a shell would run it
            }
            return Files.isExecutable(p) ? name : null;
        }
        for (String dir : (path == null ? "" : path).split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir).resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static void pump(InputStream in, Executor.OutputSink out, boolean stderr, AtomicBoolean open) {
        byte[] buf = new byte[64 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (!open.get()) {
                    continue; // the step is over; a leftover background process's output is dropped
                }
                if (stderr) {
                    out.stderr(buf, 0, n);
                } else {
                    out.stdout(buf, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** Waits for the output to end; a background child that keeps the pipe open gets DRAIN, then its output is dropped. */
    private static void drain(Thread stdout, Thread stderr, AtomicBoolean open) {
        boolean interrupted = false;
        long until = System.nanoTime() + DRAIN.toNanos();
        for (Thread t : List.of(stdout, stderr)) {
            while (t.isAlive()) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    t.join(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        open.set(false);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
