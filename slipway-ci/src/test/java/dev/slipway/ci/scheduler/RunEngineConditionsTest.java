package dev.slipway.ci.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.definition.PipelineParser;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.executor.LocalExecutor;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's scheduling rules for {@code when:}, with real tasks run as processes by the local
 * executor (no Docker needed): who runs after a failure, who is skipped and why, and the run's result.
 */
class RunEngineConditionsTest {
    @TempDir
    Path tmp;

    /** What the engine told its listener. */
    static final class Recorder implements RunEngine.Listener {
        final Map<String, TaskStatus> statuses = new ConcurrentHashMap<>();
        final Map<String, String> reasons = new ConcurrentHashMap<>();
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public Executor.OutputSink output(String task) {
            return new Executor.OutputSink() {
                @Override
                public void stdout(byte[] b, int off, int len) {}

                @Override
                public void stderr(byte[] b, int off, int len) {}
            };
        }

        @Override
        public void system(String task, String line) {
            lines.add(task + ": " + line);
        }

        @Override
        public void status(String task, TaskStatus status, Integer exitCode) {
            if (status.finished()) {
                statuses.put(task, status);
            }
        }

        @Override
        public void skipped(String task, String reason) {
            reasons.put(task, reason);
            RunEngine.Listener.super.skipped(task, reason);
        }
    }

    record Ran(RunEngine.Result result, Recorder recorder) {}

    Ran run(String yaml, RunValues values, Map<String, String> variables) throws Exception {
        Pipeline p = new PipelineParser().parse(".slipway/ci.yml", yaml);
        Path base = Files.createDirectories(tmp.resolve("base"));
        Path runDir = Files.createDirectories(tmp.resolve("run-" + System.nanoTime()));
        RunEngine.Plan plan = new RunEngine.Plan(values.runId(), p, "app", Map.of("app", base), runDir,
                p.tasks().stream().map(Task::name).collect(Collectors.toSet()), variables, values.env(), Map.of(), Map.of(), null);
        Recorder recorder = new Recorder();
        try (LocalExecutor executor = new LocalExecutor()) {
            return new Ran(new RunEngine(executor).run(plan, recorder, new RunEngine.Cancellation()), recorder);
        }
    }

    static RunValues push(String branch) {
        return new RunValues("1", "alice/app", "push", "refs/heads/" + branch, "0123456789abcdef0123456789abcdef01234567");
    }

    /** The marks directory: main line tasks leave a file there when they end; on-failure checks that all did. */
    String pipeline(String testCommand) {
        return """
                variables: { MARKS: "%s" }
                images: { box: local/busybox:1 }
                tasks:
                  test:
                    image: box
                    commands: [ "%s", "touch ${MARKS}/test" ]
                  lint:
                    image: box
                    commands: [ "sleep 0.3", "touch ${MARKS}/lint" ]
                  publish:
                    image: box
                    depends_on: [test]
                    commands: [ "touch ${MARKS}/publish" ]
                  on-failure:
                    image: box
                    when: { status: [failure] }
                    commands: [ "test -e ${MARKS}/lint", "touch ${MARKS}/on-failure" ]
                  always:
                    image: box
                    when: { status: [success, failure] }
                    commands: [ "test -e ${MARKS}/lint", "touch ${MARKS}/always" ]
                """.formatted(tmp.resolve("marks"), testCommand);
    }

    @Test
    void aFailureIsHandledByTheFailureTaskAfterTheWholeMainLineAndTheRunStillFails() throws Exception {
        Files.createDirectories(tmp.resolve("marks"));
        Ran ran = run(pipeline("exit 3"), push("main"), Map.of());

        assertThat(ran.recorder().statuses).containsExactlyInAnyOrderEntriesOf(Map.of("test", TaskStatus.FAILURE, "lint", TaskStatus.SUCCESS,
                "publish", TaskStatus.SKIPPED, "on-failure", TaskStatus.SUCCESS, "always", TaskStatus.SUCCESS));
        assertThat(ran.result().success()).as("a handled failure still fails the run").isFalse();
        assertThat(ran.recorder().reasons).containsExactly(Map.entry("publish", "task 'test' it depends on did not succeed (failure)"));
        assertThat(ran.recorder().lines).contains("publish: skipped: task 'test' it depends on did not succeed (failure)");
        // on-failure and always ran after lint ended (their commands test for its mark, and they succeeded).
        assertThat(tmp.resolve("marks/on-failure")).exists();
        assertThat(tmp.resolve("marks/publish")).doesNotExist();
    }

    @Test
    void withoutAFailureTheFailureTaskIsSkippedAndTheRunSucceeds() throws Exception {
        Files.createDirectories(tmp.resolve("marks"));
        Ran ran = run(pipeline("true"), push("main"), Map.of());

        assertThat(ran.recorder().statuses).containsExactlyInAnyOrderEntriesOf(Map.of("test", TaskStatus.SUCCESS, "lint", TaskStatus.SUCCESS,
                "publish", TaskStatus.SUCCESS, "on-failure", TaskStatus.SKIPPED, "always", TaskStatus.SUCCESS));
        assertThat(ran.result().success()).as("a task skipped by its condition does not fail the run").isTrue();
        assertThat(ran.recorder().reasons).containsExactly(Map.entry("on-failure", "when.status is [failure], and no task before it failed"));
        assertThat(ran.recorder().lines).contains("on-failure: skipped: when.status is [failure], and no task before it failed");
        assertThat(tmp.resolve("marks/always")).exists();
    }

    /**
     * Filters on the run; the dependents of a task its condition skipped are skipped too, unless
     * they run whatever happened before.
     */
    @Test
    void filtersSkipWithTheirReasonAndTheirDependentsFollowGitHubsRule() throws Exception {
        String yaml = """
                variables: { DEPLOY: "false" }
                images: { box: local/busybox:1 }
                tasks:
                  login:
                    image: box
                    when: { event: "!pull_request" }
                    commands: [ "true" ]
                  build:
                    image: box
                    depends_on: [login]
                    commands: [ "true" ]
                  report:
                    image: box
                    depends_on: [login]
                    when: { status: [success, failure] }
                    commands: [ "true" ]
                  deploy:
                    image: box
                    when: { branch: main, variables: { DEPLOY: "true" } }
                    commands: [ "true" ]
                """;
        RunValues pullRequest = new RunValues("2", "alice/app", "pull_request", "refs/pull/7/head", "0123456789abcdef0123456789abcdef01234567",
                null, null, null, new CiStore.PullRequest(7, "feature", "main", false));
        Ran pr = run(yaml, pullRequest, Map.of());
        assertThat(pr.recorder().statuses).containsExactlyInAnyOrderEntriesOf(Map.of("login", TaskStatus.SKIPPED, "build", TaskStatus.SKIPPED,
                "report", TaskStatus.SUCCESS, "deploy", TaskStatus.SKIPPED));
        assertThat(pr.recorder().reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
                "login", "when.event is [!pull_request]; this run's event is pull_request",
                "build", "task 'login' it depends on was skipped",
                "deploy", "when.variables wants DEPLOY to be 'true'; it is 'false'"));
        assertThat(pr.result().success()).isTrue();

        Ran dev = run(yaml, push("dev"), Map.of("DEPLOY", "true"));
        assertThat(dev.recorder().reasons).containsExactly(Map.entry("deploy", "when.branch is [main]; this run's branch is dev"));

        Ran main = run(yaml, push("main"), Map.of("DEPLOY", "true"));
        assertThat(main.recorder().reasons).isEmpty();
        assertThat(main.recorder().statuses.values()).containsOnly(TaskStatus.SUCCESS);
    }
}
