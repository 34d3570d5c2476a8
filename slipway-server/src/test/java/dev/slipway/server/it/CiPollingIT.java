package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Polling: pushes no webhook reported start runs within the interval (seed 001 lost deploys to
 * dropped webhooks), a webhook and a poll of one push make one run, a server that was down
 * catches up, and a remote that fails says so. Real git pushes to a bare repository; the only
 * webhook is POSTed as Gitea sends it. Every wait is "eventually, within a minute", never a timing
 * assertion.
 */
class CiPollingIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PIPELINE = """
            on: { push: true }
            images: { box: local/busybox:1 }
            tasks:
              show:
                image: box
                commands: [ 'echo "$SLIPWAY_EVENT $SLIPWAY_REF $SLIPWAY_BEFORE"' ]
            """;

    /** Short, so the tests are quick; nothing here depends on how short. */
    static final int POLL_SECONDS = 2;

    static TestServer server;
    static CiClient alice;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        Tools.require("git");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        alice = new CiClient(Http.token(server.baseUrl(), server.token("alice", "write:repository")), "alice");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pushesNoWebhookReportedStartRunsWithinTheInterval() throws Exception {
        GitRemote remote = GitRemote.create(Map.of(".slipway/ci.yml", PIPELINE));
        remote.git("branch", "feature");
        remote.git("tag", "v1.0");
        remote.push("feature", "v1.0");
        register(alice, "polled", remote);

        // The first poll records the three heads and starts nothing.
        awaitPollAfter(alice, "polled", null);
        assertThat(alice.runs("polled")).isEmpty();

        String before = remote.head("main");
        String main = remote.commit(Map.of("a.txt", "a"), "second on main");
        remote.push("main");
        remote.git("checkout", "-q", "-b", "topic");
        String topic = remote.commit(Map.of("b.txt", "b"), "a new branch");
        remote.push("topic");
        remote.git("checkout", "-q", "main");
        remote.git("tag", "v2.0");
        remote.push("v2.0", ":feature");
        Instant pushed = Instant.now();

        List<JsonNode> runs = alice.awaitRuns("polled", r -> r.size() >= 3);
        assertThat(runs).hasSize(3);
        JsonNode onMain = byRef(runs, "refs/heads/main");
        assertThat(onMain.get("event").asText()).isEqualTo("push");
        assertThat(onMain.get("commit").asText()).isEqualTo(main);
        assertThat(onMain.get("before").asText()).isEqualTo(before);
        assertThat(onMain.get("message").asText()).contains("second on main");
        JsonNode onTopic = byRef(runs, "refs/heads/topic");
        assertThat(onTopic.get("commit").asText()).isEqualTo(topic);
        assertThat(onTopic.get("before").isNull()).as("a new branch has no before").isTrue();
        JsonNode tag = byRef(runs, "refs/tags/v2.0");
        assertThat(tag.get("event").asText()).isEqualTo("tag");
        assertThat(tag.get("commit").asText()).isEqualTo(main);
        assertThat(CiClient.tasks(alice.await(onMain.get("id").asLong())).get("show").get("status").asText())
                .isEqualTo("success");

        // The deleted branch is forgotten: pushed again at its old commit, it is a new branch.
        awaitPollAfter(alice, "polled", awaitPollAfter(alice, "polled", pushed));
        remote.push("feature");
        runs = alice.awaitRuns("polled", r -> r.size() >= 4);
        JsonNode feature = byRef(runs, "refs/heads/feature");
        assertThat(feature.get("commit").asText()).isEqualTo(before);
        assertThat(feature.get("before").isNull()).isTrue();
        assertThat(runs).hasSize(4);
    }

    @Test
    void aWebhookAndAPollOfTheSamePushMakeOneRun() throws Exception {
        GitRemote remote = GitRemote.create(Map.of(".slipway/ci.yml", PIPELINE));
        String secret = register(alice, "both", remote).get("webhook_secret").asText();
        awaitPollAfter(alice, "both", null);

        // The poll first, then the forge's late webhook: the webhook finds the poll's run.
        String c0 = remote.head("main");
        String c1 = remote.commit(Map.of("a.txt", "1"), "one");
        remote.push("main");
        List<JsonNode> runs = alice.awaitRuns("both", r -> !r.isEmpty());
        long polled = runs.getFirst().get("id").asLong();
        JsonNode answer = giteaPush(server.baseUrl(), alice, remote, "both", secret, c0, c1);
        assertThat(answer.get("runs")).hasSize(1);
        assertThat(answer.get("runs").get(0).get("id").asLong()).isEqualTo(polled);
        assertThat(answer.get("runs").get(0).get("created").asBoolean()).isFalse();

        // The webhook first, then polls: they find the head already seen and start nothing.
        String c2 = remote.commit(Map.of("a.txt", "2"), "two");
        remote.push("main");
        answer = giteaPush(server.baseUrl(), alice, remote, "both", secret, c1, c2);
        assertThat(answer.get("runs").get(0).get("created").asBoolean()).isTrue();
        Instant hooked = Instant.now();
        awaitPollAfter(alice, "both", awaitPollAfter(alice, "both", hooked));
        runs = alice.runs("both");
        assertThat(runs).extracting(r -> r.get("commit").asText()).containsExactlyInAnyOrder(c1, c2);
    }

    @Test
    void aServerStoppedDuringTwoPushesStartsTheNewestHeadOnceWithTheHeadBeforeTheStop() throws Exception {
        GitRemote remote = GitRemote.create(Map.of(".slipway/paths.yml", """
                on: { push: { paths: [ "src/**" ] } }
                images: { box: local/busybox:1 }
                tasks:
                  build:
                    image: box
                    commands: [ 'echo "$SLIPWAY_BEFORE..$SLIPWAY_COMMIT"' ]
                """, "src/app.txt", "v1"));
        TestServer own = TestServer.start();
        try {
            own.createUser("bob", "bob-password");
            String token = own.token("bob", "write:repository");
            CiClient bob = new CiClient(Http.token(own.baseUrl(), token), "bob");
            register(bob, "restarted", remote);
            awaitPollAfter(bob, "restarted", null);
            String head0 = remote.head("main");

            String[] heads = new String[2];
            own = own.restart(() -> {
                // The source changes first, then a documentation-only commit on top: measured from the
                // head before the stop, the paths filter sees src/ changed; from the first push it would not.
                heads[0] = remote.commit(Map.of("src/app.txt", "v2"), "change the source");
                remote.push("main");
                heads[1] = remote.commit(Map.of("README.md", "docs"), "documentation only");
                remote.push("main");
            });
            bob = new CiClient(Http.token(own.baseUrl(), token), "bob");

            List<JsonNode> runs = bob.awaitRuns("restarted", r -> !r.isEmpty());
            assertThat(runs).hasSize(1);
            assertThat(runs.getFirst().get("commit").asText()).isEqualTo(heads[1]);
            assertThat(runs.getFirst().get("before").asText()).isEqualTo(head0);
            Instant seen = Instant.now();
            awaitPollAfter(bob, "restarted", awaitPollAfter(bob, "restarted", seen));
            assertThat(bob.runs("restarted")).hasSize(1);
        } finally {
            own.close();
        }
    }

    @Test
    void aRemoteThatCannotBeListedSaysSoAndIsPolledAgainWhenItIsBack() throws Exception {
        GitRemote remote = GitRemote.create(Map.of(".slipway/ci.yml", PIPELINE));
        register(alice, "flaky", remote);
        Instant lastPoll = awaitPollAfter(alice, "flaky", null);
        String head0 = remote.head("main");

        remote.moveAway(true);
        JsonNode failing = alice.awaitRepository("flaky", repo -> !repo.get("last_poll_error").isNull());
        assertThat(failing.get("last_poll_error").asText()).contains("cannot list the refs of " + remote.cloneUrl());
        // last_poll is the last time the remote was listed.
        assertThat(Instant.parse(failing.get("last_poll").asText())).isEqualTo(lastPoll);

        // Back, with a push made meanwhile: the retry (after the backoff) picks it up and the error goes.
        remote.moveAway(false);
        String c1 = remote.commit(Map.of("a.txt", "1"), "while the remote was away");
        remote.push("main");
        List<JsonNode> runs = alice.awaitRuns("flaky", r -> !r.isEmpty());
        assertThat(runs.getFirst().get("commit").asText()).isEqualTo(c1);
        assertThat(runs.getFirst().get("before").asText()).isEqualTo(head0);
        JsonNode healthy = alice.awaitRepository("flaky", repo -> repo.get("last_poll_error").isNull());
        assertThat(Instant.parse(healthy.get("last_poll").asText())).isAfter(lastPoll);
    }

    // ---- helpers

    static JsonNode register(CiClient ci, String name, GitRemote remote) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("owner", ci.owner()).put("name", name).put("clone_url", remote.cloneUrl())
                .put("default_branch", "main").put("poll_interval", POLL_SECONDS);
        HttpResponse<String> r = ci.http().postJson("/api/v1/repos", body.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode repo = JSON.readTree(r.body());
        assertThat(repo.get("poll_interval").asInt()).isEqualTo(POLL_SECONDS);
        return repo;
    }

    /** Waits for a poll that ended after {@code after} (any poll when null); returns its end. */
    static Instant awaitPollAfter(CiClient ci, String repo, Instant after) throws Exception {
        JsonNode r = ci.awaitRepository(repo, j -> !j.get("last_poll").isNull()
                && (after == null || Instant.parse(j.get("last_poll").asText()).isAfter(after)));
        return Instant.parse(r.get("last_poll").asText());
    }

    private static JsonNode byRef(List<JsonNode> runs, String ref) {
        return runs.stream().filter(r -> r.get("ref").asText().equals(ref)).findFirst()
                .orElseThrow(() -> new AssertionError("no run of " + ref + " in " + runs));
    }

    /** Gitea's push webhook for {@code before..after} on main, signed as Gitea signs it; returns the 200 answer. */
    static JsonNode giteaPush(String baseUrl, CiClient ci, GitRemote remote, String repo, String secret, String before, String after)
            throws Exception {
        ObjectNode p = JSON.createObjectNode().put("ref", "refs/heads/main").put("before", before).put("after", after);
        p.putObject("repository").put("full_name", ci.owner() + "/" + repo).put("clone_url", remote.cloneUrl());
        p.putObject("head_commit").put("id", after).put("message", GitRepos.git(remote.work(), "log", "-1", "--format=%B", after))
                .putObject("author").put("name", "Test").put("email", "test@example.invalid");
        byte[] body = p.toString().getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        Http forge = Http.anonymous(baseUrl);
        HttpRequest.Builder b = forge.request("/api/v1/hooks").header("Content-Type", "application/json")
                .header("X-Gitea-Event", "push").header("X-Gitea-Delivery", java.util.UUID.randomUUID().toString())
                .header("X-Gitea-Signature", HexFormat.of().formatHex(mac.doFinal(body)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<String> r = forge.send(b);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
