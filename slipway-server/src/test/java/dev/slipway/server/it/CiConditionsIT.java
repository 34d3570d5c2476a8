package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tasks' {@code when:} end to end: real runs on the shared Docker engine, started through the API,
 * read back as the API shows them (each skipped task's reason, the run's result, the task logs).
 */
class CiConditionsIT {
    /** Issue 10's acceptance example, with a plain command task where it publishes an image (and RESULT to fail test). */
    static final String RELEASE = """
            on:
              push: { branches: [main] }
            version:
              rules: conventional
              tag: true
            variables: { RESULT: "0" }
            images:
              box: local/busybox:1
            tasks:
              test:
                image: box
                commands: [ "echo testing $SLIPWAY_VERSION", "exit ${RESULT}" ]
              publish:
                depends_on: [test]
                image: box
                commands: [ "echo publishing" ]
              on-failure:
                image: box
                when: { status: [failure] }
                commands: [ "echo something failed" ]
              always:
                image: box
                when: { status: [success, failure] }
                commands: [ "echo cleaning up" ]
            """;
    static final String FILTERS = """
            variables: { DEPLOY: "false" }
            images: { box: local/busybox:1 }
            tasks:
              login:
                image: box
                when: { event: "!pull_request" }
                commands: [ "echo logging in" ]
              nightly:
                image: box
                when: { event: cron }
                commands: [ "echo nightly" ]
              build:
                image: box
                depends_on: [nightly]
                commands: [ "echo built" ]
              deploy:
                image: box
                depends_on: [login]
                when: { branch: main, variables: { DEPLOY: "true" } }
                commands: [ "echo deploying" ]
              release:
                image: box
                when: { tag: "v*" }
                commands: [ "echo releasing" ]
            """;

    static TestServer server;
    static CiClient ci;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        ci = new CiClient(Http.token(server.baseUrl(), server.token("alice", "write:repository")), "alice");
        Path repo = GitRepos.create(Map.of(".slipway/release.yml", RELEASE, ".slipway/filters.yml", FILTERS));
        GitRepos.git(repo, "branch", "dev");
        GitRepos.git(repo, "tag", "v1.0.0");
        ci.register("app", repo);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static String status(JsonNode run, String task) {
        return CiClient.tasks(run).get(task).get("status").asText();
    }

    static JsonNode reason(JsonNode run, String task) {
        return CiClient.tasks(run).get(task).get("reason");
    }

    @Test
    void whenTestFailsOnFailureRunsAfterItAndTheRunIsAFailure() throws Exception {
        JsonNode run = ci.run("app", "{\"pipeline\": \"release\", \"variables\": {\"RESULT\": \"1\"}}");

        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("failure");
        assertThat(run.get("status_message").asText()).isEqualTo("task test (failure) did not succeed; see the task log");
        assertThat(status(run, "test")).isEqualTo("failure");
        assertThat(status(run, "publish")).isEqualTo("skipped");
        assertThat(reason(run, "publish").asText()).isEqualTo("task 'test' it depends on did not succeed (failure)");
        assertThat(status(run, "on-failure")).isEqualTo("success");
        assertThat(reason(run, "on-failure").isNull()).isTrue();
        assertThat(ci.log(run, "on-failure")).contains("something failed");
        assertThat(ci.log(run, "test")).as("the repository's commit is tagged v1.0.0").contains("testing v1.0.0");
        assertThat(run.get("version").get("pushed").asBoolean()).as("a run that fails pushes no tag").isFalse();
        assertThat(status(run, "always")).isEqualTo("success");
        assertThat(ci.log(run, "publish")).contains("skipped: task 'test' it depends on did not succeed (failure)");
    }

    @Test
    void whenNothingFailsOnFailureIsSkippedWithItsReasonAndTheRunSucceeds() throws Exception {
        JsonNode run = ci.run("app", "{\"pipeline\": \"release\"}");

        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("success");
        assertThat(status(run, "publish")).isEqualTo("success");
        assertThat(status(run, "on-failure")).isEqualTo("skipped");
        assertThat(reason(run, "on-failure").asText()).isEqualTo("when.status is [failure], and no task before it failed");
        assertThat(ci.log(run, "on-failure")).contains("skipped: when.status is [failure], and no task before it failed");
        assertThat(status(run, "always")).isEqualTo("success");
        assertThat(ci.log(run, "always")).contains("cleaning up");
    }

    @Test
    void eventBranchTagAndVariableConditionsSkipWithTheirReasons() throws Exception {
        JsonNode plain = ci.run("app", "{\"pipeline\": \"filters\", \"ref\": \"main\"}");
        assertThat(plain.get("status").asText()).as(plain.toString()).isEqualTo("success");
        assertThat(status(plain, "login")).isEqualTo("success");
        assertThat(reason(plain, "nightly").asText()).isEqualTo("when.event is [cron]; this run's event is api");
        assertThat(reason(plain, "build").asText()).isEqualTo("task 'nightly' it depends on was skipped");
        assertThat(reason(plain, "deploy").asText()).isEqualTo("when.variables wants DEPLOY to be 'true'; it is 'false'");
        assertThat(reason(plain, "release").asText()).isEqualTo("when.tag is [v*]; this run is not for a tag");
        assertThat(ci.log(plain, "deploy")).contains("skipped: when.variables wants DEPLOY to be 'true'; it is 'false'");

        JsonNode deploying = ci.run("app", "{\"pipeline\": \"filters\", \"ref\": \"main\", \"variables\": {\"DEPLOY\": \"true\"}}");
        assertThat(status(deploying, "deploy")).isEqualTo("success");
        assertThat(reason(deploying, "deploy").isNull()).isTrue();
        assertThat(ci.log(deploying, "deploy")).contains("deploying");

        JsonNode dev = ci.run("app", "{\"pipeline\": \"filters\", \"ref\": \"dev\", \"variables\": {\"DEPLOY\": \"true\"}}");
        assertThat(reason(dev, "deploy").asText()).isEqualTo("when.branch is [main]; this run's branch is dev");

        JsonNode tag = ci.run("app", "{\"pipeline\": \"filters\", \"ref\": \"v1.0.0\"}");
        assertThat(status(tag, "release")).isEqualTo("success");
        assertThat(reason(tag, "deploy").asText()).isEqualTo("when.branch is [main]; this run is not on a branch");
    }

    /**
     * A retry of the failed task reruns what waits for it, on-failure included, which its success
     * now skips; the run succeeds. (A cache keeps the first attempt's mark for the second.)
     */
    @Test
    void aRetryThatSucceedsReevaluatesTheFailureTask() throws Exception {
        Path repo = GitRepos.create(Map.of(".slipway/ci.yml", """
                images: { box: local/busybox:1 }
                tasks:
                  flaky:
                    image: box
                    caches: [ { name: marks, path: /marks } ]
                    commands: [ "test -f /marks/tried || { touch /marks/tried; exit 1; }" ]
                  on-failure:
                    image: box
                    when: { status: [failure] }
                    commands: [ "echo handled" ]
                """));
        ci.register("retried", repo);
        JsonNode failed = ci.run("retried", "{}");
        assertThat(failed.get("status").asText()).isEqualTo("failure");
        assertThat(status(failed, "on-failure")).isEqualTo("success");

        long id = failed.get("id").asLong();
        assertThat(ci.http().post("/api/v1/runs/" + id + "/tasks/flaky/retry", "application/json", new byte[0]).statusCode()).isEqualTo(202);
        JsonNode again = ci.await(id);
        assertThat(again.get("status").asText()).as(again.toString()).isEqualTo("success");
        assertThat(CiClient.tasks(again).get("flaky").get("attempt").asInt()).isEqualTo(2);
        assertThat(status(again, "on-failure")).isEqualTo("skipped");
        assertThat(reason(again, "on-failure").asText()).isEqualTo("when.status is [failure], and no task before it failed");
    }
}
