package dev.slipway.ci.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.definition.PipelineParser;
import dev.slipway.ci.executor.LocalExecutor;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detached tasks ({@link ContainerOptions#detachedUntil()}, Woodpecker's services and detached
 * steps), run as processes by the local executor: dependents start while they run, and they are
 * stopped once the tasks they serve have ended.
 */
class RunEngineDetachedTest {
    @TempDir
    Path tmp;

    RunEngineConditionsTest.Recorder recorder;

    RunEngine.Result run(String yaml, Map<String, ContainerOptions> containers, Set<String> tasks) throws Exception {
        Pipeline p = new PipelineParser().parse(".slipway/ci.yml", yaml.formatted(tmp));
        Path base = Files.createDirectories(tmp.resolve("base"));
        Path runDir = Files.createDirectories(tmp.resolve("run-" + System.nanoTime()));
        RunValues values = new RunValues("1", "alice/app", "push", "refs/heads/main", "0123456789abcdef0123456789abcdef01234567");
        Set<String> toRun = tasks != null ? tasks : p.tasks().stream().map(Task::name).collect(Collectors.toSet());
        RunEngine.Plan plan = new RunEngine.Plan(values.runId(), p, "app", Map.of("app", base), runDir, toRun, Map.of(), values.env(),
                Map.of(), Map.of(), null).withContainers(containers);
        recorder = new RunEngineConditionsTest.Recorder();
        try (LocalExecutor executor = new LocalExecutor()) {
            return new RunEngine(executor).run(plan, recorder, new RunEngine.Cancellation());
        }
    }

    static final String PIPELINE = """
            images: { box: local/busybox:1 }
            tasks:
              server:
                image: box
                commands: [ "touch %1$s/started", "sleep 60" ]
              client:
                image: box
                depends_on: [server]
                commands: [ "sleep 0.2", "test -e %1$s/started", "touch %1$s/client" ]
              after:
                image: box
                depends_on: [client]
                commands: [ "touch %1$s/after" ]
            """;

    static ContainerOptions detachedUntil(String... tasks) {
        return new ContainerOptions(null, List.of(), Set.of(tasks), false, null);
    }

    @Test
    void dependentsStartWhileItRunsAndItIsStoppedOnceTheyHaveEnded() throws Exception {
        long started = System.nanoTime();
        RunEngine.Result r = run(PIPELINE, Map.of("server", detachedUntil("client", "after")), null);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(30));
        assertThat(r.statuses()).containsExactlyInAnyOrderEntriesOf(Map.of("server", TaskStatus.SUCCESS, "client", TaskStatus.SUCCESS,
                "after", TaskStatus.SUCCESS));
        assertThat(recorder.statuses).containsEntry("server", TaskStatus.SUCCESS);
        assertThat(recorder.lines).contains("server: stopping the detached container: the steps it served have ended");
        assertThat(tmp.resolve("after")).exists();
        assertThat(r.success()).isTrue();
    }

    @Test
    void oneThatExitsWithAnErrorByItselfFailsTheRunUnlessItsFailureIsIgnored() throws Exception {
        String crashing = PIPELINE.replace("\"sleep 60\"", "\"exit 3\"");
        RunEngine.Result r = run(crashing, Map.of("server", detachedUntil("client", "after")), null);
        assertThat(r.statuses()).containsEntry("server", TaskStatus.FAILURE).containsEntry("after", TaskStatus.SUCCESS);
        assertThat(r.success()).isFalse();
        assertThat(recorder.lines).anySatisfy(l -> assertThat(l).startsWith("server: the detached container exited with code 3"));

        RunEngine.Result ignored = run(crashing, Map.of("server", new ContainerOptions(null, List.of(), Set.of("client", "after"), true, null)),
                null);
        assertThat(ignored.statuses()).containsEntry("server", TaskStatus.SUCCESS);
        assertThat(ignored.success()).isTrue();
    }

    @Test
    void aRetryOfATaskItServesStartsItAgain() throws Exception {
        RunEngine.Result r = run(PIPELINE, Map.of("server", detachedUntil("client", "after")), Set.of("client", "after"));
        assertThat(recorder.statuses).containsEntry("server", TaskStatus.SUCCESS).containsEntry("client", TaskStatus.SUCCESS);
        assertThat(r.success()).isTrue();
    }

    @Test
    void anEmptyCheckoutHasNothingOfTheRepositoryAndTheStatusVariableTellsOfFailures() throws Exception {
        Files.createDirectories(tmp.resolve("base"));
        Files.writeString(tmp.resolve("base/README.md"), "readme");
        String yaml = """
                images: { box: local/busybox:1 }
                tasks:
                  bare:
                    image: box
                    commands: [ "test ! -e README.md", "echo \\"$S\\" > %1$s/bare-status" ]
                  full:
                    image: box
                    commands: [ "test -e README.md", "exit 3" ]
                  after:
                    image: box
                    depends_on: [full]
                    when: { status: [failure] }
                    commands: [ "echo \\"$S\\" > %1$s/after-status" ]
                """;
        ContainerOptions status = new ContainerOptions(null, List.of(), null, false, null, null, null, false, "S");
        RunEngine.Result r = run(yaml, Map.of("bare", new ContainerOptions(null, List.of(), null, false, null, null, null, true, "S"),
                "full", status, "after", status), null);
        assertThat(r.statuses()).containsEntry("bare", TaskStatus.SUCCESS).containsEntry("full", TaskStatus.FAILURE)
                .containsEntry("after", TaskStatus.SUCCESS);
        assertThat(Files.readString(tmp.resolve("after-status")).strip()).isEqualTo("failure");
    }
}
