package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notifications end to end: real runs on the shared Docker engine, and loopback HTTP servers that
 * play ntfy, Slack and a webhook receiver, recording method, path, headers and body; retries of a
 * failing receiver; what the run's JSON says was sent.
 */
class NotificationsIT {
    static final ObjectMapper JSON = new ObjectMapper();

    static TestServer server;
    static Http alice;
    static CiClient ci;
    static WebhookReceiver ntfy;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        alice = Http.token(server.baseUrl(), server.token("alice", "write:repository"));
        ci = new CiClient(alice, "alice");
        ntfy = WebhookReceiver.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (ntfy != null) {
            ntfy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static void secret(String name, String value) {
        Http password = Http.basic(server.baseUrl(), "alice", "alice-password");
        HttpResponse<String> r = password.put("/api/v1/user/actions/secrets/" + name, "application/json",
                JSON.createObjectNode().put("data", value).toString().getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isIn(201, 204);
    }

    /** Issue 10's acceptance example (as CiConditionsIT runs it) with {@code notify} given. */
    static String release(String notify) {
        return CiConditionsIT.RELEASE + "notify:\n" + notify;
    }

    /** A repository with the pipeline whose last tag is v1.2.3, then a commit {@code feat: add x}: its runs are v1.3.0. */
    static String register(String name, String pipeline) throws Exception {
        Path repo = GitRepos.create(Map.of(".slipway/release.yml", pipeline));
        GitRepos.git(repo, "tag", "-a", "v1.2.3", "-m", "Release v1.2.3 (patch)");
        String commit = GitRepos.commit(repo, Map.of("x.txt", "x\n"), "feat: add x");
        ci.register(name, repo);
        return commit;
    }

    static JsonNode run(String repo, boolean fail) throws Exception {
        return ci.run(repo, fail ? "{\"variables\": {\"RESULT\": \"1\"}}" : "{}");
    }

    /** The run's JSON once it has {@code count} notifications and none is pending. */
    static JsonNode settled(long id, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            JsonNode run = JSON.readTree(alice.get("/api/v1/runs/" + id).body());
            JsonNode ns = run.get("notifications");
            boolean done = ns.size() >= count;
            for (JsonNode n : ns) {
                done &= !n.get("state").asText().equals("pending");
            }
            if (done || System.nanoTime() > deadline) {
                return run;
            }
            Thread.sleep(50);
        }
    }

    static List<WebhookReceiver.Delivery> at(WebhookReceiver receiver, String path, int count) throws InterruptedException {
        return receiver.await(d -> d.path().equals(path), count, Duration.ofMinutes(2));
    }

    @Test
    void ntfyGetsSeed000sHeadersAndBodyOnceOnSuccessAndNothingOnFailure() throws Exception {
        register("release", release("""
                  - ntfy:
                      url: %s/gitea-ci
                      title: "Images built: ${SLIPWAY_REPO}"
                      priority: default
                      tags: [white_check_mark, docker]
                      message: "Version: ${SLIPWAY_VERSION}"
                    when: [success]
                """.formatted(ntfy.baseUrl())));

        JsonNode ok = run("release", false);
        assertThat(ok.get("status").asText()).as(ok.toString()).isEqualTo("success");
        JsonNode sent = settled(ok.get("id").asLong(), 1).get("notifications");
        assertThat(sent).hasSize(1);
        JsonNode n = sent.get(0);
        assertThat(n.get("kind").asText()).isEqualTo("ntfy");
        assertThat(n.get("target").asText()).isEqualTo(ntfy.baseUrl() + "/gitea-ci");
        assertThat(n.get("when").asText()).isEqualTo("success");
        assertThat(n.get("state").asText()).isEqualTo("delivered");
        assertThat(n.get("attempts").asInt()).isEqualTo(1);
        assertThat(n.get("last_status").asInt()).isEqualTo(200);
        assertThat(n.get("last_error").isNull()).isTrue();

        List<WebhookReceiver.Delivery> posts = at(ntfy, "/gitea-ci", 1);
        assertThat(posts).hasSize(1);
        WebhookReceiver.Delivery post = posts.getFirst();
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.header("Title")).isEqualTo("Images built: alice/release");
        assertThat(post.header("Priority")).isEqualTo("default");
        assertThat(post.header("Tags")).isEqualTo("white_check_mark,docker");
        assertThat(post.header("Authorization")).isNull();
        assertThat(post.header("Upgrade")).as("a plain HTTP/1.1 request, as curl makes").isNull();
        assertThat(post.body()).isEqualTo("Version: v1.3.0");
        assertThat(ok.get("version").get("version").asText()).isEqualTo("v1.3.0");

        // When test fails, on-failure runs, the run is a failure, and ntfy hears nothing.
        JsonNode failed = run("release", true);
        assertThat(failed.get("status").asText()).isEqualTo("failure");
        assertThat(CiClient.tasks(failed).get("on-failure").get("status").asText()).isEqualTo("success");
        assertThat(CiClient.tasks(failed).get("publish").get("status").asText()).isEqualTo("skipped");
        assertThat(failed.get("notifications")).as("enqueued when the run ended, if at all").isEmpty();
        assertThat(ntfy.received().stream().filter(d -> d.path().equals("/gitea-ci"))).hasSize(1);
    }

    /**
     * On failure: the run's JSON signed to a webhook, a Slack message to the URL in a secret, and
     * ntfy with a token and an emoji in its title. A success sends none of them.
     */
    @Test
    void failureNotificationsOfEveryKind() throws Exception {
        try (WebhookReceiver hooks = WebhookReceiver.start()) {
            secret("HOOK_KEY", "hook-key-1");
            secret("SLACK_WEBHOOK", hooks.baseUrl() + "/services/T000/B000/XXXX");
            secret("NTFY_TOKEN", "tk_notify_1");
            register("kinds", release("""
                      - webhook: { url: "%1$s/ci?source=slipway", secret: HOOK_KEY }
                        when: [failure]
                      - slack: { webhook: SLACK_WEBHOOK, text: "${SLIPWAY_PIPELINE} ${SLIPWAY_STATUS}: ${SLIPWAY_RUN_URL}" }
                        when: failure
                      - ntfy: { url: "%1$s/alerts", title: "❌ ${SLIPWAY_REPO} failed", priority: high, token: NTFY_TOKEN }
                        when: [failure]
                    """.formatted(hooks.baseUrl())));

            JsonNode ok = run("kinds", false);
            assertThat(ok.get("notifications")).isEmpty();

            JsonNode failed = run("kinds", true);
            long id = failed.get("id").asLong();
            JsonNode sent = settled(id, 3).get("notifications");
            assertThat(sent).hasSize(3).allSatisfy(n -> {
                assertThat(n.get("state").asText()).isEqualTo("delivered");
                assertThat(n.get("when").asText()).isEqualTo("failure");
            });
            assertThat(sent.get(0).get("target").asText()).isEqualTo(hooks.baseUrl() + "/ci");
            assertThat(sent.get(1).get("target").asText()).isEqualTo("the Slack webhook in secret SLACK_WEBHOOK");
            assertThat(sent.toString()).doesNotContain("/services/T000").doesNotContain("tk_notify_1").doesNotContain("hook-key-1");

            WebhookReceiver.Delivery hook = at(hooks, "/ci", 1).getFirst();
            assertThat(hook.method()).isEqualTo("POST");
            assertThat(hook.header("Content-Type")).startsWith("application/json");
            assertThat(hook.header("X-Slipway-Event")).isEqualTo("run.finished");
            assertThat(hook.header("X-Slipway-Delivery")).matches("\\d+");
            assertThat(hook.header("X-Slipway-Signature")).isEqualTo(WebhookReceiver.signature("hook-key-1", hook.body()));
            JsonNode body = JSON.readTree(hook.body());
            assertThat(body.get("id").asLong()).isEqualTo(id);
            assertThat(body.get("status").asText()).isEqualTo("failure");
            assertThat(body.get("url").asText()).isEqualTo(server.baseUrl() + "/api/v1/runs/" + id);
            assertThat(body.get("version").get("version").asText()).isEqualTo("v1.3.0");
            assertThat(body.get("version").get("pushed").asBoolean()).isFalse();
            assertThat(CiClient.tasks(body).get("publish").get("reason").asText()).isEqualTo("task 'test' it depends on did not succeed (failure)");
            assertThat(CiClient.tasks(body).get("on-failure").get("status").asText()).isEqualTo("success");

            WebhookReceiver.Delivery slack = at(hooks, "/services/T000/B000/XXXX", 1).getFirst();
            assertThat(slack.header("Content-Type")).startsWith("application/json");
            assertThat(JSON.readTree(slack.body())).isEqualTo(JSON.createObjectNode()
                    .put("text", "release failure: " + server.baseUrl() + "/api/v1/runs/" + id));

            WebhookReceiver.Delivery alert = at(hooks, "/alerts", 1).getFirst();
            assertThat(alert.header("Authorization")).isEqualTo("Bearer tk_notify_1");
            assertThat(alert.header("Priority")).isEqualTo("high");
            String title = alert.header("Title");
            assertThat(title).startsWith("=?UTF-8?B?").endsWith("?=");
            assertThat(new String(Base64.getDecoder().decode(title.substring(10, title.length() - 2)), StandardCharsets.UTF_8))
                    .isEqualTo("❌ alice/kinds failed");
            assertThat(alert.body()).startsWith("alice/kinds: release failure (run " + id + ", ");
        }
    }

    @Test
    void fixedIsTheFirstSuccessAfterAFailureOnTheSameBranch() throws Exception {
        register("fixing", release("""
                  - ntfy: { url: "%1$s/fixing/broken", message: "broken ${SLIPWAY_RUN_ID}" }
                    when: [failure]
                  - ntfy: { url: "%1$s/fixing/fixed", message: "fixed by ${SLIPWAY_RUN_ID}" }
                    when: [fixed]
                """.formatted(ntfy.baseUrl())));

        assertThat(run("fixing", false).get("notifications")).as("a first success fixes nothing").isEmpty();
        long broken = run("fixing", true).get("id").asLong();
        assertThat(at(ntfy, "/fixing/broken", 1).getFirst().body()).isEqualTo("broken " + broken);
        JsonNode fixing = run("fixing", false);
        long fixed = fixing.get("id").asLong();
        assertThat(settled(fixed, 1).get("notifications").get(0).get("when").asText()).isEqualTo("fixed");
        assertThat(at(ntfy, "/fixing/fixed", 1).getFirst().body()).isEqualTo("fixed by " + fixed);
        assertThat(run("fixing", false).get("notifications")).as("the branch was fixed already").isEmpty();
        assertThat(ntfy.received().stream().filter(d -> d.path().startsWith("/fixing/"))).hasSize(2);
    }

    /**
     * A receiver that fails twice is retried (same delivery id, same body) until it takes the
     * notification; one that answers 404, and a token whose secret is missing, fail at once. The
     * run's result is the same either way.
     */
    @Test
    void aFailingReceiverIsRetriedAndTheRunsResultStands() throws Exception {
        try (WebhookReceiver flaky = WebhookReceiver.start(); WebhookReceiver gone = WebhookReceiver.start()) {
            flaky.answer(500, 503);
            gone.answer(404);
            register("flaky", release("""
                      - webhook: { url: "%s/hook" }
                        when: always
                      - ntfy: { url: "%s/missing" }
                      - ntfy: { url: "%s/topic", token: NOT_SET }
                    """.formatted(flaky.baseUrl(), gone.baseUrl(), ntfy.baseUrl())));

            JsonNode run = run("flaky", false);
            assertThat(run.get("status").asText()).isEqualTo("success");
            long id = run.get("id").asLong();
            JsonNode sent = settled(id, 3).get("notifications");

            JsonNode retried = sent.get(0);
            assertThat(retried.get("state").asText()).isEqualTo("delivered");
            assertThat(retried.get("attempts").asInt()).isEqualTo(3);
            assertThat(retried.get("last_status").asInt()).isEqualTo(200);
            List<WebhookReceiver.Delivery> tries = at(flaky, "/hook", 3);
            assertThat(tries.stream().map(WebhookReceiver.Delivery::answeredWith).toList()).containsExactly(500, 503, 200);
            assertThat(tries.stream().map(d -> d.header("X-Slipway-Delivery")).distinct()).hasSize(1);
            assertThat(tries.stream().map(WebhookReceiver.Delivery::body).distinct()).hasSize(1);

            JsonNode refused = sent.get(1);
            assertThat(refused.get("state").asText()).isEqualTo("failed");
            assertThat(refused.get("attempts").asInt()).isEqualTo(1);
            assertThat(refused.get("last_status").asInt()).isEqualTo(404);
            assertThat(refused.get("last_error").asText()).contains("POST " + gone.baseUrl() + "/missing: 404");

            JsonNode noSecret = sent.get(2);
            assertThat(noSecret.get("state").asText()).isEqualTo("failed");
            assertThat(noSecret.get("last_status").isNull()).isTrue();
            assertThat(noSecret.get("last_error").asText()).contains("secret 'NOT_SET' is not set").contains("slipway secret set");
            assertThat(ntfy.received()).noneMatch(d -> d.path().equals("/topic"));

            JsonNode after = JSON.readTree(alice.get("/api/v1/runs/" + id).body());
            assertThat(after.get("status").asText()).as("notifications never change the result").isEqualTo("success");
            assertThat(after.get("status_message").isNull()).isTrue();
        }
    }
}
