package dev.slipway.server.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs real external clients (docker, skopeo, git, sshd). Outside CI a missing tool skips the test; under
 * {@code CI=true} it fails it, so a broken test machine never passes quietly.
 */
public final class Tools {
    private Tools() {}

    public record Result(int exit, String out, String err) {
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError("command failed (" + exit + "):\n" + out + "\n" + err);
            }
            return this;
        }
    }

    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Requires a tool (and, for docker, a reachable engine). */
    public static void require(String tool) {
        boolean present;
        try {
            present = tool.equals("docker") ? run(Map.of(), null, "docker", "info").exit() == 0
                    : run(Map.of(), null, tool, "--version").exit() == 0;
        } catch (RuntimeException e) {
            present = false;
        }
        if (!present) {
            missing(tool);
        }
    }

    /** Requires an executable file, such as /usr/sbin/sshd, that Debian's {@code pkg} installs. */
    public static void requireExecutable(Path file, String pkg) {
        if (!java.nio.file.Files.isExecutable(file)) {
            missing(file + " (Debian package " + pkg + ")");
        }
    }

    private static void missing(String what) {
        if (ci()) {
            throw new AssertionError(what + " is required under CI=true but is not available (./scripts/test installs and starts it)");
        }
        assumeTrue(false, what + " not available; run ./scripts/test");
    }

    public static Result run(Map<String, String> env, Path dir, String... command) {
        return runWithInput(env, dir, null, command);
    }

    /** Runs with {@code stdin} (may be null) as standard input. */
    public static Result runWithInput(Map<String, String> env, Path dir, String stdin, String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(command));
            pb.environment().putAll(env);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            var out = new java.io.ByteArrayOutputStream();
            var err = new java.io.ByteArrayOutputStream();
            Thread t1 = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
            Thread t2 = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            t1.join();
            t2.join();
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copy(java.io.InputStream in, java.io.OutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // process ended
        }
    }

    /** A loopback port that was free a moment ago, for a server about to start. */
    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e.getMessage(), e);
        }
    }

    /** Stops a process this test started (SIGTERM) and waits for it; null or finished ones are left alone. */
    public static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            p.waitFor();
        }
    }

    /** Deletes a directory and everything below it, best effort. */
    public static void deleteTree(Path dir) {
        try (var s = java.nio.file.Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    public static List<String> args(String... a) {
        return new ArrayList<>(List.of(a));
    }
}
