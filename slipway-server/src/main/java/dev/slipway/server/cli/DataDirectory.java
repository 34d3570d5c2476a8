package dev.slipway.server.cli;

import dev.slipway.core.SecretBox;
import dev.slipway.core.config.SlipwayConfig;
import dev.slipway.core.db.Database;
import dev.slipway.server.RunningServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether the state a command was pointed at is a server's, so that a command run without the
 * server's {@code --data} refuses instead of quietly creating a second, empty database beside it.
 *
 * <p>A data directory is <em>initialized</em> once a server (or a command with {@code --init}) has
 * opened it: the database has Slipway's schema (SQLite: {@code <data>/slipway.db} or the file the
 * URL names; PostgreSQL: the tables, in the database the URL names), and the data directory has
 * the key that seals the database's stored secrets ({@code secrets/credentials.key}). Both are
 * needed because with PostgreSQL they can part: the database exists (empty, made by its admin)
 * before any data directory does, and a data directory other than the server's would bring a key
 * that cannot read the server's secrets.
 */
final class DataDirectory {
    private DataDirectory() {}

    /** How many running servers a refusal lists. */
    private static final int SHOWN = 5;

    /** True if the state is initialized; false (having created nothing) if not. */
    static boolean initialized(SlipwayConfig config) {
        return Files.isRegularFile(keyFile(config)) && Database.hasSchema(config);
    }

    /** Refuses, naming the directory, the way to point at the right one and the servers running elsewhere. */
    static void requireInitialized(SlipwayConfig config) {
        boolean key = Files.isRegularFile(keyFile(config));
        boolean schema = Database.hasSchema(config);
        if (key && schema) {
            return;
        }
        Path data = config.dataDir();
        String database = Database.withoutParameters(config.databaseUrl());
        StringBuilder m = new StringBuilder();
        if (!key && !schema) {
            m.append(data).append(" is not a Slipway data directory: no server has run on it");
            if (!config.isSqlite()) {
                m.append(", and the database ").append(database).append(" has no Slipway tables");
            }
        } else if (!key) {
            m.append("the database ").append(database).append(" has Slipway's tables, but ").append(data)
                    .append(" is not its data directory (it has no ").append(data.relativize(keyFile(config))).append(")");
        } else {
            m.append(data).append(" is a Slipway data directory, but the database ").append(database).append(" has no Slipway tables");
        }
        m.append(".\nPoint at the server's data directory with --data DIR or SLIPWAY_DATA")
                .append(config.isSqlite() ? " (and at its database, if it is not the data directory's slipway.db, with --database-url or SLIPWAY_DATABASE_URL)"
                        : " and at its database with --database-url or SLIPWAY_DATABASE_URL")
                .append(", or pass --init to create a new one here.");
        List<RunningServers.Server> servers = RunningServers.list();
        for (RunningServers.Server s : servers.subList(0, Math.min(SHOWN, servers.size()))) {
            m.append("\nA Slipway server is running on ").append(s.data()).append(" (pid ").append(s.pid()).append(", ").append(s.url())
                    .append("): --data ").append(s.data());
            if (!s.database().startsWith("jdbc:sqlite:")) {
                m.append(" --database-url ").append(s.database());
            }
        }
        if (servers.size() > SHOWN) {
            m.append("\n... and ").append(servers.size() - SHOWN).append(" more servers.");
        }
        throw new IllegalArgumentException(m.toString());
    }

    private static Path keyFile(SlipwayConfig config) {
        return SecretBox.keyFile(config.secretsDir());
    }
}
