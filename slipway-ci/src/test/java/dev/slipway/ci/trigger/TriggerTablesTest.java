package dev.slipway.ci.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.config.ConfigLoader;
import dev.slipway.core.db.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compare-and-sets that keep two servers on one database (or two passes of one server) from
 * polling a registration at once or firing a cron slot twice, on SQLite and PostgreSQL. (The runs'
 * own dedupe key would hide a second fire from the API; this checks the first line of defence.)
 */
class TriggerTablesTest {
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aScheduleSlotIsTakenOnceAndSchedulesFollowThePipelines(String db) throws Exception {
        try (Database database = open(db)) {
            Schedules schedules = new Schedules(database.jdbi());
            Schedules.Key nightly = new Schedules.Key("nightly", "0 3 * * *", "", "UTC");
            Schedules.Key berlin = new Schedules.Key("deploy", "30 9 * * 1-5", "release", "Europe/Berlin");
            assertThat(schedules.sync("alice", "app", Set.of(nightly, berlin), 1_000)).isTrue();
            assertThat(schedules.sync("alice", "app", Set.of(nightly, berlin), 2_000)).as("nothing changed").isFalse();
            Schedules.Schedule s = schedules.of("alice", "app").stream().filter(x -> x.key().equals(nightly)).findFirst().orElseThrow();
            assertThat(s.lastFire()).as("a new schedule starts from when it was read").isEqualTo(1_000);

            // Two passes saw last_fire 1000 and both try to take the slot at 5000: one wins.
            assertThat(schedules.advance(s, 1_000, 5_000)).isTrue();
            assertThat(schedules.advance(s, 1_000, 5_000)).isFalse();
            assertThat(schedules.of("alice", "app")).filteredOn(x -> x.key().equals(nightly)).extracting(Schedules.Schedule::lastFire)
                    .containsExactly(5_000L);

            // A changed cron is a new schedule (from now); the old one and the removed one go; the others keep their state.
            Schedules.Key changed = new Schedules.Key("nightly", "0 4 * * *", "", "UTC");
            assertThat(schedules.sync("alice", "app", Set.of(changed), 9_000)).isTrue();
            assertThat(schedules.of("alice", "app")).extracting(Schedules.Schedule::key, Schedules.Schedule::lastFire)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(changed, 9_000L));
            assertThat(schedules.all()).hasSize(1);
            assertThat(schedules.sync("alice", "app", Set.of(), 10_000)).isTrue();
            assertThat(schedules.all()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aDuePollIsTakenOnceAndItsOutcomeRecorded(String db) throws Exception {
        try (Database database = open(db)) {
            PollState polls = new PollState(database.jdbi());
            polls.ensure("alice", "app", 1_000);
            polls.ensure("alice", "app", 99_000); // exists: unchanged
            assertThat(polls.due(999)).isEmpty();
            List<PollState.State> due = polls.due(1_000);
            assertThat(due).hasSize(1);
            assertThat(due.getFirst().lastPollAt()).as("never listed").isNull();

            assertThat(polls.claim("alice", "app", 1_000, 301_000)).isTrue();
            assertThat(polls.claim("alice", "app", 1_000, 301_000)).as("the other server").isFalse();
            assertThat(polls.due(2_000)).as("leased").isEmpty();

            polls.failed("alice", "app", "cannot list the refs", 1, 21_000);
            PollState.State failed = polls.of("alice", "app").orElseThrow();
            assertThat(failed.lastPollAt()).isNull();
            assertThat(failed.lastPollError()).isEqualTo("cannot list the refs");
            assertThat(failed.failures()).isEqualTo(1);
            assertThat(failed.nextPollAt()).isEqualTo(21_000);

            assertThat(polls.claim("alice", "app", 21_000, 321_000)).isTrue();
            polls.listed("alice", "app", 22_000, null, 31_000);
            PollState.State ok = polls.of("alice", "app").orElseThrow();
            assertThat(ok).isEqualTo(new PollState.State("alice", "app", 31_000, 22_000L, null, 0));

            // A lease given back unfinished is due at once, unless another server holds it by then.
            assertThat(polls.claim("alice", "app", 31_000, 331_000)).isTrue();
            polls.release("alice", "app", 999_999, 40_000);
            assertThat(polls.of("alice", "app").orElseThrow().nextPollAt()).isEqualTo(331_000);
            polls.release("alice", "app", 331_000, 40_000);
            assertThat(polls.of("alice", "app").orElseThrow().nextPollAt()).isEqualTo(40_000);
            polls.dueBy("alice", "app", 35_000);
            assertThat(polls.of("alice", "app").orElseThrow().nextPollAt()).isEqualTo(35_000);
            polls.dueBy("alice", "app", 50_000);
            assertThat(polls.of("alice", "app").orElseThrow().nextPollAt()).as("an earlier due time stays").isEqualTo(35_000);
        }
    }

    /**
     * A migrated database: SQLite in a temporary directory, or a new PostgreSQL database on the
     * server {@code SLIPWAY_TEST_PG_URL} names (./scripts/test starts one). Under CI a missing
     * PostgreSQL fails the test instead of skipping it.
     */
    static Database open(String db) throws Exception {
        Path data = Files.createTempDirectory("slipway-trigger-test-");
        Map<String, String> values = new HashMap<>(Map.of("data", data.toString()));
        if (db.equals("postgres")) {
            String url = System.getenv("SLIPWAY_TEST_PG_URL");
            if (url == null) {
                if ("true".equals(System.getenv("CI"))) {
                    throw new AssertionError("SLIPWAY_TEST_PG_URL is not set (./scripts/test sets it)");
                }
                Assumptions.abort("SLIPWAY_TEST_PG_URL is not set: the PostgreSQL half is skipped outside CI");
            }
            String user = System.getenv().getOrDefault("SLIPWAY_TEST_PG_USER", "slipway");
            String password = System.getenv().getOrDefault("SLIPWAY_TEST_PG_PASSWORD", "slipway");
            String name = "slipway_ut_" + Long.toHexString(System.nanoTime());
            try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name);
            }
            values.put("database.url", url.substring(0, url.lastIndexOf('/') + 1) + name);
            values.put("database.user", user);
            values.put("database.password", password);
        }
        return Database.open(new ConfigLoader(Map.of()).load(values, null), List.of("core", "registry", "ci"));
    }
}
