package dev.slipway.ci.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.scheduler.RunChange;
import dev.slipway.ci.scheduler.RunLinks;
import dev.slipway.ci.scheduler.RunObserver;
import dev.slipway.ci.secret.Secrets;
import dev.slipway.core.Clock;
import dev.slipway.core.config.ConfigLoader;
import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.core.db.Database;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.outbox.Delivery;
import dev.slipway.core.outbox.Outbox;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the observer enqueues when a run ends, on a migrated SQLite database with the real outbox
 * (never started here: nothing is sent). Delivery itself is in NotificationsIT.
 */
class NotificationsTest {
    static final String PIPELINE = """
            variables: { TARGET: staging }
            images: { box: local/busybox:1 }
            tasks:
              build: { image: box, commands: [ "true" ] }
            notify:
              - ntfy: { url: "https://ntfy.example/ci", title: "${SLIPWAY_REPO} ${SLIPWAY_STATUS}", message: "to ${TARGET} on ${SLIPWAY_BRANCH}", token: NTFY_TOKEN }
                when: [success]
              - webhook: { url: "https://hooks.example/ci", secret: HOOK_KEY }
                when: [failure, fixed]
            """;

    @TempDir
    Path dir;
    Database db;
    Outbox outbox;
    RunObserver observer;

    @BeforeEach
    void open() {
        SlipwayConfig config = new ConfigLoader(Map.of()).load(Map.of("data", dir.toString()), null);
        db = Database.open(config, List.of("core", "ci"));
        outbox = new Outbox(db.jdbi(), Clock.system());
        Secrets secrets = new Secrets(db.jdbi(), config.secretsDir(), new Identity(db.jdbi(), Clock.system()), Clock.system());
        observer = new Notifications(outbox, secrets, new RunLinks("https://ci.example/"), run -> "refs/heads/" + run.ref()).observer();
    }

    @AfterEach
    void close() {
        db.close();
    }

    static CiStore.RunRow run(long id, String status, String variables, CiStore.PullRequest pr) {
        return new CiStore.RunRow(id, "alice", "app", "ci", "main", "0123456789abcdef0123456789abcdef01234567", status, "push", variables,
                PIPELINE, null, "alice", 0, null, null, null, new CiStore.RunEvent(null, "feat: x", null, pr, null, null));
    }

    List<Notice> ended(CiStore.RunRow run) {
        db.jdbi().useTransaction(h -> observer.changed(h, new RunChange(RunChange.Kind.FINISHED, run, List.of(
                new CiStore.TaskRow(run.id(), "build", 0, run.status().equals("success") ? "success" : "failure", 0, 1, null, null, null)))));
        return outbox.deliveries("run:" + run.id()).stream().map(Delivery::payload).map(Notice::read).toList();
    }

    @Test
    void aRunThatEndsEnqueuesTheEntriesItsEndMatchesWithTextsFilledInAndSecretsByName() {
        List<Notice> ok = ended(run(1, "success", "{\"TARGET\": \"prod\"}", null));
        assertThat(ok).hasSize(1);
        Notice n = ok.getFirst();
        assertThat(n.kind()).isEqualTo("ntfy");
        assertThat(n.title()).isEqualTo("alice/app success");
        assertThat(n.message()).as("the run's variable values, its branch").isEqualTo("to prod on main");
        assertThat(n.secret()).isEqualTo("NTFY_TOKEN");

        List<Notice> failed = ended(run(2, "failure", "{}", null));
        assertThat(failed).extracting(Notice::kind, Notice::on).containsExactly(tuple("webhook", "failure"));
        assertThat(failed.getFirst().body()).contains("\"id\":2").contains("\"status\":\"failure\"").contains("\"url\":\"https://ci.example/api/v1/runs/2\"");

        List<Notice> fixed = ended(run(3, "success", "{}", null));
        assertThat(fixed).extracting(Notice::kind, Notice::on).containsExactly(
                tuple("ntfy", "success"), tuple("webhook", "fixed"));
        assertThat(fixed.getFirst().message()).as("the declared default").isEqualTo("to staging on main");

        assertThat(ended(run(4, "cancelled", "{}", null))).isEmpty();
    }

    @Test
    void runsOfPullRequestsFromForksSendNone() {
        assertThat(ended(run(1, "success", "{}", new CiStore.PullRequest(7, "feature", "main", true)))).isEmpty();
        assertThat(ended(run(2, "success", "{}", new CiStore.PullRequest(8, "feature", "main", false)))).hasSize(1);
    }
}
