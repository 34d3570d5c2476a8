package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.executor.DockerExecutor;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.InstanceId;
import dev.slipway.ci.executor.LocalExecutor;
import dev.slipway.ci.executor.TaskSpec;
import dev.slipway.ci.model.Task;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Executor.exec: commands run one after another inside a running task (how a GitHub Actions job
 * runs its steps), on the Docker engine and on the local executor alike.
 */
class ExecutorExecIT {
    /** Keeps the task alive until it is stopped, as a job container idles between steps. */
    static final String IDLE = "trap 'exit 0' TERM; while :; do sleep 1; done";

    static final class Collected implements Executor.OutputSink {
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

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    static TaskSpec spec(Path runDir, String task) throws Exception {
        Path base = Files.createDirectories(runDir.resolve("base"));
        Files.writeString(base.resolve("hello.txt"), "hello from the base\n");
        Path dir = runDir.resolve("tasks").resolve(task).resolve("app");
        Files.createDirectories(dir.resolve("upper"));
        Files.createDirectories(dir.resolve("work"));
        return new TaskSpec("exec-" + System.nanoTime(), task, "local/busybox:1", false, IDLE, Map.of("TASK_VAR", "from-the-task"), "/src/app",
                List.of(new TaskSpec.Mount.Overlay(List.of(base), dir.resolve("upper"), dir.resolve("work"), "/src/app")),
                Task.NetworkPolicy.NONE, Task.Resources.NONE, Duration.ofMinutes(5), null);
    }

    static void contract(Executor executor) throws Exception {
        Path runDir = Files.createTempDirectory("slipway-exec-it-");
        TaskSpec spec = spec(runDir, "job");
        Collected main = new Collected();
        Executor.TaskHandle job = executor.start(spec, main);
        try {
            Collected one = new Collected();
            int code = executor.exec(job, List.of("sh", "-c", "echo out $TASK_VAR $STEP_VAR; echo err >&2; cat hello.txt; echo made > step1.txt; mkdir sub; exit 3"),
                    Map.of("STEP_VAR", "from-the-step"), "/src/app", one, Duration.ofMinutes(1));
            assertThat(code).isEqualTo(3);
            assertThat(one.out()).isEqualTo("out from-the-task from-the-step\nhello from the base\n");
            assertThat(one.err()).isEqualTo("err\n");

            // The next command sees the first one's writes and runs in another working directory.
            Collected two = new Collected();
            assertThat(executor.exec(job, List.of("sh", "-c", "cat ../step1.txt; pwd | sed 's|.*/src/|/src/|'; printf '\\377\\376'"), Map.of(),
                    "/src/app/sub", two, Duration.ofMinutes(1))).isZero();
            assertThat(two.out.toByteArray()).isEqualTo("made\n/src/app/sub\n\377\376".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(two.out()).doesNotContain("STEP_VAR");

            // A command past its timeout is stopped and gives -1; the task goes on.
            long started = System.nanoTime();
            Collected slow = new Collected();
            assertThat(executor.exec(job, List.of("sh", "-c", "echo start; sleep 60; echo never"), Map.of(), "/src/app", slow,
                    Duration.ofSeconds(2))).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(50));
            assertThat(slow.out()).isEqualTo("start\n");
            Collected after = new Collected();
            assertThat(executor.exec(job, List.of("sh", "-c", "echo still here"), Map.of(), "/src/app", after, Duration.ofMinutes(1))).isZero();
            assertThat(after.out()).isEqualTo("still here\n");
        } finally {
            executor.stop(job);
            executor.await(job, Duration.ofSeconds(30));
            executor.remove(job);
        }
    }

    @Test
    void dockerRunsCommandsInsideARunningContainer() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        try (DockerExecutor docker = new DockerExecutor(InstanceId.random(), "off")) {
            docker.ping();
            contract(docker);
        }
    }

    @Test
    void theLocalExecutorRunsThemInTheTaskRoot() throws Exception {
        try (LocalExecutor local = new LocalExecutor()) {
            contract(local);
        }
    }
}
