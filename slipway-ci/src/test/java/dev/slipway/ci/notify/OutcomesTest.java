package dev.slipway.ci.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.core.config.ConfigLoader;
import dev.slipway.core.db.Database;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a success fixed its ref, against the migrated schema (SQLite here; the ITs run PostgreSQL too). */
class OutcomesTest {
    @TempDir
    Path dir;
    Database db;

    @BeforeEach
    void open() {
        db = Database.open(new ConfigLoader(Map.of()).load(Map.of("data", dir.toString()), null), List.of("core", "ci"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    static CiStore.RunRow run(long id, String pipeline, String status) {
        return new CiStore.RunRow(id, "alice", "app", pipeline, "main", "c0ffee", status, "push", "{}", "", null, "alice", 0, null, null,
                null, null);
    }

    boolean record(long id, String status) {
        return record(id, "ci", "refs/heads/main", status);
    }

    boolean record(long id, String pipeline, String ref, String status) {
        return db.jdbi().inTransaction(h -> Outcomes.record(h, run(id, pipeline, status), ref));
    }

    @Test
    void aSuccessAfterAFailureOrAnErrorFixesTheRef() {
        assertThat(record(1, "success")).as("nothing before it").isFalse();
        assertThat(record(2, "failure")).isFalse();
        assertThat(record(3, "cancelled")).as("cancelled runs do not count").isFalse();
        assertThat(record(4, "success")).isTrue();
        assertThat(record(5, "success")).isFalse();
        assertThat(record(6, "error")).isFalse();
        assertThat(record(7, "success")).isTrue();
        // Other pipelines and refs keep their own.
        assertThat(record(8, "ci", "refs/heads/dev", "failure")).isFalse();
        assertThat(record(9, "other", "refs/heads/dev", "success")).isFalse();
        assertThat(record(10, "ci", "refs/heads/dev", "success")).isTrue();
    }

    @Test
    void aRetriedRunThatSucceedsFixedItsOwnFailureAndALateOlderRunChangesNothing() {
        assertThat(record(1, "failure")).isFalse();
        assertThat(record(1, "success")).as("run 1 retried").isTrue();
        assertThat(record(3, "failure")).isFalse();
        assertThat(record(2, "success")).as("run 2 ended after the newer run 3").isFalse();
        assertThat(record(4, "success")).as("run 3's failure still stands").isTrue();
    }
}
