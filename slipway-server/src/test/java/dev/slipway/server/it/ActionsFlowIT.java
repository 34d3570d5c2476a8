package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How workflows flow (issue 11): {@code concurrency} groups across runs (cancel-in-progress, one
 * pending run replaced by a newer one) and reusable workflows whose inputs, secrets and outputs
 * feed the jobs around the call.
 */
class ActionsFlowIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static CiClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.sharedWorkflows();
        admin = new CiClient(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD), "admin");
    }

    static final String GROUPED = """
            on:
              workflow_dispatch:
                inputs:
                  lane: { type: string, required: true }
                  seconds: { type: number, default: 0 }
                  cancel: { type: boolean, default: false }
            concurrency:
              group: ${{ github.workflow }}-${{ inputs.lane }}
              cancel-in-progress: ${{ inputs.cancel }}
            jobs:
              work:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "working in ${{ inputs.lane }}"; sleep ${{ inputs.seconds }}; echo "$((6 * 7)) and done"
            """;

    @Test
    void cancelInProgressCancelsTheRunningRunOfTheGroup() throws Exception {
        admin.register("grouped", GitRepos.create(Map.of(".gitea/workflows/deploy.yml", GROUPED)));
        long first = admin.trigger("grouped", dispatch("cancel", 120, false)).get("id").asLong();
        awaitRun(first, r -> CiClient.tasks(r).get("work").get("status").asText().equals("running")
                && new String(admin.rawLog(first, "work"), java.nio.charset.StandardCharsets.UTF_8).contains("working in cancel"));
        long second = admin.trigger("grouped", dispatch("cancel", 0, true)).get("id").asLong();

        JsonNode cancelled = admin.await(first);
        assertThat(cancelled.get("status").asText()).as(cancelled.toPrettyString()).isEqualTo("cancelled");
        assertThat(cancelled.get("status_message").asText())
                .isEqualTo("cancelled by run " + second + " in concurrency group .gitea/workflows/deploy.yml-cancel (cancel-in-progress)");
        assertThat(CiClient.tasks(cancelled).get("work").get("status").asText()).isEqualTo("cancelled");
        assertThat(admin.log(cancelled, "work")).contains("working in cancel").doesNotContain("42 and done");

        JsonNode ran = admin.await(second);
        assertThat(ran.get("status").asText()).as(ran.toPrettyString()).isEqualTo("success");
        assertThat(Instant.parse(ran.get("started_at").asText())).isAfterOrEqualTo(Instant.parse(cancelled.get("finished_at").asText()));
    }

    @Test
    void aSecondRunWaitsAndAThirdReplacesIt() throws Exception {
        admin.register("queued", GitRepos.create(Map.of(".gitea/workflows/deploy.yml", GROUPED)));
        long running = admin.trigger("queued", dispatch("wait", 20, false)).get("id").asLong();
        awaitRun(running, r -> r.get("status").asText().equals("running"));
        long pending = admin.trigger("queued", dispatch("wait", 0, false)).get("id").asLong();
        JsonNode waits = awaitRun(pending, r -> r.get("status_message").asText("").startsWith("waiting"));
        assertThat(waits.get("status").asText()).isEqualTo("queued");
        assertThat(waits.get("status_message").asText()).isEqualTo("waiting for concurrency group .gitea/workflows/deploy.yml-wait: run " + running
                + " is in progress");
        long newest = admin.trigger("queued", dispatch("wait", 0, false)).get("id").asLong();

        JsonNode replaced = admin.await(pending);
        assertThat(replaced.get("status").asText()).isEqualTo("cancelled");
        assertThat(replaced.get("status_message").asText()).contains("replaced by run " + newest + " in concurrency group .gitea/workflows/deploy.yml-wait");
        assertThat(replaced.get("started_at").isNull()).isTrue();

        JsonNode first = admin.await(running);
        assertThat(first.get("status").asText()).as(first.toPrettyString()).isEqualTo("success"); // never cancelled
        assertThat(admin.log(first, "work")).contains("42 and done");
        JsonNode last = admin.await(newest);
        assertThat(last.get("status").asText()).as(last.toPrettyString()).isEqualTo("success");
        assertThat(Instant.parse(last.get("started_at").asText())).isAfterOrEqualTo(Instant.parse(first.get("finished_at").asText()));
    }

    @Test
    void jobsOfAGroupRunOneAfterTheOther() throws Exception {
        admin.register("jobgroup", GitRepos.create(Map.of(".gitea/workflows/jobs.yml", """
                on: workflow_dispatch
                jobs:
                  a:
                    runs-on: ubuntu-latest
                    concurrency: lock-${{ github.repository }}
                    steps:
                      - run: sleep 3; echo a done
                  b:
                    runs-on: ubuntu-latest
                    concurrency:
                      group: lock-${{ github.repository }}
                    steps:
                      - run: sleep 3; echo b done
                """)));
        JsonNode run = admin.run("jobgroup", "{}");
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("success");
        Map<String, JsonNode> tasks = CiClient.tasks(run);
        String a = admin.log(run, "a");
        String waited = a.contains("waiting for concurrency group") ? "a" : "b";
        String other = waited.equals("a") ? "b" : "a";
        assertThat(admin.log(run, waited)).contains("waiting for concurrency group lock-admin/jobgroup: job " + other + " of run "
                + run.get("id").asLong() + " is in progress");
        assertThat(admin.log(run, other)).doesNotContain("waiting for concurrency group");
        assertThat(Instant.parse(tasks.get(waited).get("started_at").asText()))
                .isAfterOrEqualTo(Instant.parse(tasks.get(other).get("finished_at").asText()));
    }

    @Test
    void aThirdJobOfAGroupReplacesTheWaitingOneAndTheRunIsCancelled() throws Exception {
        StringBuilder jobs = new StringBuilder("on: workflow_dispatch\njobs:\n");
        for (String id : java.util.List.of("a", "b", "c")) {
            jobs.append("  ").append(id).append(":\n    runs-on: ubuntu-latest\n    concurrency: one\n    steps:\n")
                    .append("      - run: sleep 3; echo ").append(id).append(" ran\n");
        }
        admin.register("jobreplace", GitRepos.create(Map.of(".gitea/workflows/jobs.yml", jobs.toString())));
        JsonNode run = admin.run("jobreplace", "{}");
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("cancelled");
        Map<String, JsonNode> tasks = CiClient.tasks(run);
        assertThat(tasks.values()).extracting(t -> t.get("status").asText()).containsExactlyInAnyOrder("success", "success", "cancelled");
        String replaced = tasks.entrySet().stream().filter(e -> e.getValue().get("status").asText().equals("cancelled"))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        assertThat(admin.log(run, replaced)).contains("cancelled: replaced by job ").contains(" in concurrency group one, which waits")
                .doesNotContain(replaced + " ran");
    }

    @Test
    void aNativePipelineHasTheSameGroups() throws Exception {
        admin.register("native", GitRepos.create(Map.of(".slipway/deploy.yml", """
                variables: { SECONDS: "0" }
                concurrency: { group: "deploy-${SLIPWAY_BRANCH}", cancel-in-progress: true }
                images: { box: local/runner:bookworm }    # TestImages.RUNNER, built for the server above
                tasks:
                  work: { image: box, network: none, commands: [ "echo working", "sleep ${SECONDS}" ] }
                """)));
        long first = admin.trigger("native", "{\"variables\":{\"SECONDS\":\"120\"}}").get("id").asLong();
        awaitRun(first, r -> CiClient.tasks(r).get("work").get("status").asText().equals("running"));
        long second = admin.trigger("native", "{}").get("id").asLong();
        JsonNode cancelled = admin.await(first);
        assertThat(cancelled.get("status").asText()).as(cancelled.toPrettyString()).isEqualTo("cancelled");
        assertThat(cancelled.get("status_message").asText())
                .isEqualTo("cancelled by run " + second + " in concurrency group deploy-main (cancel-in-progress)");
        assertThat(admin.await(second).get("status").asText()).isEqualTo("success");
    }

    @Test
    void aReusableWorkflowTakesInputsAndSecretsAndItsOutputsFeedALaterJob() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/main.yml", """
                on: workflow_dispatch
                jobs:
                  prepare:
                    runs-on: ubuntu-latest
                    outputs:
                      name: ${{ steps.n.outputs.name }}
                    steps:
                      - id: n
                        run: echo "name=world" >> "$GITHUB_OUTPUT"
                  greet:
                    needs: prepare
                    uses: ./.gitea/workflows/greet.yml
                    with:
                      who: ${{ needs.prepare.outputs.name }}
                    secrets:
                      token: ${{ secrets.DEPLOY_TOKEN }}
                  after:
                    needs: greet
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "after got '${{ needs.greet.outputs.greeting }}' (${{ needs.greet.result }})"
                """, ".gitea/workflows/greet.yml", """
                on:
                  workflow_call:
                    inputs:
                      who: { type: string, required: true }
                      times: { type: number, default: 2 }
                    secrets:
                      token: { required: true }
                    outputs:
                      greeting:
                        value: ${{ jobs.make.outputs.greeting }} from ${{ jobs.check.result }}
                jobs:
                  make:
                    runs-on: ubuntu-latest
                    outputs:
                      greeting: ${{ steps.g.outputs.greeting }}
                    env:
                      TOKEN: ${{ secrets.token }}
                    steps:
                      - id: g
                        run: |
                          echo "token $TOKEN has ${#TOKEN} characters; DEPLOY_TOKEN is '${{ secrets.DEPLOY_TOKEN }}' here"
                          echo "greeting=hello ${{ inputs.who }} x${{ inputs.times }}" >> "$GITHUB_OUTPUT"
                  check:
                    needs: make
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "inner saw ${{ needs.make.outputs.greeting }}"
                """));
        admin.register("reuse", repo);
        CiCheckoutIT.secret(admin.http(), "/api/v1/repos/admin/reuse", "DEPLOY_TOKEN", "t0ps3cret-token");
        JsonNode run = admin.run("reuse", "{\"workflow\":\"main.yml\"}");
        Map<String, JsonNode> tasks = CiClient.tasks(run);
        assertThat(run.get("status").asText()).as(run.toPrettyString() + admin.log(run, "greet-make")).isEqualTo("success");
        java.util.List<String> names = new java.util.ArrayList<>();
        run.get("tasks").forEach(t -> names.add(t.get("name").asText()));
        assertThat(names).containsExactly("prepare", "greet-make", "greet-check", "after"); // in the call's place
        assertThat(tasks.get("greet-make").get("display_name").asText()).isEqualTo("greet / make");
        assertThat(tasks.get("greet-check").get("job").asText()).isEqualTo("greet");
        assertThat(admin.log(run, "greet-make")).contains("token *** has 15 characters; DEPLOY_TOKEN is '' here")
                .doesNotContain("t0ps3cret-token");
        assertThat(admin.log(run, "greet-check")).contains("inner saw hello world x2");
        assertThat(admin.log(run, "after")).contains("after got 'hello world x2 from success' (success)");
    }

    @Test
    void aMatrixOnTheCallingJobCallsOncePerCombinationAndInheritPassesTheCallersSecrets() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/fan.yml", """
                on: workflow_dispatch
                jobs:
                  fan:
                    strategy:
                      matrix:
                        target: [east, west]
                    uses: ./.gitea/workflows/show.yml
                    with:
                      target: ${{ matrix.target }}
                    secrets: inherit
                """, ".gitea/workflows/show.yml", """
                on:
                  workflow_call:
                    inputs:
                      target: { type: string, required: true }
                jobs:
                  show:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "target ${{ inputs.target }} token ${{ secrets.FAN_TOKEN }}"
                """));
        admin.register("fan", repo);
        CiCheckoutIT.secret(admin.http(), "/api/v1/repos/admin/fan", "FAN_TOKEN", "fan-secret-value");
        JsonNode run = admin.run("fan", "{\"workflow\":\"fan.yml\"}");
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("success");
        Map<String, JsonNode> tasks = CiClient.tasks(run);
        assertThat(tasks).containsOnlyKeys("fan-east-show", "fan-west-show");
        assertThat(tasks.get("fan-west-show").get("display_name").asText()).isEqualTo("fan (west) / show");
        assertThat(admin.log(run, "fan-east-show")).contains("target east token ***").doesNotContain("fan-secret-value");
        assertThat(admin.log(run, "fan-west-show")).contains("target west token ***");
    }

    @Test
    void callsEnterTheCallingJobsGroupAndTheCalledWorkflowsOwn() throws Exception {
        admin.register("callgroups", GitRepos.create(Map.of(".gitea/workflows/calls.yml", """
                on: workflow_dispatch
                jobs:
                  fan:
                    strategy:
                      matrix:
                        target: [east, west]
                    concurrency: fan-lock
                    uses: ./.gitea/workflows/step.yml
                    with:
                      target: ${{ matrix.target }}
                  solo:
                    uses: ./.gitea/workflows/own.yml
                  other:
                    uses: ./.gitea/workflows/own.yml
                """, ".gitea/workflows/step.yml", """
                on:
                  workflow_call:
                    inputs:
                      target: { type: string, required: true }
                jobs:
                  work:
                    runs-on: ubuntu-latest
                    steps:
                      - run: sleep 2; echo "${{ inputs.target }} done"
                """, ".gitea/workflows/own.yml", """
                on: workflow_call
                concurrency: own-${{ github.repository }}
                jobs:
                  work:
                    runs-on: ubuntu-latest
                    steps:
                      - run: sleep 2; echo own done
                """)));
        JsonNode run = admin.run("callgroups", "{\"workflow\":\"calls.yml\"}");
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("success");
        Map<String, JsonNode> tasks = CiClient.tasks(run);
        long id = run.get("id").asLong();
        String[] fan = admin.log(run, "fan-east-work").contains("waiting for concurrency group")
                ? new String[] {"fan-east-work", "fan-west"} : new String[] {"fan-west-work", "fan-east"};
        assertThat(admin.log(run, fan[0])).contains("waiting for concurrency group fan-lock: call " + fan[1] + " of run " + id + " is in progress");
        String waitedFan = fan[0];
        String firstFan = waitedFan.startsWith("fan-east") ? "fan-west-work" : "fan-east-work";
        assertThat(Instant.parse(tasks.get(waitedFan).get("started_at").asText()))
                .isAfterOrEqualTo(Instant.parse(tasks.get(firstFan).get("finished_at").asText()));
        String[] own = admin.log(run, "solo-work").contains("waiting for concurrency group") ? new String[] {"solo-work", "other"}
                : new String[] {"other-work", "solo"};
        assertThat(admin.log(run, own[0])).contains("waiting for concurrency group own-admin/callgroups: call " + own[1] + " of run " + id
                + " is in progress");
        String firstOwn = own[0].equals("solo-work") ? "other-work" : "solo-work";
        assertThat(Instant.parse(tasks.get(own[0]).get("started_at").asText()))
                .isAfterOrEqualTo(Instant.parse(tasks.get(firstOwn).get("finished_at").asText()));
        assertThat(admin.log(run, firstOwn)).doesNotContain("warning").contains("own done");
    }

    @Test
    void aCallWithAWrongInputFailsTheCallingJobWithTheProblem() throws Exception {
        Path repo = GitRepos.create(Map.of(".gitea/workflows/main.yml", """
                on: workflow_dispatch
                jobs:
                  greet:
                    uses: ./.gitea/workflows/greet.yml
                    with:
                      times: many
                """, ".gitea/workflows/greet.yml", """
                on:
                  workflow_call:
                    inputs:
                      times: { type: number, default: 2 }
                jobs:
                  make:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo ${{ inputs.times }}
                """));
        admin.register("badcall", repo);
        JsonNode run = admin.run("badcall", "{\"workflow\":\"main.yml\"}");
        assertThat(run.get("status").asText()).isEqualTo("error");
        assertThat(admin.log(run, "greet-make")).contains("input 'times' must be a number, not 'many'");
    }

    private static String dispatch(String lane, int seconds, boolean cancel) {
        return JSON.createObjectNode().put("workflow", "deploy.yml").set("inputs", JSON.createObjectNode()
                .put("lane", lane).put("seconds", seconds).put("cancel", cancel)).toString();
    }

    private static JsonNode awaitRun(long id, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JsonNode run = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = admin.http().get("/api/v1/runs/" + id);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            run = JSON.readTree(r.body());
            if (until.test(run)) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + id + " never got there: " + run);
    }
}
