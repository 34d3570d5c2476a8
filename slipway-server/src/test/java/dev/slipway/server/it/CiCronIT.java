package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code on: cron} against servers whose polling and cron run on a test clock (the one stand-in:
 * everything else is the real server, real git, real Docker). The test moves the clock and asks
 * the server for a pass ({@code runDue}, what its loop does every few seconds); after a pass has
 * returned, everything due has been taken, so "no second run" is an assertion, not a wait.
 */
class CiCronIT {
    static final String HOURLY = """
            on: { cron: "0 * * * *" }
            images: { box: local/busybox:1 }
            tasks:
              tick:
                image: box
                commands: [ 'echo "$SLIPWAY_EVENT $SLIPWAY_REF"' ]
            """;
    static final String BERLIN = """
            on:
              cron:
                - { schedule: "30 9 * * *", timezone: Europe/Berlin, branch: release }
            images: { box: local/busybox:1 }
            tasks:
              morning:
                image: box
                commands: [ 'echo "$SLIPWAY_EVENT $SLIPWAY_BRANCH"' ]
            """;

    @BeforeAll
    static void image() throws Exception {
        Tools.require("docker");
        Tools.require("git");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
    }

    @Test
    void firesOncePerSlotAlsoAcrossRestartsAndOnceForSlotsMissedWhileDown() throws Exception {
        AtomicLong now = new AtomicLong(at("2031-03-03T10:00:30Z"));
        GitRemote remote = GitRemote.create(Map.of(".slipway/hourly.yml", HOURLY, ".slipway/berlin.yml", BERLIN));
        remote.git("checkout", "-q", "-b", "release");
        String release = remote.commit(Map.of("RELEASE", "1.0"), "release branch");
        remote.push("release");
        remote.git("checkout", "-q", "main");

        TestServer server = TestServer.start(Map.of(), now::get);
        try {
            server.createUser("carol", "carol-password");
            String token = server.token("carol", "write:repository");
            CiClient carol = new CiClient(Http.token(server.baseUrl(), token), "carol");
            carol.register("timed", remote.bare());
            pass(server);
            // A new schedule starts from now: nothing owed for 10:00.
            pass(server);
            assertThat(carol.runs("timed")).isEmpty();

            now.set(at("2031-03-03T11:00:05Z"));
            pass(server);
            pass(server);
            List<JsonNode> runs = carol.runs("timed");
            assertThat(runs).hasSize(1);
            assertThat(runs.getFirst().get("event").asText()).isEqualTo("cron");
            assertThat(runs.getFirst().get("pipeline").asText()).isEqualTo("hourly");
            assertThat(runs.getFirst().get("ref").asText()).isEqualTo("refs/heads/main");
            assertThat(runs.getFirst().get("commit").asText()).isEqualTo(remote.head("main"));
            assertThat(carol.log(carol.await(runs.getFirst().get("id").asLong()), "tick")).contains("cron refs/heads/main");

            now.set(at("2031-03-03T11:30:00Z"));
            server = server.restart();
            carol = new CiClient(Http.token(server.baseUrl(), token), "carol");
            pass(server);
            assertThat(carol.runs("timed")).as("no second fire of 11:00 after a restart").hasSize(1);

            // Down from 11:30 to 08:40 the next day: 21 hourly slots missed, one fire owed; and 09:30 in Berlin is 08:30 UTC in March.
            server = server.restart(() -> now.set(at("2031-03-04T08:40:00Z")));
            carol = new CiClient(Http.token(server.baseUrl(), token), "carol");
            pass(server);
            runs = carol.runs("timed");
            assertThat(runs).extracting(r -> r.get("pipeline").asText()).containsExactlyInAnyOrder("hourly", "hourly", "berlin");
            JsonNode morning = runs.stream().filter(r -> r.get("pipeline").asText().equals("berlin")).findFirst().orElseThrow();
            assertThat(morning.get("ref").asText()).isEqualTo("refs/heads/release");
            assertThat(morning.get("commit").asText()).isEqualTo(release);
            assertThat(carol.log(carol.await(morning.get("id").asLong()), "morning")).contains("cron release");

            // A changed schedule is read from the default branch's next push (seen here by a poll): the old one is gone,
            // the new one starts from when it was read.
            remote.commit(Map.of(".slipway/hourly.yml", HOURLY.replace("\"0 * * * *\"", "\"15 * * * *\"")), "every hour at :15");
            remote.push("main");
            now.set(at("2031-03-04T08:47:00Z"));
            pass(server);
            assertThat(carol.runs("timed")).hasSize(3);
            now.set(at("2031-03-04T09:15:10Z"));
            pass(server);
            runs = carol.runs("timed");
            // With the old schedule still there, 09:00 would have fired too.
            assertThat(runs).hasSize(4);
            assertThat(runs.getFirst().get("pipeline").asText()).isEqualTo("hourly");
            assertThat(runs.getFirst().get("commit").asText()).isEqualTo(remote.head("main"));
        } finally {
            server.close();
        }
    }

    @Test
    void twoServersOnOneDatabaseFireEachSlotOnce() throws Exception {
        AtomicLong now = new AtomicLong(at("2031-05-05T05:00:30Z"));
        GitRemote remote = GitRemote.create(Map.of(".slipway/hourly.yml", HOURLY));
        TestServer first = TestServer.start(Map.of(), now::get);
        // Servers share a database on PostgreSQL only (SQLite's lives in the one server's data directory): there the
        // two competing passes per slot are one server's, which must not fire a slot twice either.
        boolean postgres = TestServer.database().equals("postgres");
        TestServer second = postgres ? first.another() : first;
        try {
            first.createUser("dave", "dave-password");
            CiClient dave = new CiClient(Http.token(first.baseUrl(), first.token("dave", "write:repository")), "dave");
            dave.register("shared", remote.bare());
            pass(first);
            pass(second);
            pass(first);
            pass(second);
            assertThat(dave.runs("shared")).isEmpty();

            for (int hour = 6; hour <= 9; hour++) {
                now.set(at("2031-05-05T0" + hour + ":00:02Z"));
                CompletableFuture<Void> a = CompletableFuture.runAsync(() -> first.slipway().backgroundTriggers().runDue());
                CompletableFuture<Void> b = CompletableFuture.runAsync(() -> second.slipway().backgroundTriggers().runDue());
                CompletableFuture.allOf(a, b).join();
                pass(first);
                pass(second);
                assertThat(dave.runs("shared")).as("runs after the slot at %02d:00", hour).hasSize(hour - 5);
            }
            for (JsonNode r : dave.runs("shared")) {
                assertThat(dave.await(r.get("id").asLong()).get("status").asText()).isEqualTo("success");
            }
        } finally {
            if (second != first) {
                second.close();
            }
            first.close();
        }
    }

    /** A pass of the server's polling and cron at the test clock's time; returns when all it took has finished. */
    private static void pass(TestServer server) {
        server.slipway().backgroundTriggers().runDue();
    }

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }
}
