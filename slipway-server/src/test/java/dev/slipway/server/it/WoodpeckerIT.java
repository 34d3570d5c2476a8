package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's acceptance: seed 001's {@code .woodpecker/deploy.yml} (event: manual; the kubectl
 * image replaced by a local one that prints its arguments and fails for a tag named "broken"),
 * started by seed 001's call shape: {@code POST /api/repos/<id>/pipelines} with a Bearer token,
 * a branch and variables; polled through Woodpecker's pipeline JSON. The notify step runs on
 * success and on failure, as a step of commands and as a plugin (its image's entrypoint reading
 * PLUGIN_* settings), with a secret from {@code from_secret} masked in their logs (the shell reads it:
 * {@code $${...}} keeps Woodpecker's substitution, which knows no secrets, from emptying it).
 */
class WoodpeckerIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static CiClient admin;
    static Http woodpecker;

    static final String DEPLOY = """
            when:
              event: manual

            steps:
              deploy:
                image: local/kubectl:1
                commands:
                  - "kubectl set image deployment/app app=${IMAGE_NAME}:${IMAGE_TAG} -n apps"
                  - "kubectl rollout status deployment/app -n apps --timeout=300s"
              notify:
                image: local/busybox:1
                environment:
                  SLACK_WEBHOOK:
                    from_secret: slack_webhook
                commands:
                  - echo "notify $CI_PIPELINE_EVENT $CI_COMMIT_BRANCH $CI_REPO n$CI_PIPELINE_NUMBER via $${SLACK_WEBHOOK}"
                when:
                  status: [success, failure]
              slack:
                image: local/slack-plugin:1
                settings:
                  webhook:
                    from_secret: slack_webhook
                  channel: deploys
                  recipients: [alice, bob]
                when:
                  status: [success, failure]
            """;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new java.util.HashMap<>(), "local/busybox:1");
        // kubectl that records its arguments, and fails the way a rollout of a bad image would
        TestImages.buildBusybox(new java.util.HashMap<>(), "local/kubectl:1", """
                RUN printf '#!/bin/sh\\necho "kubectl-args: $*"\\ncase "$*" in *:broken*) echo "rollout failed" >&2; exit 1;; esac\\n' > /bin/kubectl \
                    && chmod +x /bin/kubectl
                """);
        // a service that is its image's own entrypoint
        TestImages.buildBusybox(new java.util.HashMap<>(), "local/httpd:1", """
                RUN mkdir /www && echo "hello from static" > /www/index.html
                ENTRYPOINT ["httpd", "-f", "-p", "80", "-h", "/www"]
                """);
        // a plugin: its own entrypoint reads the settings as PLUGIN_* variables
        TestImages.buildBusybox(new java.util.HashMap<>(), "local/slack-plugin:1", """
                ENTRYPOINT ["/bin/sh", "-c", "echo \\"slack to $PLUGIN_CHANNEL for $PLUGIN_RECIPIENTS via $PLUGIN_WEBHOOK: $CI_PIPELINE_EVENT\\""]
                """);
        server = TestServer.start(Map.of("ci.poll-interval", "0"));
        admin = new CiClient(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD), "admin");
        woodpecker = Http.bearer(server.baseUrl(), server.token("admin", "write:repository"));
        Path repo = GitRepos.create(Map.of(".woodpecker/deploy.yml", DEPLOY, "README.md", "app\n"));
        admin.register("app", repo);
        HttpResponse<String> put = admin.http().send(admin.http().request("/api/v1/repos/admin/app/actions/secrets/SLACK_WEBHOOK")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"data\":\"https://hooks.example/secret-path-123\"}")));
        assertThat(put.statusCode()).as(put.body()).isIn(201, 204);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static long repoId() throws Exception {
        HttpResponse<String> r = woodpecker.get("/api/repos/lookup/admin/app");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode repo = JSON.readTree(r.body());
        assertThat(repo.get("id").isIntegralNumber()).isTrue();
        assertThat(repo.get("full_name").asText()).isEqualTo("admin/app");
        return repo.get("id").asLong();
    }

    /** Seed 001's call, then the pipeline polled until it ends. */
    static JsonNode deploy(long id, String tag) throws Exception {
        // As the seed's curl -d sends it: no Content-Type.
        HttpResponse<String> r = woodpecker.send(woodpecker.request("/api/repos/" + id + "/pipelines").POST(HttpRequest.BodyPublishers.ofString(
                "{\"branch\":\"main\",\"variables\":{\"IMAGE_TAG\":\"" + tag + "\",\"IMAGE_NAME\":\"ghcr.io/x/app\"}}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode p = JSON.readTree(r.body());
        assertThat(p.get("event").asText()).isEqualTo("manual");
        assertThat(p.get("branch").asText()).isEqualTo("main");
        long number = p.get("number").asLong();
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> g = woodpecker.get("/api/repos/" + id + "/pipelines/" + number);
            assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
            p = JSON.readTree(g.body());
            if (!p.get("status").asText().equals("pending") && !p.get("status").asText().equals("running")) {
                return p;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("pipeline " + number + " did not finish: " + p);
    }

    /** Registers {@code files} as repository {@code name}, starts its pipeline through Woodpecker's API and waits for its end. */
    static JsonNode pipeline(String name, Map<String, String> files, String variables) throws Exception {
        admin.register(name, GitRepos.create(files));
        long id = JSON.readTree(woodpecker.get("/api/repos/lookup/admin/" + name).body()).get("id").asLong();
        HttpResponse<String> r = woodpecker.postJson("/api/repos/" + id + "/pipelines", "{\"branch\":\"main\",\"variables\":" + variables + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return admin.await(JSON.readTree(r.body()).get("number").asLong());
    }

    /**
     * The containers of a run still on the engine (running or not), with their status. Other
     * servers on the engine (other test classes) have runs of the same ids: only this server's
     * instance counts, the one whose container of {@code task} the run has.
     */
    static String containersOf(JsonNode run, String task) {
        long id = run.get("id").asLong();
        List<String> lines = Tools.run(Map.of(), null, "docker", "ps", "-a", "--filter", "label=slipway.run=" + id,
                "--format", "{{.Names}} {{.Status}}").out().strip().lines().toList();
        String ours = lines.stream().map(l -> l.substring(0, l.indexOf(' '))).filter(n -> n.endsWith("-" + id + "-" + task)).findFirst()
                .orElseThrow(() -> new AssertionError("no container of task " + task + " in " + lines));
        String prefix = ours.substring(0, ours.length() - task.length());
        return String.join("\n", lines.stream().filter(l -> l.startsWith(prefix)).toList());
    }

    static JsonNode step(JsonNode pipeline, String name) {
        for (JsonNode s : pipeline.at("/workflows/0/children")) {
            if (s.get("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + pipeline);
    }

    @Test
    void seed001DeployRunsThroughWoodpeckersApiAndNotifiesOnSuccessAndOnFailure() throws Exception {
        long id = repoId();

        JsonNode ok = deploy(id, "abcd1234");
        assertThat(ok.get("status").asText()).as(ok.toPrettyString()).isEqualTo("success");
        assertThat(ok.at("/workflows/0/name").asText()).isEqualTo("deploy");
        assertThat(step(ok, "deploy").get("state").asText()).isEqualTo("success");
        assertThat(step(ok, "notify").get("state").asText()).isEqualTo("success");
        assertThat(ok.get("finished").asLong()).isGreaterThanOrEqualTo(ok.get("started").asLong()).isPositive();
        JsonNode run = admin.await(ok.get("number").asLong());
        assertThat(admin.log(run, "deploy")).contains("kubectl-args: set image deployment/app app=ghcr.io/x/app:abcd1234 -n apps")
                .contains("kubectl-args: rollout status deployment/app -n apps --timeout=300s");
        String notified = admin.log(run, "notify");
        assertThat(notified).contains("notify manual main admin/app n" + run.get("id").asLong() + " via ***")
                .doesNotContain("secret-path-123");
        assertThat(admin.log(run, "slack")).contains("slack to deploys for alice,bob via ***: manual").doesNotContain("secret-path-123");
        assertThat(step(ok, "slack").get("state").asText()).isEqualTo("success");

        JsonNode failed = deploy(id, "broken");
        assertThat(failed.get("status").asText()).as(failed.toPrettyString()).isEqualTo("failure");
        assertThat(step(failed, "deploy").get("state").asText()).isEqualTo("failure");
        assertThat(step(failed, "deploy").get("exit_code").asInt()).isEqualTo(1);
        assertThat(step(failed, "notify").get("state").asText()).isEqualTo("success");
        assertThat(step(failed, "slack").get("state").asText()).isEqualTo("success");
        assertThat(admin.log(admin.await(failed.get("number").asLong()), "notify")).contains("notify manual main");

        // A retry of the failed step runs it again and the step that waited for it.
        HttpResponse<String> retry = admin.http().postJson("/api/v1/runs/" + failed.get("number").asLong() + "/tasks/deploy/retry", "{}");
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        Map<String, JsonNode> retried = CiClient.tasks(admin.await(failed.get("number").asLong()));
        assertThat(retried.get("deploy").get("attempt").asInt()).isEqualTo(2);
        assertThat(retried.get("notify").get("attempt").asInt()).isEqualTo(2);

        // The list shows both, newest first, in Woodpecker's shape.
        HttpResponse<String> list = woodpecker.get("/api/repos/" + id + "/pipelines");
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        JsonNode all = JSON.readTree(list.body());
        assertThat(all).hasSize(2);
        assertThat(all.get(0).get("number").asLong()).isEqualTo(failed.get("number").asLong());
    }

    @Test
    void aSecretRestrictedToOtherEventsNamesTheEventItLacks() throws Exception {
        admin.register("restricted", GitRepos.create(Map.of(".woodpecker/deploy.yml", DEPLOY)));
        HttpResponse<String> lookup = woodpecker.get("/api/repos/lookup/admin/restricted");
        long id = JSON.readTree(lookup.body()).get("id").asLong();
        Http owner = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        // Woodpecker's secrets API, as a migration script would call it: push and tag only.
        HttpResponse<String> made = owner.postJson("/api/repos/" + id + "/secrets",
                "{\"name\":\"slack_webhook\",\"value\":\"https://hooks.example/restricted-1\",\"events\":[\"push\",\"tag\"]}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
        assertThat(JSON.readTree(made.body()).get("events").toString()).isEqualTo("[\"push\",\"tag\"]");
        // A repository token may start pipelines, not read or plant secrets.
        assertThat(woodpecker.get("/api/repos/" + id + "/secrets").statusCode()).isEqualTo(403);

        JsonNode refused = deploy(id, "t1");
        assertThat(refused.get("status").asText()).isEqualTo("error");
        assertThat(refused.at("/errors/0/message").asText())
                .isEqualTo("secret slack_webhook is not available to the manual event (its events: push, tag); add manual to its events");

        HttpResponse<String> patched = owner.send(owner.request("/api/repos/" + id + "/secrets/slack_webhook")
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"events\":[\"push\",\"tag\",\"manual\"]}")));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode ok = deploy(id, "t2");
        assertThat(ok.get("status").asText()).as(ok.toPrettyString()).isEqualTo("success");
        HttpResponse<String> listed = owner.get("/api/repos/" + id + "/secrets");
        assertThat(listed.body()).contains("\"name\":\"slack_webhook\"").contains("manual").doesNotContain("restricted-1");
    }

    @Test
    void slipwayExecRunsTheSameFileLocally() throws Exception {
        Path repo = GitRepos.create(Map.of(".woodpecker/deploy.yml", DEPLOY));
        Tools.Result ok = exec(repo, "--var", "IMAGE_NAME=ghcr.io/x/app", "--var", "IMAGE_TAG=local1", "--secret",
                "slack_webhook=https://hooks.example/exec-secret-1");
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("kubectl-args: set image deployment/app app=ghcr.io/x/app:local1 -n apps")
                .contains("notify manual main").doesNotContain("exec-secret-1");
        Tools.Result pushed = exec(repo, "--event", "push", "--secret", "slack_webhook=x");
        assertThat(pushed.exit()).as(pushed.out() + pushed.err()).isZero();
        assertThat(pushed.out()).contains("skipped: workflow deploy: when.event is [manual]; this pipeline's event is push");
        Tools.Result noSecret = exec(repo, "--var", "IMAGE_TAG=1");
        assertThat(noSecret.exit()).isEqualTo(2);
        assertThat(noSecret.err()).contains("secret slack_webhook is not set (asked for by steps notify, slack); pass --secret NAME=VALUE");
    }

    private static Tools.Result exec(Path dir, String... args) throws Exception {
        return ServerProcess.exec(dir, args);
    }

    @Test
    void badCallsGetClearErrors() throws Exception {
        assertThat(woodpecker.get("/api/repos/999999/pipelines").statusCode()).isEqualTo(404);
        assertThat(woodpecker.get("/api/repos/lookup/admin/nope").statusCode()).isEqualTo(404);
        long id = repoId();
        HttpResponse<String> bad = woodpecker.postJson("/api/repos/" + id + "/pipelines", "{\"branch\":\"main\",\"variables\":[1]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("variables");
        assertThat(woodpecker.get("/api/repos/" + id + "/pipelines/123456789").statusCode()).isEqualTo(404);
        HttpResponse<String> anonymous = Http.anonymous(server.baseUrl()).postJson("/api/repos/" + id + "/pipelines", "{}");
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void servicesAreReachedByNameFromTheStepsAndStoppedWhenTheWorkflowEnds() throws Exception {
        String file = """
                services:
                  web:
                    image: local/busybox:1
                    commands:
                      - mkdir -p /www && echo "hello from web" > /www/index.html
                      - httpd -f -p 8080 -h /www
                  static:
                    image: local/httpd:1
                steps:
                  fetch:
                    image: local/busybox:1
                    commands:
                      - for i in $(seq 1 50); do timeout 5 wget -q -O - http://web:8080/ && break; sleep 0.2; done
                      - for i in $(seq 1 50); do timeout 5 wget -q -O - http://static/ && break; sleep 0.2; done
                  again:
                    image: local/busybox:1
                    commands:
                      - timeout 5 wget -q -O - http://web:8080/
                """;
        JsonNode run = pipeline("services", Map.of(".woodpecker.yml", file), "{}");
        Map<String, JsonNode> tasks = CiClient.tasks(run);
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("success");
        assertThat(tasks.keySet()).containsExactlyInAnyOrder("web", "static", "fetch", "again");
        assertThat(tasks.values()).allSatisfy(t -> assertThat(t.get("status").asText()).isEqualTo("success"));
        assertThat(admin.log(run, "fetch")).contains("hello from web").contains("hello from static");
        assertThat(admin.log(run, "again")).contains("hello from web");
        assertThat(admin.log(run, "web")).contains("stopping the detached container");
        assertThat(containersOf(run, "fetch")).as("every container of the run has stopped").doesNotContain(" Up ").contains("-web ");
    }

    @Test
    void aDetachedStepRunsOnWhileTheStepsAfterItReachItByName() throws Exception {
        String file = """
                steps:
                  server:
                    image: local/busybox:1
                    detach: true
                    commands:
                      - mkdir -p /www && echo "hello from the detached step" > /www/index.html
                      - httpd -f -p 8081 -h /www
                  client:
                    image: local/busybox:1
                    commands:
                      - for i in $(seq 1 60); do timeout 2 wget -q -O - http://server:8081/ && break; sleep 0.2; done
                """;
        JsonNode run = pipeline("detached", Map.of(".woodpecker.yml", file), "{}");
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("success");
        assertThat(CiClient.tasks(run).get("server").get("status").asText()).isEqualTo("success");
        assertThat(admin.log(run, "client")).contains("hello from the detached step");
        assertThat(admin.log(run, "server")).contains("detached: the steps after it start now and reach it as server")
                .contains("stopping the detached container");
        assertThat(containersOf(run, "client")).doesNotContain(" Up ").contains("-server ");
    }

    @Test
    void anEntrypointReplacesTheImagesAndRunsTheCommandsFromCiScript() throws Exception {
        String file = """
                steps:
                  custom-shell:
                    image: local/busybox:1
                    entrypoint: ["/bin/sh", "-c", "echo entrypoint of the step; echo $$CI_SCRIPT | base64 -d | /bin/sh -e"]
                    commands:
                      - echo "the commands ran in $$PWD"
                  alone:
                    image: local/httpd:1
                    entrypoint: [echo, "instead of httpd"]
                  as-text:
                    image: local/busybox:1
                    entrypoint: pwd
                    directory: sub
                """;
        JsonNode run = pipeline("entrypoint", Map.of(".woodpecker.yml", file), "{}");
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("success");
        assertThat(admin.log(run, "custom-shell")).contains("entrypoint of the step").contains("the commands ran in /src/entrypoint");
        assertThat(admin.log(run, "alone")).contains("instead of httpd");
        assertThat(admin.log(run, "as-text")).contains("/src/entrypoint/sub");
    }

    @Test
    void theStepsOfAWorkflowShareOneWorkspace() throws Exception {
        String file = """
                steps:
                  build:
                    image: local/busybox:1
                    commands:
                      - mkdir -p dist && echo built-by-the-first-step > dist/app.txt
                      - rm README
                  package:
                    image: local/busybox:1
                    commands:
                      - cat dist/app.txt
                      - echo packaged >> dist/app.txt
                      - test ! -e README && echo README is gone
                  check:
                    image: local/busybox:1
                    commands:
                      - cat dist/app.txt
                """;
        JsonNode run = pipeline("shared", Map.of(".woodpecker.yml", file, "README", "readme\n"), "{}");
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("success");
        assertThat(admin.log(run, "package")).contains("built-by-the-first-step\n").contains("README is gone");
        assertThat(admin.log(run, "check")).contains("built-by-the-first-step\npackaged\n");
    }

    @Test
    void aMatrixRunsAWorkflowPerCombinationShownAsWoodpeckerShowsThem() throws Exception {
        String file = """
                matrix:
                  include:
                    - TAG: "1"
                      FLAVOUR: "plain, with: colons"
                    - TAG: "1"
                      FLAVOUR: spicy
                steps:
                  show:
                    image: local/busybox:${TAG}
                    commands:
                      - 'echo "flavour ${FLAVOUR} in $$CI_WORKFLOW_NAME, env $$FLAVOUR"'
                  spicy-only:
                    image: local/busybox:1
                    commands: [echo hot]
                    when:
                      matrix:
                        FLAVOUR: spicy
                """;
        JsonNode run = pipeline("matrix", Map.of(".woodpecker.yml", file), "{}");
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("success");
        // a single file's workflow is "woodpecker", as Woodpecker names .woodpecker.yml's
        String plain = "woodpecker (TAG=1 FLAVOUR=plain, with: colons)";
        String spicy = "woodpecker (TAG=1 FLAVOUR=spicy)";
        Map<String, JsonNode> tasks = CiClient.tasks(run);
        assertThat(tasks.keySet()).containsExactlyInAnyOrder(plain + ".show", plain + ".spicy-only", spicy + ".show", spicy + ".spicy-only");
        assertThat(tasks.get(plain + ".spicy-only").get("status").asText()).isEqualTo("skipped");
        assertThat(admin.log(run, plain + ".show")).contains("flavour plain, with: colons in woodpecker, env plain, with: colons");
        assertThat(admin.log(run, spicy + ".spicy-only")).contains("hot");

        long id = JSON.readTree(woodpecker.get("/api/repos/lookup/admin/matrix").body()).get("id").asLong();
        JsonNode p = JSON.readTree(woodpecker.get("/api/repos/" + id + "/pipelines/" + run.get("id").asLong()).body());
        assertThat(p.get("workflows")).hasSize(2);
        assertThat(p.at("/workflows/0/name").asText()).isEqualTo("woodpecker");
        assertThat(p.at("/workflows/0/environ/FLAVOUR").asText()).isEqualTo("plain, with: colons");
        assertThat(p.at("/workflows/1/environ/FLAVOUR").asText()).isEqualTo("spicy");
        assertThat(p.at("/workflows/1/children/1/name").asText()).isEqualTo("spicy-only");
        assertThat(p.at("/workflows/1/children/1/state").asText()).isEqualTo("success");
    }

    @Test
    void evaluateDecidesWithTheRunsVariables() throws Exception {
        String file = """
                steps:
                  wanted:
                    image: local/busybox:1
                    commands: [echo wanted]
                    when:
                      evaluate: 'DEPLOY == "yes" && CI_PIPELINE_EVENT in ["manual", "push"]'
                  off-default-branch:
                    image: local/busybox:1
                    commands: [echo elsewhere]
                    when:
                      evaluate: 'CI_COMMIT_BRANCH != CI_REPO_DEFAULT_BRANCH'
                  on-this-server:
                    image: local/busybox:1
                    commands: ['echo "host $$CI_SYSTEM_HOST target $$CI_PIPELINE_DEPLOY_TARGET"']
                    when:
                      instance: %s
                      environment: production
                  on-another-server:
                    image: local/busybox:1
                    commands: [echo elsewhere]
                    when:
                      instance: stage.example.com
                """.formatted(java.net.URI.create(server.baseUrl()).getHost());
        JsonNode run = pipeline("evaluate", Map.of(".woodpecker.yml", file), "{\"DEPLOY\":\"yes\",\"CI_PIPELINE_DEPLOY_TARGET\":\"production\"}");
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("success");
        Map<String, JsonNode> tasks = CiClient.tasks(run);
        assertThat(tasks.get("wanted").get("status").asText()).isEqualTo("success");
        assertThat(tasks.get("off-default-branch").get("status").asText()).isEqualTo("skipped");
        assertThat(admin.log(run, "off-default-branch")).contains("when.evaluate is false: CI_COMMIT_BRANCH != CI_REPO_DEFAULT_BRANCH");
        // when.instance is the external URL's host, when.environment the deploy target the variables set
        assertThat(admin.log(run, "on-this-server")).contains("host " + java.net.URI.create(server.baseUrl()).getHost() + " target production");
        assertThat(tasks.get("on-another-server").get("status").asText()).isEqualTo("skipped");
        assertThat(admin.log(run, "on-another-server")).contains("when.instance is [stage.example.com]; this server is "
                + java.net.URI.create(server.baseUrl()).getHost());
    }

    @Test
    void stepsPathFiltersSeeWhatAPushChanged() throws Exception {
        GitRemote remote = GitRemote.create(Map.of(".woodpecker.yml", """
                when:
                  event: push
                steps:
                  always:
                    image: local/busybox:1
                    commands: [echo always]
                  source:
                    image: local/busybox:1
                    commands: [echo source changed]
                    when:
                      path:
                        include: ["src/**"]
                        exclude: ["**/*.md"]
                """, "src/app.txt", "v1"));
        HttpResponse<String> registered = admin.registration("paths", remote.cloneUrl(), Map.of());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String secret = JSON.readTree(registered.body()).get("webhook_secret").asText();
        String c0 = remote.head("main");
        java.util.function.BiFunction<String, String, JsonNode> push = (before, after) -> {
            try {
                remote.push("main");
                JsonNode answer = CiPollingIT.giteaPush(server.baseUrl(), admin, remote, "paths", secret, before, after);
                return admin.await(answer.get("runs").get(0).get("id").asLong());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };

        String c1 = remote.commit(Map.of("docs/guide.txt", "docs"), "documentation only");
        JsonNode docs = push.apply(c0, c1);
        assertThat(docs.get("status").asText()).as(docs.toPrettyString()).isEqualTo("success");
        assertThat(CiClient.tasks(docs).get("always").get("status").asText()).isEqualTo("success");
        assertThat(CiClient.tasks(docs).get("source").get("status").asText()).isEqualTo("skipped");
        assertThat(admin.log(docs, "source")).contains("when.path is [src/**]; no changed file matches");

        String c2 = remote.commit(Map.of("src/app.txt", "v2"), "the source");
        JsonNode source = push.apply(c1, c2);
        assertThat(CiClient.tasks(source).get("source").get("status").asText()).isEqualTo("success");
        assertThat(admin.log(source, "source")).contains("source changed");

        String c3 = remote.commit(Map.of("src/notes.md", "notes"), "notes in the source");
        JsonNode notes = push.apply(c2, c3);
        assertThat(CiClient.tasks(notes).get("source").get("status").asText()).isEqualTo("skipped");
        assertThat(admin.log(notes, "source")).contains("when.path excludes every changed file ([**/*.md])");
    }

    @Test
    void aWorkspaceMovesTheCheckoutSkipCloneEmptiesItAndThePipelineStatusIsTold() throws Exception {
        String ws = """
                workspace:
                  base: /go
                  path: src/example.com/app
                steps:
                  where:
                    image: local/busybox:1
                    commands:
                      - echo "in $$PWD as $$CI_WORKSPACE and ${CI_WORKSPACE}"
                      - cat README.md
                """;
        String bare = """
                skip_clone: true
                steps:
                  empty:
                    image: local/busybox:1
                    commands:
                      - echo "status $$CI_PIPELINE_STATUS, files $(ls -A | wc -l)"
                      - exit 3
                  report:
                    image: local/busybox:1
                    commands:
                      - echo "status $$CI_PIPELINE_STATUS"
                    when:
                      status: [success, failure]
                """;
        JsonNode run = pipeline("workspace", Map.of(".woodpecker/ws.yml", ws, ".woodpecker/bare.yml", bare, "README.md", "the readme\n"), "{}");
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("failure");
        assertThat(admin.log(run, "ws.where")).contains("in /go/src/example.com/app as /go/src/example.com/app and /go/src/example.com/app")
                .contains("the readme");
        assertThat(admin.log(run, "bare.empty")).contains("status success, files 0");
        assertThat(admin.log(run, "bare.report")).contains("status failure");
    }
}
