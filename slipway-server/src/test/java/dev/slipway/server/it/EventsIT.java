package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.registry.events.RegistryEvent;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Registry events: webhooks (signed, retried), the in-process listener, and the outbox surviving a crash. */
class EventsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);
    static TestServer server;
    static Http admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        admin = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        server.createUser("alice", "alice-password");
        server.slipway().identity().createOrg("elsewhere", null);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    static String addWebhook(String url, String secret, String owner) throws Exception {
        HttpResponse<String> r = admin.postJson("/api/v1/admin/webhooks", "{\"url\":\"" + url + "\",\"secret\":\"" + secret + "\""
                + (owner == null ? "" : ",\"owner\":\"" + owner + "\"") + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.body()).doesNotContain(secret);
        return json(r.body()).path("id").asText();
    }

    static JsonNode webhook(String id) throws Exception {
        for (JsonNode w : json(admin.get("/api/v1/admin/webhooks").body())) {
            if (w.path("id").asText().equals(id)) {
                return w;
            }
        }
        throw new AssertionError("no webhook " + id);
    }

    @Test
    void pushesAndDeletesAreDeliveredSignedAndRetriedAfterAFailure() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answer(500);
            String secret = "hook-secret-1";
            String hook = addWebhook(receiver.url(), secret, "alice");
            String elsewhere = addWebhook(receiver.url() + "/elsewhere", "other-secret", "elsewhere");
            List<RegistryEvent> heard = new CopyOnWriteArrayList<>();
            server.slipway().events().subscribe(heard::add);

            Http alice = Http.basic(server.baseUrl(), "alice", server.token("alice", "write:package"));
            RegistryPush push = new RegistryPush(alice);
            RegistryPush.Image image = push.image("alice/web", "v1", "events");

            // First attempt answered 500, the retry 200: the same signed body twice.
            List<WebhookReceiver.Delivery> pushed = receiver.await(d -> "manifest.pushed".equals(d.header("X-Slipway-Event")), 2, WAIT);
            assertThat(pushed).hasSize(2);
            assertThat(pushed.get(0).answeredWith()).isEqualTo(500);
            assertThat(pushed.get(1).answeredWith()).isEqualTo(200);
            assertThat(pushed.get(1).body()).isEqualTo(pushed.get(0).body());
            WebhookReceiver.Delivery d = pushed.get(1);
            assertThat(d.header("X-Slipway-Signature")).isEqualTo(WebhookReceiver.signature(secret, d.body()));
            assertThat(d.header("Content-Type")).isEqualTo("application/json");
            JsonNode event = json(d.body());
            assertThat(d.header("X-Slipway-Delivery")).isEqualTo(event.path("id").asText());
            assertThat(event.path("event").asText()).isEqualTo("manifest.pushed");
            assertThat(event.path("repository").asText()).isEqualTo("alice/web");
            assertThat(event.path("owner").asText()).isEqualTo("alice");
            assertThat(event.path("tag").asText()).isEqualTo("v1");
            assertThat(event.path("digest").asText()).isEqualTo(image.digest());
            assertThat(event.path("media_type").asText()).isEqualTo(RegistryPush.OCI_MANIFEST);
            assertThat(event.path("size").asLong()).isEqualTo(image.manifest().length);
            assertThat(event.path("actor").asText()).isEqualTo("alice");
            assertThat(event.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

            // A second tag, a tag deleted through the packages API, the manifest deleted by digest.
            push.manifest("alice/web", "v2", RegistryPush.OCI_MANIFEST, image.manifest());
            Http cleaner = Http.token(server.baseUrl(), server.token("alice", "delete:package"));
            assertThat(cleaner.delete("/api/v1/packages/alice/container/web/v1").statusCode()).isEqualTo(204);
            assertThat(alice.delete("/v2/alice/web/manifests/" + image.digest()).statusCode()).isEqualTo(202);

            JsonNode tagDeleted = json(receiver.await(x -> "tag.deleted".equals(x.header("X-Slipway-Event")), 1, WAIT).getFirst().body());
            assertThat(tagDeleted.path("tag").asText()).isEqualTo("v1");
            assertThat(tagDeleted.path("digest").asText()).isEqualTo(image.digest());
            assertThat(tagDeleted.path("actor").asText()).isEqualTo("alice");
            JsonNode manifestDeleted = json(receiver.await(x -> "manifest.deleted".equals(x.header("X-Slipway-Event")), 1, WAIT)
                    .getFirst().body());
            assertThat(manifestDeleted.path("digest").asText()).isEqualTo(image.digest());
            assertThat(manifestDeleted.path("tags").toString()).isEqualTo("[\"v2\"]");
            assertThat(receiver.await(x -> "manifest.pushed".equals(x.header("X-Slipway-Event")), 3, WAIT)).hasSize(3);

            // Every event went to the in-process listener too, in commit order.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (heard.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(heard).extracting(RegistryEvent::kind)
                    .containsExactly("manifest.pushed", "manifest.pushed", "tag.deleted", "manifest.deleted");
            assertThat(heard.getFirst()).isInstanceOfSatisfying(RegistryEvent.ManifestPushed.class, p -> {
                assertThat(p.id()).isEqualTo(event.path("id").asText());
                assertThat(p.digest().toString()).isEqualTo(image.digest());
            });

            // The other owner's webhook got no delivery at all (deliveries are created with the event's fan-out).
            JsonNode other = webhook(elsewhere).path("deliveries");
            assertThat(other.path("pending").asInt() + other.path("delivered").asInt() + other.path("failed").asInt()).isZero();
            assertThat(receiver.received()).noneMatch(x -> x.header("X-Slipway-Signature")
                    .equals(WebhookReceiver.signature("other-secret", x.body())));
            assertThat(webhook(hook).path("deliveries").path("failed").asInt()).isZero();
        }
    }

    @Test
    void webhooksAreValidatedAndOnlyForAdmins() throws Exception {
        assertThat(admin.postJson("/api/v1/admin/webhooks", "{\"url\":\"file:///etc/passwd\",\"secret\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(admin.postJson("/api/v1/admin/webhooks", "{\"url\":\"http://127.0.0.1:9/\"}").statusCode()).isEqualTo(400);
        assertThat(admin.postJson("/api/v1/admin/webhooks", "{\"url\":\"http://127.0.0.1:9/\",\"secret\":\"x\",\"owner\":\"nobody\"}")
                .statusCode()).isEqualTo(404);
        Http alice = Http.token(server.baseUrl(), server.token("alice", "write:package"));
        assertThat(alice.postJson("/api/v1/admin/webhooks", "{\"url\":\"http://127.0.0.1:9/\",\"secret\":\"x\"}").statusCode()).isEqualTo(403);
        assertThat(alice.get("/api/v1/admin/webhooks").statusCode()).isEqualTo(403);
        String id = addWebhook("http://127.0.0.1:9/", "x", null);
        assertThat(admin.delete("/api/v1/admin/webhooks/" + id).statusCode()).isEqualTo(204);
        assertThat(admin.delete("/api/v1/admin/webhooks/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void anAcknowledgedPushIsDeliveredAfterTheServerIsKilled() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens there until after the crash
        }
        var data = Files.createTempDirectory("slipway-events-");
        ServerProcess first = new ServerProcess(data).start();
        try (ServerProcess ignored = first) {
            first.cli("user", "create", "carol", "--password", "carol-password").ok();
            String token = first.cli("token", "create", "--user", "carol", "--name", "ci", "--scopes", "write:package").ok().out().trim();
            Tools.runWithInput(first.environment(), null, "crash-secret",
                    first.command("webhook", "add", "http://127.0.0.1:" + port + "/hook", "--secret-stdin").toArray(String[]::new)).ok();
            RegistryPush.Image image = new RegistryPush(Http.basic(first.baseUrl(), "carol", token)).image("carol/app", "v1", "crash");
            first.kill(); // SIGKILL right after the 201: nothing was delivered (nothing listens)

            try (WebhookReceiver receiver = WebhookReceiver.start(port);
                 ServerProcess second = new ServerProcess(data, first).start()) {
                List<WebhookReceiver.Delivery> got = receiver.await(d -> d.body().contains(image.digest()), 1, Duration.ofSeconds(60));
                assertThat(got).as("delivery after restart").isNotEmpty();
                WebhookReceiver.Delivery d = got.getFirst();
                assertThat(d.header("X-Slipway-Signature")).isEqualTo(WebhookReceiver.signature("crash-secret", d.body()));
                assertThat(json(d.body()).path("event").asText()).isEqualTo("manifest.pushed");
                assertThat(json(d.body()).path("actor").asText()).isEqualTo("carol");
                assertThat(second.cli("webhook", "list").ok().out()).contains("127.0.0.1:" + port);
            }
        }
    }
}
