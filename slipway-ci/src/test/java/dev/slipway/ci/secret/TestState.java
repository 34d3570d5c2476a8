package dev.slipway.ci.secret;

import dev.slipway.core.Clock;
import dev.slipway.core.config.ConfigLoader;
import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.core.db.Database;
import dev.slipway.core.db.TestDatabases;
import dev.slipway.core.identity.Identity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A data directory with a migrated database (SQLite, or either kind of {@link TestDatabases}) and identity, for the package's tests. */
final class TestState implements AutoCloseable {
    final SlipwayConfig config;
    final Database database;
    final Identity identity;

    TestState(Path dataDir) {
        this.config = new ConfigLoader(Map.of()).load(Map.of("data", dataDir.toString()), null);
        this.database = Database.open(config, List.of("core", "ci"));
        this.identity = new Identity(database.jdbi(), Clock.system());
    }

    /** @param kind a {@link TestDatabases#kinds()} value; the data directory holds the secrets key */
    TestState(Path dataDir, String kind) throws Exception {
        this.config = new ConfigLoader(Map.of()).load(Map.of("data", dataDir.toString()), null);
        this.database = TestDatabases.open(kind, List.of("core", "ci"));
        this.identity = new Identity(database.jdbi(), Clock.system());
    }

    /** An owner row alone: what secrets and keys check. Faster than creating a user, whose password hashing is slow on purpose. */
    void owner(String name, String kind) {
        database.jdbi().useHandle(h -> h.createUpdate("INSERT INTO owners(name, kind, created_at) VALUES (:n, :k, 0)")
                .bind("n", name).bind("k", kind).execute());
    }

    /** A user who cannot sign in (no real password hash), for what checks users: reviewers. */
    void user(String name, boolean admin) {
        owner(name, "user");
        database.jdbi().useHandle(h -> h.createUpdate("INSERT INTO users(name, password_hash, is_admin) VALUES (:n, '-', :a)")
                .bind("n", name).bind("a", admin).execute());
    }

    Secrets secrets() {
        return new Secrets(database.jdbi(), config.secretsDir(), identity, Clock.system());
    }

    EnvironmentApprovals approvals() {
        return new EnvironmentApprovals(database.jdbi(), Clock.system());
    }

    Variables variables() {
        return new Variables(database.jdbi(), identity, Clock.system());
    }

    Environments environments() {
        return new Environments(database.jdbi(), identity, Clock.system());
    }

    @Override
    public void close() {
        database.close();
    }
}
