package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: a push starts a run. The test plays the forge: real bare repositories that real
 * {@code git push}es update, then the forge's webhook (Gitea's or GitHub's payload, headers and
 * signature) as it would deliver it.
 */
class WebhooksIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ZERO = "0".repeat(40);
    static TestServer server;
    static Http alice;
    static CiClient ci;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = TestServer.start(Map.of("ci.poll-interval", "0"));
        server.createUser("alice", "alice-password");
        alice = Http.token(server.baseUrl(), server.token("alice", "write:repository"));
        ci = new CiClient(alice, "alice");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static final String SHOW = "\"echo event=$SLIPWAY_EVENT ref=$SLIPWAY_REF short=$SLIPWAY_COMMIT_SHORT before=$SLIPWAY_BEFORE"
            + " pr=$SLIPWAY_PULL_REQUEST head=$SLIPWAY_PR_HEAD_REF base=$SLIPWAY_PR_BASE_REF msg=$SLIPWAY_COMMIT_MESSAGE\"";

    /** A forge repository registered as alice/{@code name} with webhook secret {@code secret}, holding {@code pipelines}. */
    static ForgeHooks forge(String name, String secret, Map<String, String> pipelines) throws Exception {
        ForgeHooks f = new ForgeHooks("alice/" + name, server.baseUrl(), secret, pipelines);
        HttpResponse<String> r = ci.registration(name, f.cloneUrl(), Map.of("webhook_secret", secret));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode reg = JSON.readTree(r.body());
        assertThat(reg.get("webhook_url").asText()).isEqualTo(server.baseUrl() + "/api/v1/hooks");
        assertThat(reg.get("webhook_secret").asText()).isEqualTo(secret);
        return f;
    }

    static List<Long> runIds(ForgeHooks.Answer a) {
        return a.body().get("runs").findValuesAsText("id").stream().map(Long::parseLong).toList();
    }

    static int runCount(String repo) throws Exception {
        return JSON.readTree(alice.get("/api/v1/repos/alice/" + repo + "/runs").body()).size();
    }

    @Test
    void aGiteaPushStartsOneRunWithTheEventAndRedeliveriesFindIt() throws Exception {
        ForgeHooks f = forge("push", "push-secret-1", Map.of(".slipway/ci.yml", """
                on: { push: { branches: [main] } }
                images: { box: local/busybox:1 }
                tasks:
                  show: { image: box, commands: [%s] }
                """.formatted(SHOW)));
        String before = f.head();
        String after = f.commitAndPush(Map.of("a.txt", "a\n"), "feat: add a");
        ForgeHooks.Answer first = f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/main", before, after, "feat: add a"), null);
        assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
        assertThat(first.body().get("runs")).hasSize(1);
        long id = runIds(first).getFirst();
        assertThat(first.body().at("/runs/0/url").asText()).endsWith("/api/v1/runs/" + id);

        JsonNode run = ci.await(id);
        assertThat(run.get("status").asText()).as(ci.log(run, "show")).isEqualTo("success");
        assertThat(run.get("event").asText()).isEqualTo("push");
        assertThat(run.get("ref").asText()).isEqualTo("refs/heads/main");
        assertThat(run.get("commit").asText()).isEqualTo(after);
        assertThat(run.get("before").asText()).isEqualTo(before);
        assertThat(run.get("message").asText()).isEqualTo("feat: add a");
        assertThat(run.get("author").asText()).isEqualTo("Alice <alice@example.invalid>");
        assertThat(run.get("pull_request").isNull()).isTrue();
        assertThat(ci.log(run, "show")).contains("event=push ref=refs/heads/main short=" + after.substring(0, 8) + " before=" + before
                + " pr= head= base= msg=feat: add a");

        // The same delivery again (the forge's "redeliver"): the same answer, nothing new.
        ForgeHooks.Answer again = f.deliverSigned("gitea", "push", f.body("gitea-push", ForgeHooks.push("refs/heads/main", before, after,
                "feat: add a")), first.delivery(), "push-secret-1");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        // The same push under another delivery id (as a poll would report it): the run it made already.
        ForgeHooks.Answer other = f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/main", before, after, "feat: add a"), null);
        assertThat(runIds(other)).containsExactly(id);
        assertThat(other.body().at("/runs/0/created").asBoolean()).isFalse();
        assertThat(runCount("push")).isEqualTo(1);

        JsonNode deliveries = JSON.readTree(alice.get("/api/v1/repos/alice/push/hooks/deliveries").body());
        assertThat(deliveries).hasSize(2);
        assertThat(deliveries.get(0).get("forge").asText()).isEqualTo("gitea");
        assertThat(deliveries.get(0).get("event").asText()).isEqualTo("push");
        assertThat(deliveries.get(0).get("summary").asText()).contains("run " + id);
        JsonNode repo = JSON.readTree(alice.get("/api/v1/repos/alice/push").body());
        assertThat(repo.at("/last_delivery/event").asText()).isEqualTo("push");
    }

    @Test
    void badSignaturesAreRefusedAndRecordNothingUnknownRepositoriesSayWhatWasTried() throws Exception {
        ForgeHooks f = forge("guarded", "guarded-secret-1", Map.of(".slipway/ci.yml", """
                on: { push: true }
                images: { box: local/busybox:1 }
                tasks:
                  t: { image: box, commands: ["true"] }
                """));
        String after = f.commitAndPush(Map.of("b.txt", "b\n"), "b");
        byte[] body = f.body("gitea-push", ForgeHooks.push("refs/heads/main", ZERO, after, "b"));
        ForgeHooks.Answer wrong = f.deliverSigned("gitea", "push", body, null, "not-the-secret");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().get("message").asText()).contains("signature does not match").contains("alice/guarded");
        ForgeHooks.Answer unsigned = f.deliverSigned("gitea", "push", body, null, null);
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(unsigned.body().get("message").asText()).contains("no signature");
        ForgeHooks.Answer githubWrong = f.deliverSigned("github", "push", f.body("github-push", ForgeHooks.push("refs/heads/main", ZERO, after,
                "b")), null, "not-the-secret");
        assertThat(githubWrong.status()).isEqualTo(401);
        assertThat(runCount("guarded")).isZero();
        assertThat(JSON.readTree(alice.get("/api/v1/repos/alice/guarded/hooks/deliveries").body())).isEmpty();

        ForgeHooks stranger = new ForgeHooks("nobody/unknown", server.baseUrl(), "x-secret-1", Map.of("x", "x"));
        ForgeHooks.Answer unknown = stranger.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/main", ZERO, stranger.head(), "x"), null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("message").asText()).contains("no registered repository matches")
                .contains("clone URL http://gitea.test/nobody/unknown.git").contains("full name nobody/unknown");

        ForgeHooks.Answer ping = f.deliverSigned("gitea", "ping", "{\"repository\":{\"full_name\":\"alice/guarded\"}}".getBytes(), null,
                "guarded-secret-1");
        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.body().get("message").asText()).startsWith("pong");
    }

    @Test
    void githubPushesAndTheirCreateEvents() throws Exception {
        ForgeHooks f = forge("hub", "hub-secret-12", Map.of(".slipway/ci.yml", """
                on: { push: { branches: [main], tags: ["v*"] } }
                images: { box: local/busybox:1 }
                tasks:
                  show: { image: box, commands: [%s] }
                """.formatted(SHOW)));
        String before = f.head();
        String after = f.commitAndPush(Map.of("c.txt", "c\n"), "fix: c");
        ForgeHooks.Answer push = f.deliver("github", "push", "github-push", ForgeHooks.push("refs/heads/main", before, after, "fix: c"), null);
        assertThat(push.status()).as(push.body().toString()).isEqualTo(200);
        assertThat(ci.await(runIds(push).getFirst()).get("status").asText()).isEqualTo("success");

        GitRepos.git(f.work, "tag", "-a", "v1.0.0", "-m", "v1.0.0");
        GitRepos.git(f.work, "push", "-q", "origin", "v1.0.0");
        ForgeHooks.Answer create = f.deliverSigned("github", "create", "{\"ref\":\"v1.0.0\",\"ref_type\":\"tag\",\"repository\":{\"full_name\":\"alice/hub\"}}"
                .getBytes(), null, "hub-secret-12");
        assertThat(create.status()).isEqualTo(200);
        assertThat(create.body().get("runs")).isEmpty();
        assertThat(create.body().get("reason").asText()).contains("push event starts its runs");
        ForgeHooks.Answer tag = f.deliver("github", "push", "github-push", ForgeHooks.push("refs/tags/v1.0.0", ZERO, after, "fix: c"), null);
        JsonNode run = ci.await(runIds(tag).getFirst());
        assertThat(run.get("event").asText()).isEqualTo("tag");
        assertThat(ci.log(run, "show")).contains("event=tag ref=refs/tags/v1.0.0 short=" + after.substring(0, 8));
    }

    @Test
    void branchTagAndPathFiltersSkipMarkersAndEmptyCommits() throws Exception {
        ForgeHooks f = forge("filters", "filter-secret-1", Map.of(
                ".slipway/main.yml", """
                        on: { push: { branches: [main, "release/**", "!release/old/**"] } }
                        images: { box: local/busybox:1 }
                        tasks:
                          t: { image: box, commands: ["true"] }
                        """,
                ".slipway/images.yml", """
                        on: { push: { branches: [main], paths: ["dockerfiles/**"], skip: ["[skip images]"] } }
                        images: { box: local/busybox:1 }
                        tasks:
                          t: { image: box, commands: ["true"] }
                        """,
                ".slipway/release.yml", """
                        on: { push: { tags: ["v*"] } }
                        images: { box: local/busybox:1 }
                        tasks:
                          t: { image: box, commands: ["true"] }
                        """));
        // A change outside dockerfiles/: main runs, images does not (path filter).
        String c1 = f.commitAndPush(Map.of("README.md", "r\n"), "docs");
        ForgeHooks.Answer a = f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/main", ZERO, c1, "docs"), null);
        assertThat(pipelines(a)).containsExactly("main");
        assertThat(a.body().get("notes").toString()).contains("images: not started, none of the")
                .contains("release: not started, it runs for tag pushes only");
        // A change inside: both.
        String before = c1;
        String c2 = f.commitAndPush(Map.of("dockerfiles/app/Dockerfile", "FROM scratch\n"), "build: app image");
        assertThat(pipelines(f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/main", before, c2, "build: app image"), null)))
                .containsExactlyInAnyOrder("main", "images");
        // A custom marker skips only the pipeline that declares it.
        String c3 = f.commitAndPush(Map.of("dockerfiles/app/Dockerfile", "FROM scratch\n# 2\n"), "build: bump [skip images]");
        ForgeHooks.Answer custom = f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/main", c2, c3, "build: bump [skip images]"), null);
        assertThat(pipelines(custom)).containsExactly("main");
        assertThat(custom.body().get("notes").toString()).contains("images: skipped, the head commit's message contains [skip images]");
        // Every standard marker skips everything.
        String prev = c3;
        for (String marker : List.of("[skip ci]", "[ci skip]", "[no ci]", "[skip actions]", "[actions skip]")) {
            String c = f.commitAndPush(Map.of("dockerfiles/x", marker), "chore: " + marker);
            ForgeHooks.Answer skipped = f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/main", prev, c, "chore: " + marker), null);
            assertThat(skipped.body().get("runs")).as(marker).isEmpty();
            assertThat(skipped.body().get("reason").asText()).contains("contains " + marker);
            prev = c;
        }
        // An empty commit matches no pipeline with a paths filter (seed 001's pain), and says so.
        String empty = f.commitAndPush(Map.of(), "chore: empty");
        ForgeHooks.Answer e = f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/main", prev, empty, "chore: empty"), null);
        assertThat(pipelines(e)).containsExactly("main");
        assertThat(e.body().get("notes").toString()).contains("images: not started, no files changed (an empty commit)");
        // Branch filters with exclusions.
        GitRepos.git(f.work, "checkout", "-q", "-b", "release/old/1");
        String old = f.commitAndPush(Map.of("o", "o"), "old");
        ForgeHooks.Answer excluded = f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/release/old/1", ZERO, old, "old"), null);
        assertThat(excluded.body().get("runs")).isEmpty();
        assertThat(excluded.body().get("reason").asText()).contains("branch 'release/old/1' does not match 'on.push.branches'");
        GitRepos.git(f.work, "checkout", "-q", "-b", "release/2");
        String rel = f.commitAndPush(Map.of("n", "n"), "new");
        assertThat(pipelines(f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/release/2", ZERO, rel, "new"), null)))
                .containsExactly("main");
        // A tag: Gitea sends push and create; one run.
        GitRepos.git(f.work, "tag", "v2.0.0");
        GitRepos.git(f.work, "push", "-q", "origin", "v2.0.0");
        ForgeHooks.Answer tagPush = f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/tags/v2.0.0", ZERO, rel, "new"), null);
        ForgeHooks.Answer tagCreate = f.deliver("gitea", "create", "gitea-create", ForgeHooks.push("refs/tags/v2.0.0", ZERO, rel, "new"), null);
        assertThat(pipelines(tagPush)).containsExactly("release");
        assertThat(runIds(tagCreate)).isEqualTo(runIds(tagPush));
    }

    static List<String> pipelines(ForgeHooks.Answer a) {
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        return a.body().get("runs").findValuesAsText("pipeline");
    }

    @Test
    void anInvalidPipelineOnAPushGetsAnErrorRunThatSaysWhy() throws Exception {
        ForgeHooks f = forge("broken", "broken-secret-1", Map.of(".slipway/ci.yml", """
                on: { push: true }
                images: { box: local/busybox:1 }
                tasks:
                  t: { image: bx, commands: ["true"] }
                """));
        ForgeHooks.Answer a = f.deliver("gitea", "push", "gitea-push", ForgeHooks.push("refs/heads/main", ZERO, f.head(), "x"), null);
        assertThat(a.body().at("/runs/0/status").asText()).isEqualTo("error");
        JsonNode run = JSON.readTree(alice.get("/api/v1/runs/" + runIds(a).getFirst()).body());
        assertThat(run.get("status").asText()).isEqualTo("error");
        assertThat(run.get("status_message").asText()).contains(".slipway/ci.yml:4:").contains("undeclared image 'bx' (did you mean 'box'?)");
    }

    @Test
    void pullRequestsRunTheirHeadAndForksWaitForApprovalWithoutSecrets() throws Exception {
        ForgeHooks f = forge("prs", "prs-secret-12", Map.of(".slipway/ci.yml", """
                on: { pull_request: { branches: [main] } }
                images: { box: local/busybox:1 }
                tasks:
                  show:
                    image: box
                    secrets: [DEPLOY_TOKEN]
                    commands: [%s, "echo token-length=${#DEPLOY_TOKEN}"]
                """.formatted(SHOW)));
        Http owner = Http.basic(server.baseUrl(), "alice", "alice-password");
        HttpResponse<String> secret = owner.send(owner.request("/api/v1/repos/alice/prs/actions/secrets/DEPLOY_TOKEN")
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"data\":\"s3cr3t-value\"}")));
        assertThat(secret.statusCode()).isEqualTo(201);
        String base = f.head();
        GitRepos.git(f.work, "checkout", "-q", "-b", "feature");
        String head = GitRepos.commit(f.work, Map.of("f.txt", "f\n"), "feat: f");
        GitRepos.git(f.work, "push", "-q", "origin", "HEAD:refs/pull/1/head"); // as the forge keeps a pull request's head
        Map<String, String> same = new HashMap<>(Map.of("ACTION", "opened", "NUMBER", "1", "BASE_REF", "main", "BASE_SHA", base, "HEAD_REF",
                "feature", "AFTER", head, "HEAD_REPO_ID", "140", "HEAD_FULL_NAME", "alice/prs", "HEAD_IS_FORK", "false"));
        ForgeHooks.Answer opened = f.deliver("gitea", "pull_request", "gitea-pull_request", same, null);
        JsonNode run = ci.await(runIds(opened).getFirst());
        assertThat(run.get("status").asText()).as(ci.log(run, "show")).isEqualTo("success");
        assertThat(run.get("event").asText()).isEqualTo("pull_request");
        assertThat(run.get("pull_request").get("fork").asBoolean()).isFalse();
        assertThat(ci.log(run, "show")).contains("event=pull_request ref=refs/pull/1/head short=" + head.substring(0, 8))
                .contains("pr=1 head=feature base=main msg=feat: f").contains("token-length=12");

        // Closed is recorded and starts nothing unless a pipeline asks for it.
        same.put("ACTION", "closed");
        ForgeHooks.Answer closed = f.deliver("gitea", "pull_request", "gitea-pull_request", same, null);
        assertThat(closed.body().get("runs")).isEmpty();
        assertThat(closed.body().get("reason").asText()).contains("pull request action 'closed' is not in 'on.pull_request.types'");

        // A fork's pull request (GitHub's format this time): it waits, and runs without secrets once approved.
        String forkHead = GitRepos.commit(f.work, Map.of("evil.txt", "x\n"), "feat: from a fork");
        GitRepos.git(f.work, "push", "-q", "origin", "HEAD:refs/pull/2/head");
        Map<String, String> fork = Map.of("ACTION", "opened", "NUMBER", "2", "BASE_REF", "main", "BASE_SHA", base, "HEAD_REF", "feature",
                "AFTER", forkHead, "HEAD_REPO_ID", "999", "HEAD_FULL_NAME", "mallory/prs", "HEAD_IS_FORK", "true");
        ForgeHooks.Answer forked = f.deliver("github", "pull_request", "github-pull_request", fork, null);
        assertThat(forked.status()).as(forked.body().toString()).isEqualTo(200);
        long forkRun = runIds(forked).getFirst();
        assertThat(forked.body().at("/runs/0/status").asText()).isEqualTo("approval");
        Thread.sleep(1500); // the dispatcher would have taken a queued run by now
        JsonNode waiting = JSON.readTree(alice.get("/api/v1/runs/" + forkRun).body());
        assertThat(waiting.get("status").asText()).isEqualTo("approval");
        assertThat(waiting.at("/pull_request/fork").asBoolean()).isTrue();
        // Only a user with write rights approves: a read-only token cannot.
        Http reader = Http.token(server.baseUrl(), server.token("alice", "read:repository"));
        assertThat(reader.postJson("/api/v1/runs/" + forkRun + "/approve", "{}").statusCode()).isEqualTo(403);
        HttpResponse<String> approved = alice.postJson("/api/v1/runs/" + forkRun + "/approve", "{}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(202);
        JsonNode done = ci.await(forkRun);
        assertThat(done.get("status").asText()).as(ci.log(done, "show")).isEqualTo("success");
        assertThat(ci.log(done, "show")).contains("pr=2").contains("token-length=0").doesNotContain("s3cr3t");
        assertThat(alice.postJson("/api/v1/runs/" + forkRun + "/approve", "{}").statusCode()).isEqualTo(409);
    }
}
