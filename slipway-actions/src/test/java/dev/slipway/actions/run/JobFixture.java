package dev.slipway.actions.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A job run on a LocalSession in a temp directory, with a recording log: what the runtime tests share. */
final class JobFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    static final String TOKEN = "job-token-5f3a9c";

    final Path dir;
    final LocalSession session;
    final RecordingLog log = new RecordingLog();
    RunInfo run;
    RunnerInfo runner;
    JobRuntime runtime;

    JobFixture(Path dir) throws IOException {
        this.dir = dir;
        this.session = LocalSession.in(dir);
        JsonNode event = json("{\"head_commit\": {\"message\": \"Fix the build\"}, \"ref\": \"refs/heads/main\"}");
        this.run = RunInfo.builder().serverUrl("http://forge.test:3000/").repository("alice/app").sha(SHA).ref("refs/heads/main")
                .event("push", event).runId("42").runNumber(7).actor("alice").workflow("build").token(TOKEN).build();
        this.runner = RunnerInfo.linux("slipway-test", dir.resolve("tool-cache").toString());
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    Path workspace() {
        return Path.of(session.workspace());
    }

    static Job job(Steps.Builder... steps) {
        return Job.of("build", Arrays.stream(steps).map(Steps.Builder::build).toList());
    }

    JobResult run(Job job) {
        return run(job, JobContexts.EMPTY, ActionRunner.none());
    }

    JobResult run(Job job, JobContexts contexts) {
        return run(job, contexts, ActionRunner.none());
    }

    JobResult run(Job job, JobContexts contexts, ActionRunner actions) {
        runtime = new JobRuntime(session, log, actions);
        return runtime.run(job, run, runner, contexts);
    }

    /** Starts the job on another thread (for cancelling it). */
    CompletableFuture<JobResult> start(Job job, JobContexts contexts, ActionRunner actions) {
        runtime = new JobRuntime(session, log, actions);
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(runtime.run(job, run, runner, contexts));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    static List<String> names(JobResult r) {
        return r.steps().stream().map(StepResult::name).toList();
    }
}
