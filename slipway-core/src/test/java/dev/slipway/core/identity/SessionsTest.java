package dev.slipway.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.Clock;
import dev.slipway.core.db.Database;
import dev.slipway.core.db.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Web sessions on a real database (SQLite, and PostgreSQL where the test script provides it), with a clock the test moves. */
class SessionsTest {
    static final Duration IDLE = Duration.ofHours(1);
    static final Duration MAX_AGE = Duration.ofHours(8);

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final Clock clock = now::get;
    final List<Database> opened = new ArrayList<>();

    static List<String> databases() {
        return TestDatabases.kinds();
    }

    Sessions sessions(String kind) throws Exception {
        Database db = TestDatabases.open(kind);
        opened.add(db);
        Identity identity = new Identity(db.jdbi(), clock);
        identity.createUser("alice", "alice-password", null, false);
        identity.createUser("root", "root-password", null, true);
        return new Sessions(db.jdbi(), clock, IDLE, MAX_AGE);
    }

    @AfterEach
    void close() {
        opened.forEach(Database::close);
    }

    void advance(Duration d) {
        now.addAndGet(d.toMillis());
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aSessionStandsForAPasswordLoginAndOnlyItsHashIsStored(String kind) throws Exception {
        Sessions s = sessions(kind);
        Sessions.Created alice = s.create("alice");
        Sessions.Created root = s.create("root");
        assertThat(alice.id()).hasSize(64).isNotEqualTo(root.id());
        assertThat(s.resolve(alice.id())).contains(Principal.user("alice", false));
        assertThat(s.resolve(root.id()).orElseThrow().siteAdmin()).isTrue();
        assertThat(s.resolve(root.id()).orElseThrow().canAdminister()).isTrue();
        List<String> stored = opened.getLast().jdbi().withHandle(h -> h.createQuery("SELECT id_hash FROM web_sessions").mapTo(String.class).list());
        assertThat(stored).hasSize(2).doesNotContain(alice.id(), root.id()).contains(Identity.sha256(alice.id()));
        assertThat(s.resolve(null)).isEmpty();
        assertThat(s.resolve("nope")).isEmpty();
        assertThat(s.resolve(alice.id().replace(alice.id().charAt(0), alice.id().charAt(0) == 'a' ? 'b' : 'a'))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void idleSessionsExpireAndRequestsKeepThemAlive(String kind) throws Exception {
        Sessions s = sessions(kind);
        String id = s.create("alice").id();
        advance(IDLE.minusMinutes(1));
        assertThat(s.resolve(id)).isPresent(); // seen now: idle time counts from here
        advance(IDLE.minusMinutes(1));
        assertThat(s.resolve(id)).isPresent();
        advance(IDLE);
        assertThat(s.resolve(id)).isEmpty();
        advance(Duration.ofMinutes(-30)); // even a clock set back does not revive it: it was deleted
        assertThat(s.resolve(id)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void sessionsEndAtTheirMaxAgeWhateverTheActivity(String kind) throws Exception {
        Sessions s = sessions(kind);
        String id = s.create("alice").id();
        for (int i = 0; i < 15; i++) {
            advance(Duration.ofMinutes(30));
            assertThat(s.resolve(id)).as("after %d minutes", (i + 1) * 30).isPresent();
        }
        advance(Duration.ofMinutes(30)); // 8 hours after sign-in
        assertThat(s.resolve(id)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void signingOutAndCleaningUp(String kind) throws Exception {
        Sessions s = sessions(kind);
        String first = s.create("alice").id();
        String second = s.create("alice").id();
        s.delete(first);
        assertThat(s.resolve(first)).isEmpty();
        assertThat(s.resolve(second)).isPresent();
        s.delete("unknown");

        advance(Duration.ofMinutes(50));
        String fresh = s.create("root").id();
        advance(Duration.ofMinutes(20)); // second has been idle 70 minutes, fresh 20
        assertThat(s.deleteExpired()).isEqualTo(1);
        assertThat(s.resolve(fresh)).isPresent();
        assertThat(s.deleteAll("root")).isEqualTo(1);
        assertThat(s.resolve(fresh)).isEmpty();
    }
}
