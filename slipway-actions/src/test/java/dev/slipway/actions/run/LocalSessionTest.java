package dev.slipway.actions.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.ci.executor.Executor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local job session: real processes on this machine. */
class LocalSessionTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Executor.OutputSink sink = new Executor.OutputSink() {
        @Override
        public synchronized void stdout(byte[] bytes, int off, int len) {
            out.write(bytes, off, len);
        }

        @Override
        public synchronized void stderr(byte[] bytes, int off, int len) {
            err.write(bytes, off, len);
        }
    };

    private LocalSession session() throws IOException {
        return LocalSession.in(dir);
    }

    @Test
    void runsAProcessInTheWorkdirWithTheGivenEnvAndOnlyTheInheritedVariablesOfThisMachine() throws Exception {
        LocalSession s = session();
        Files.createDirectories(Path.of(s.workspace(), "sub"));
        int code = s.exec(List.of("env"), Map.of("FOO", "bar baz"), s.workspace() + "/sub", sink, Duration.ofMinutes(1));
        assertThat(code).isZero();
        Set<String> names = Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n"))
                .map(l -> l.substring(0, l.indexOf('='))).collect(Collectors.toSet());
        Set<String> allowed = new HashSet<>(LocalSession.INHERITED);
        allowed.addAll(List.of("FOO", "PWD"));
        assertThat(names).contains("FOO", "PATH").isSubsetOf(allowed);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("FOO=bar baz\n");

        out.reset();
        assertThat(s.exec(List.of("sh", "-c", "pwd; echo oops >&2; exit 7"), Map.of(), s.workspace() + "/sub", sink, Duration.ofMinutes(1)))
                .isEqualTo(7);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(s.workspace() + "/sub\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("oops\n");
    }

    @Test
    void theExecutableIsFoundOnTheGivenPathAndAMissingOneIs127() throws Exception {
        LocalSession s = session();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = bin.resolve("my-tool");
        Files.writeString(tool, "#!/bin/sh\necho tool ran\n");
        tool.toFile().setExecutable(true);
        assertThat(s.exec(List.of("my-tool"), Map.of("PATH", bin + ":" + s.path()), s.workspace(), sink, Duration.ofMinutes(1))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("tool ran\n");
        assertThat(s.exec(List.of("my-tool"), Map.of(), s.workspace(), sink, Duration.ofMinutes(1))).isEqualTo(127);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("my-tool: executable file not found in $PATH");
    }

    @Test
    void aMissingWorkingDirectoryIsAnErrorThatNamesIt() throws Exception {
        LocalSession s = session();
        assertThatThrownBy(() -> s.exec(List.of("true"), Map.of(), s.workspace() + "/nope", sink, Duration.ofMinutes(1)))
                .isInstanceOf(IOException.class).hasMessageContaining(s.workspace() + "/nope");
    }

    @Test
    void whenTheTimeoutPassesTheProcessAndItsChildrenAreStopped() throws Exception {
        LocalSession s = session();
        Path pid = dir.resolve("child.pid");
        int code = s.exec(List.of("sh", "-c", "sleep 60 & echo $! > " + pid + "; wait"), Map.of(), s.workspace(), sink, Duration.ofMillis(500));
        assertThat(code).isEqualTo(-1);
        long child = Long.parseLong(Files.readString(pid).trim());
        assertThat(gone(child)).as("the child sleep was stopped").isTrue();
    }

    /** Whether the process ends within ten seconds (a killed process may linger as a zombie until it is reaped). */
    private static boolean gone(long pid) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    @Test
    void anInterruptStopsTheProcessAndThrows() throws Exception {
        LocalSession s = session();
        Path started = dir.resolve("started");
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                result.complete(s.exec(List.of("sh", "-c", "touch " + started + "; exec sleep 60"), Map.of(), s.workspace(), sink,
                        Duration.ofMinutes(5)));
            } catch (Exception e) {
                result.complete(e);
            }
        });
        while (!Files.exists(started)) {
            Thread.sleep(10);
        }
        t.interrupt();
        assertThat(result.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void aBackgroundProcessThatKeepsTheOutputOpenDoesNotHoldTheStep() throws ExecutionException, InterruptedException, IOException {
        LocalSession s = session();
        Path pid = dir.resolve("bg.pid");
        int code = s.exec(List.of("sh", "-c", "echo start; sleep 60 & echo $! > " + pid), Map.of(), s.workspace(), sink, Duration.ofMinutes(5));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("start\n");
        ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroyForcibly);
    }
}
