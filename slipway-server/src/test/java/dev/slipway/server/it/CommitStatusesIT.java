package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Commit statuses back to the forge: real runs on the shared Docker engine, and a recording HTTP
 * server that plays the forge's API (Gitea's and GitHub's status endpoints) and checks what each
 * request carried, in which order; a forge that fails for a while; a forge Slipway does not know;
 * a forge learned from a webhook delivery.
 */
class CommitStatusesIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String OK = """
            images: { box: local/busybox:1 }
            tasks:
              build:
                image: box
                commands: [ "echo built" ]
            """;
    static final String BAD = """
            images: { box: local/busybox:1 }
            tasks:
              build:
                image: box
                commands: [ "echo broken", "exit 3" ]
            """;
    static final String ON_PUSH = """
            on: { push: { branches: [main] } }
            images: { box: local/busybox:1 }
            tasks:
              build:
                image: box
                commands: [ "echo pushed" ]
            """;

    static TestServer server;
    static Http alice;
    static CiClient ci;
    static WebhookReceiver forge;
    static Path repo;
    static String head;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        alice = Http.token(server.baseUrl(), server.token("alice", "write:repository"));
        ci = new CiClient(alice, "alice");
        forge = WebhookReceiver.start();
        repo = GitRepos.create(Map.of(".slipway/ok.yml", OK, ".slipway/bad.yml", BAD));
        head = GitRepos.git(repo, "rev-parse", "HEAD").trim();
        Http password = Http.basic(server.baseUrl(), "alice", "alice-password");
        for (String[] secret : new String[][] {{"FORGE_STATUS", "gitea-token-1"}, {"GH_STATUS", "gh-token-2"}}) {
            HttpResponse<String> r = password.put("/api/v1/user/actions/secrets/" + secret[0], "application/json",
                    ("{\"data\": \"" + secret[1] + "\"}").getBytes());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (forge != null) {
            forge.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static void register(String name, Path repository, Map<String, String> fields) {
        HttpResponse<String> r = ci.registration(name, repository.toUri().toString(), fields);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    static Map<String, String> gitea(String path) {
        return Map.of("forge", "gitea", "forge_url", forge.baseUrl() + path, "status_token", "FORGE_STATUS");
    }

    /** The forge's requests for one commit's statuses in one context, in the order it received them. */
    static List<WebhookReceiver.Delivery> statuses(String path, String context, int count) throws Exception {
        return forge.await(d -> d.path().equals(path) && body(d).path("context").asText().equals(context), count, Duration.ofMinutes(2));
    }

    static JsonNode body(WebhookReceiver.Delivery d) {
        try {
            return JSON.readTree(d.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + d.body(), e);
        }
    }

    static List<String> field(List<WebhookReceiver.Delivery> ds, String name) {
        return ds.stream().map(d -> body(d).path(name).asText()).toList();
    }

    static JsonNode run(long id) throws Exception {
        return JSON.readTree(alice.get("/api/v1/runs/" + id).body());
    }

    /** The run's JSON once {@code count} statuses are no longer pending (delivered or failed). */
    static JsonNode settled(long id, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            JsonNode run = run(id);
            JsonNode ds = run.path("commit_statuses").path("deliveries");
            int done = 0;
            for (JsonNode d : ds) {
                done += d.path("delivery").asText().equals("pending") ? 0 : 1;
            }
            if (done >= count || System.nanoTime() > deadline) {
                return run;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void giteaIsToldPendingThenSuccessOrFailureForTheRightCommit() throws Exception {
        register("site", repo, Map.of("forge", "gitea", "forge_url", forge.baseUrl() + "/api/v1", "forge_repository", "acme/widgets",
                "status_token", "FORGE_STATUS"));
        JsonNode ok = ci.run("site", "{\"pipeline\": \"ok\"}");
        JsonNode bad = ci.run("site", "{\"pipeline\": \"bad\"}");
        assertThat(ok.get("status").asText()).isEqualTo("success");
        assertThat(bad.get("status").asText()).isEqualTo("failure");
        String path = "/api/v1/repos/acme/widgets/statuses/" + head;

        List<WebhookReceiver.Delivery> okStatuses = statuses(path, "slipway/ok", 3);
        assertThat(field(okStatuses, "state")).containsExactly("pending", "pending", "success");
        assertThat(field(okStatuses, "description").subList(0, 2)).containsExactly("Queued", "Running");
        assertThat(field(okStatuses, "description").get(2)).matches("Succeeded in \\d+s");
        for (WebhookReceiver.Delivery d : okStatuses) {
            assertThat(d.method()).isEqualTo("POST");
            assertThat(d.header("Authorization")).isEqualTo("token gitea-token-1");
            assertThat(d.header("Content-Type")).startsWith("application/json");
            assertThat(body(d).path("target_url").asText()).isEqualTo(server.baseUrl() + "/api/v1/runs/" + ok.get("id").asLong());
        }
        List<WebhookReceiver.Delivery> badStatuses = statuses(path, "slipway/bad", 3);
        assertThat(field(badStatuses, "state")).containsExactly("pending", "pending", "failure");
        assertThat(field(badStatuses, "description").get(2)).isEqualTo("task build failed");
        assertThat(body(badStatuses.get(2)).path("target_url").asText()).endsWith("/api/v1/runs/" + bad.get("id").asLong());

        // The run says what the forge was told, and that it took it.
        JsonNode statuses = settled(ok.get("id").asLong(), 3).get("commit_statuses");
        assertThat(statuses.get("enabled").asBoolean()).isTrue();
        assertThat(statuses.get("problem").isNull()).isTrue();
        assertThat(statuses.get("deliveries")).hasSize(3).allSatisfy(d -> {
            assertThat(d.get("delivery").asText()).isEqualTo("delivered");
            assertThat(d.get("attempts").asInt()).isEqualTo(1);
            assertThat(d.get("last_status").asInt()).isEqualTo(200);
            assertThat(d.get("context").asText()).isEqualTo("slipway/ok");
        });
        assertThat(statuses.get("deliveries").get(2).get("state").asText()).isEqualTo("success");
        JsonNode registration = JSON.readTree(alice.get("/api/v1/repos/alice/site").body()).get("commit_statuses");
        assertThat(registration.get("forge_url").asText()).isEqualTo(forge.baseUrl() + "/api/v1");
        assertThat(registration.get("forge_repository").asText()).isEqualTo("acme/widgets");
    }

    @Test
    void gitHubGetsABearerTokenAndItsMediaType() throws Exception {
        register("gh", repo, Map.of("forge", "github", "forge_url", forge.baseUrl() + "/gh/", "status_token", "GH_STATUS"));
        long id = ci.run("gh", "{\"pipeline\": \"bad\"}").get("id").asLong();
        List<WebhookReceiver.Delivery> sent = statuses("/gh/repos/alice/gh/statuses/" + head, "slipway/bad", 3);
        assertThat(field(sent, "state")).containsExactly("pending", "pending", "failure");
        for (WebhookReceiver.Delivery d : sent) {
            assertThat(d.method()).isEqualTo("POST");
            assertThat(d.header("Authorization")).isEqualTo("Bearer gh-token-2");
            assertThat(d.header("Accept")).isEqualTo("application/vnd.github+json");
            assertThat(body(d).path("target_url").asText()).isEqualTo(server.baseUrl() + "/api/v1/runs/" + id);
        }
    }

    /**
     * The forge holds its answers while the run goes on, then fails twice: the run ends regardless,
     * and the statuses arrive afterwards, retried, in order.
     */
    @Test
    void aFailingForgeIsRetriedInOrderAndNeverHoldsTheRunUp() throws Exception {
        register("flaky", repo, gitea("/flaky/api/v1"));
        String path = "/flaky/api/v1/repos/alice/flaky/statuses/" + head;
        forge.hold();
        JsonNode run;
        try {
            run = ci.run("flaky", "{\"pipeline\": \"ok\"}");
            assertThat(run.get("status").asText()).isEqualTo("success");
            // The run finished while the forge had not answered a single status.
            JsonNode statuses = run(run.get("id").asLong()).get("commit_statuses");
            assertThat(statuses.get("deliveries")).isNotEmpty()
                    .allSatisfy(d -> assertThat(d.get("delivery").asText()).isEqualTo("pending"));
            assertThat(forge.received()).noneMatch(d -> d.path().equals(path));
            forge.answer(500, 500);
        } finally {
            forge.release();
        }
        List<WebhookReceiver.Delivery> sent = statuses(path, "slipway/ok", 5);
        assertThat(sent).hasSize(5);
        assertThat(sent.stream().map(WebhookReceiver.Delivery::answeredWith).toList()).containsExactly(500, 500, 200, 200, 200);
        assertThat(field(sent, "description").subList(0, 4)).containsExactly("Queued", "Queued", "Queued", "Running");
        assertThat(field(sent, "state").get(4)).isEqualTo("success");

        JsonNode deliveries = settled(run.get("id").asLong(), 3).get("commit_statuses").get("deliveries");
        JsonNode queued = deliveries.get(0);
        assertThat(queued.get("delivery").asText()).isEqualTo("delivered");
        assertThat(queued.get("attempts").asInt()).isEqualTo(3);
        assertThat(queued.get("last_status").asInt()).isEqualTo(200);
        assertThat(deliveries.get(2).get("delivery").asText()).isEqualTo("delivered");
    }

    @Test
    void withoutAKnownForgeOrATokenTheRunSaysWhyNoStatusArrived() throws Exception {
        register("nowhere", repo, Map.of("status_token", "FORGE_STATUS"));
        long id = ci.run("nowhere", "{\"pipeline\": \"ok\"}").get("id").asLong();
        JsonNode statuses = settled(id, 3).get("commit_statuses");
        assertThat(statuses.get("enabled").asBoolean()).isTrue();
        assertThat(statuses.get("problem").asText()).contains("the forge is not known").contains("--forge");
        assertThat(statuses.get("deliveries")).hasSize(3).allSatisfy(d -> {
            assertThat(d.get("delivery").asText()).isEqualTo("failed");
            assertThat(d.get("attempts").asInt()).isEqualTo(1);
            assertThat(d.get("last_answer").asText()).contains("the forge is not known");
        });
        assertThat(JSON.readTree(alice.get("/api/v1/repos/alice/nowhere").body()).get("commit_statuses").get("problem").asText())
                .contains("the forge is not known");

        register("quiet", repo, Map.of("forge", "gitea", "forge_url", forge.baseUrl() + "/quiet/api/v1"));
        JsonNode quiet = ci.run("quiet", "{\"pipeline\": \"ok\"}").get("commit_statuses");
        assertThat(quiet.get("enabled").asBoolean()).isFalse();
        assertThat(quiet.get("problem").asText()).contains("no status_token is set");
        assertThat(quiet.get("deliveries")).isEmpty();
        assertThat(forge.received()).noneMatch(d -> d.path().startsWith("/quiet/"));

        // A token whose secret is missing fails the status at once, naming the secret.
        register("nosecret", repo, Map.of("forge", "gitea", "forge_url", forge.baseUrl() + "/api/v1", "status_token", "NOT_THERE"));
        long missing = ci.run("nosecret", "{\"pipeline\": \"ok\"}").get("id").asLong();
        assertThat(settled(missing, 3).get("commit_statuses").get("deliveries").get(0).get("last_answer").asText())
                .contains("'NOT_THERE' is not set");
    }

    /**
     * A registration that names no forge learns it from a signed Gitea push delivery (its headers,
     * the payload's repository URL and full name; the fixture is Gitea's payload shape), and keeps
     * it for runs started another way.
     */
    @Test
    void aWebhookDeliveryTeachesWhereTheForgeIs() throws Exception {
        ForgeHooks hooked = new ForgeHooks("acme/hooked", server.baseUrl(), "hooked-secret-1", Map.of(".slipway/ci.yml", ON_PUSH));
        String sha = hooked.head();
        HttpResponse<String> registered = ci.registration("hooked", hooked.cloneUrl(), Map.of("status_token", "FORGE_STATUS",
                "webhook_secret", "hooked-secret-1"));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String api = forge.baseUrl() + "/learned/api/v1";
        Map<String, String> values = new HashMap<>(ForgeHooks.push("refs/heads/main", "0".repeat(40), sha, "initial"));
        values.put("CLONE_URL", hooked.cloneUrl());
        values.put("API_URL", api);
        ForgeHooks.Answer hook = hooked.deliver("gitea", "push", "gitea-push", values, null);
        assertThat(hook.status()).as(hook.body().toString()).isEqualTo(200);
        ci.await(hook.body().get("runs").get(0).get("id").asLong());

        String path = "/learned/api/v1/repos/acme/hooked/statuses/" + sha;
        assertThat(field(statuses(path, "slipway/ci", 3), "state")).containsExactly("pending", "pending", "success");
        JsonNode learned = JSON.readTree(alice.get("/api/v1/repos/alice/hooked").body()).get("commit_statuses");
        assertThat(learned.get("forge").asText()).isEqualTo("gitea");
        assertThat(learned.get("forge_url").asText()).isEqualTo(api);
        assertThat(learned.get("forge_repository").asText()).isEqualTo("acme/hooked");
        assertThat(learned.get("learned").get("forge_url").asText()).isEqualTo(api);

        // A run no webhook started (the API here; a poll alike) goes to the same place.
        ci.run("hooked", "{}");
        List<WebhookReceiver.Delivery> all = statuses(path, "slipway/ci", 6);
        assertThat(field(all, "state")).containsExactly("pending", "pending", "success", "pending", "pending", "success");
        assertThat(all.getLast().header("Authorization")).isEqualTo("token gitea-token-1");
    }
}
