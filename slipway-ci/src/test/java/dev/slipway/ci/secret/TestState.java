package dev.slipway.ci.secret;

import dev.slipway.core.Clock;
import dev.slipway.core.config.ConfigLoader;
import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.core.db.Database;
import dev.slipway.core.identity.Identity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A data directory with a migrated SQLite database and identity, for the package's unit tests. */
final class TestState implements AutoCloseable {
    final SlipwayConfig config;
    final Database database;
    final Identity identity;

    TestState(Path dataDir) {
        this.config = new ConfigLoader(Map.of()).load(Map.of("data", dataDir.toString()), null);
        this.database = Database.open(config, List.of("core", "ci"));
        this.identity = new Identity(database.jdbi(), Clock.system());
    }

    /** An owner row alone: what secrets and keys check. Faster than creating a user, whose password hashing is slow on purpose. */
    void owner(String name, String kind) {
        database.jdbi().useHandle(h -> h.createUpdate("INSERT INTO owners(name, kind, created_at) VALUES (:n, :k, 0)")
                .bind("n", name).bind("k", kind).execute());
    }

    Secrets secrets() {
        return new Secrets(database.jdbi(), config.secretsDir(), identity, Clock.system());
    }

    @Override
    public void close() {
        database.close();
    }
}
