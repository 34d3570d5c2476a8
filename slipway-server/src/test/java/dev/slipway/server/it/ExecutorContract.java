package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.model.Task;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Executor} contract, as {@code BlobStoreContract} is the registry's storage contract:
 * every executor (Docker, local, a remote runner behind the server's {@code RunnerExecutor}) runs
 * it through a subclass that supplies the executor, a run to put tasks in and what the executor
 * could leave behind. {@link #leftovers} must be empty after every case: no container, volume,
 * directory or process of the run once its tasks were removed.
 *
 * <p>A case that does not apply to an executor is not skipped silently: the subclass says so by
 * overriding the hook that case asks (e.g. {@link #streamsKeptApart}).
 */
public abstract class ExecutorContract {
    /** 1.5 MiB of every byte value, in the workspace: more than one piece of a runner's log appends. */
    static final byte[] BLOB = TestImages.randomBytes(1_572_864, 14);

    protected Executor executor;
    protected String runId;
    protected Path runDir;
    private final String prefix = "c" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    private final int sleepSeconds = 6000 + ThreadLocalRandom.current().nextInt(999); // a process of this test is known by it

    /** The executor under test; shared by the cases of a class (the subclass closes it). */
    protected abstract Executor executor() throws Exception;

    /** A new run's id: the run the cases' tasks belong to. */
    protected abstract String newRun() throws Exception;

    /** The spec as this executor is given it (a remote runner's tasks ask for its labels with runs_on). */
    protected TaskSpec forThisExecutor(TaskSpec spec) {
        return spec;
    }

    /**
     * What the executor left of run {@code runId} in the world (containers, volumes, directories,
     * leases), each described; empty when nothing is left. Asked again for a few seconds, since a
     * remote runner cleans up after it reported the end.
     */
    protected abstract List<String> leftovers(String runId) throws Exception;

    /**
     * A handle of a task of this run that this executor never started (for a runner: one no runner
     * has taken yet), for the case that removes it.
     */
    protected abstract Executor.TaskHandle neverStarted(TaskSpec spec) throws Exception;

    /** Whether stdout and stderr reach the sink apart; when not, the subclass says why. */
    protected boolean streamsKeptApart() {
        return true;
    }

    /** Lines the executor itself writes to the task's stderr (a runner's "[slipway] ..." notes), not the task's. */
    protected boolean ownNote(String line) {
        return false;
    }

    @BeforeEach
    void newRunForEachCase() throws Exception {
        executor = executor();
        runId = newRun();
        runDir = Files.createTempDirectory("slipway-contract-");
        Path base = Files.createDirectories(runDir.resolve("base"));
        Files.writeString(base.resolve("hello.txt"), "hello from the base\n");
        Files.write(base.resolve("blob.bin"), BLOB);
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        try {
            List<String> left = leftovers(runId);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                left = leftovers(runId);
            }
            assertThat(left).as("what the executor left of run " + runId).isEmpty();
            assertThat(processes()).as("processes of run " + runId).isEmpty();
            assertThat(executor.keptRuns()).as("runs the executor says it keeps something of").doesNotContain(runId);
            try (var s = Files.walk(runDir)) { // the executor's own directories (a local task root) are gone with its tasks
                assertThat(s.filter(p -> p.getFileName().toString().equals("local-root")).toList()).isEmpty();
            }
        } finally {
            Tools.deleteTree(runDir);
        }
    }

    /** Processes (on this machine, including containers') of this test's tasks: they sleep a number of seconds no other does. */
    private List<String> processes() {
        Predicate<String> ours = cmd -> cmd.contains("sleep " + sleepSeconds);
        return ProcessHandle.allProcesses().map(p -> {
            try {
                return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")), StandardCharsets.UTF_8)
                        .replace('\0', ' ');
            } catch (java.io.IOException | RuntimeException e) {
                return "";
            }
        }).filter(ours).toList();
    }

    /** A task of this case's run whose workspace is the base (an overlay at /src/app, its working directory). */
    protected TaskSpec spec(String task, String script, Duration timeout) throws Exception {
        String name = prefix + "-" + task;
        Path dir = runDir.resolve("tasks").resolve(name).resolve("app");
        Files.createDirectories(dir.resolve("upper"));
        Files.createDirectories(dir.resolve("work"));
        return forThisExecutor(new TaskSpec(runId, name, "local/busybox:1", false, script, Map.of("CONTRACT", "yes"), "/src/app",
                List.of(new TaskSpec.Mount.Overlay(List.of(runDir.resolve("base")), dir.resolve("upper"), dir.resolve("work"), "/src/app")),
                Task.NetworkPolicy.NONE, Task.Resources.NONE, timeout, null));
    }

    /** Output as the sink got it, byte for byte. */
    protected static final class Collected implements Executor.OutputSink {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        @Override
        public synchronized void stdout(byte[] b, int off, int len) {
            out.write(b, off, len);
        }

        @Override
        public synchronized void stderr(byte[] b, int off, int len) {
            err.write(b, off, len);
        }

        synchronized byte[] stdout() {
            return out.toByteArray();
        }

        synchronized String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }

        String out() {
            return new String(stdout(), StandardCharsets.UTF_8);
        }

        String err() {
            return stderr();
        }
    }

    private Executor.TaskHandle start(TaskSpec spec, Collected sink) throws Exception {
        return executor.start(spec, sink);
    }

    /** The task's own stderr: the executor's notes taken out. */
    private String taskStderr(Collected c) {
        return c.stderr().lines().filter(l -> !ownNote(l)).map(l -> l + "\n").reduce("", String::concat);
    }

    private void awaitOutput(Collected c, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!new String(c.stdout(), StandardCharsets.ISO_8859_1).contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(new String(c.stdout(), StandardCharsets.ISO_8859_1)).contains(text);
    }

    @Test
    void aTaskRunsToItsExitCodeAndIsRemoved() throws Exception {
        Collected ok = new Collected();
        Executor.TaskHandle good = start(spec("good", "test \"$CONTRACT\" = yes && test -f hello.txt && echo fine", Duration.ofMinutes(2)), ok);
        Collected bad = new Collected();
        Executor.TaskHandle failing = start(spec("bad", "echo failing; exit 3", Duration.ofMinutes(2)), bad);

        Executor.Exit exit = executor.await(good, good.spec().timeout());
        assertThat(exit).isEqualTo(new Executor.Exit(0, false, false));
        assertThat(exit.success()).isTrue();
        assertThat(new String(ok.stdout(), StandardCharsets.UTF_8)).isEqualTo("fine\n");
        Executor.Exit failed = executor.await(failing, failing.spec().timeout());
        assertThat(failed).isEqualTo(new Executor.Exit(3, false, false));
        assertThat(failed.success()).isFalse();

        executor.remove(good);
        executor.remove(failing);
    }

    @Test
    void outputReachesTheSinkByteForByte() throws Exception {
        Collected c = new Collected();
        Executor.TaskHandle h = start(spec("bytes", "printf 'a\\377b\\r\\n'; cat blob.bin; cat hello.txt", Duration.ofMinutes(2)), c);
        assertThat(executor.await(h, h.spec().timeout()).success()).isTrue();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(new byte[] {'a', (byte) 0xff, 'b', '\r', '\n'});
        expected.write(BLOB);
        expected.write("hello from the base\n".getBytes(StandardCharsets.UTF_8));
        byte[] got = c.stdout();
        assertThat(got.length).isEqualTo(expected.size());
        assertThat(got).isEqualTo(expected.toByteArray());
        assertThat(taskStderr(c)).isEmpty();

        Collected err = new Collected();
        Executor.TaskHandle e = start(spec("stderr", "printf 'to stderr \\376\\n' >&2", Duration.ofMinutes(2)), err);
        assertThat(executor.await(e, e.spec().timeout()).success()).isTrue();
        byte[] line = "to stderr \376\n".getBytes(StandardCharsets.ISO_8859_1);
        if (streamsKeptApart()) {
            assertThat(err.err.toByteArray()).isEqualTo(line);
            assertThat(err.stdout()).isEmpty();
        } else { // the subclass says why: the task's stderr arrives with its stdout
            assertThat(err.stdout()).isEqualTo(line);
            assertThat(taskStderr(err)).isEmpty();
        }
        executor.remove(h);
        executor.remove(e);
    }

    @Test
    void stopEndsARunningTask() throws Exception {
        Collected c = new Collected();
        Executor.TaskHandle h = start(spec("stopped", "echo started; sleep " + sleepSeconds + "; echo never", Duration.ofMinutes(5)), c);
        awaitOutput(c, "started\n");
        executor.stop(h);
        Executor.Exit exit = executor.await(h, h.spec().timeout());
        assertThat(exit).isEqualTo(new Executor.Exit(-1, false, true));
        assertThat(new String(c.stdout(), StandardCharsets.UTF_8)).isEqualTo("started\n");
        executor.stop(h); // a second stop of an ended task is harmless
        executor.remove(h);
    }

    @Test
    void aTaskPastItsTimeoutIsStoppedAndSaysSo() throws Exception {
        Collected c = new Collected();
        Executor.TaskHandle h = start(spec("slow", "echo begun; sleep " + sleepSeconds + "; echo never", Duration.ofSeconds(2)), c);
        Executor.Exit exit = executor.await(h, h.spec().timeout());
        assertThat(exit).isEqualTo(new Executor.Exit(-1, true, false));
        assertThat(new String(c.stdout(), StandardCharsets.UTF_8)).isEqualTo("begun\n");
        executor.remove(h);
    }

    @Test
    void removeTwiceAndRemoveOfATaskThatNeverStarted() throws Exception {
        Collected c = new Collected();
        Executor.TaskHandle h = start(spec("twice", "echo once", Duration.ofMinutes(2)), c);
        assertThat(executor.await(h, h.spec().timeout()).success()).isTrue();
        executor.remove(h);
        assertThatCode(() -> executor.remove(h)).doesNotThrowAnyException();

        Executor.TaskHandle never = neverStarted(spec("never", "echo never", Duration.ofMinutes(2)));
        assertThatCode(() -> executor.remove(never)).doesNotThrowAnyException();
        assertThatCode(() -> executor.remove(never)).doesNotThrowAnyException();
    }

    @Test
    void removeRunRemovesEveryTaskOfTheRun() throws Exception {
        Collected one = new Collected();
        Executor.TaskHandle a = start(spec("one", "echo one > written.txt; echo one", Duration.ofMinutes(2)), one);
        Collected two = new Collected();
        Executor.TaskHandle b = start(spec("two", "echo two; exit 1", Duration.ofMinutes(2)), two);
        assertThat(executor.await(a, a.spec().timeout()).code()).isZero();
        assertThat(executor.await(b, b.spec().timeout()).code()).isEqualTo(1);
        // Neither task is removed on its own: the run goes as a whole (eviction), twice without harm.
        executor.removeRun(runId);
        executor.removeRun(runId);
    }
}
