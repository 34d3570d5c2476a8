package dev.slipway.core.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.slipway.core.config.SlipwayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool, schema migrations and JDBI handle for SQLite or PostgreSQL.
 *
 * <p>Migrations live on the classpath under {@code db/migration/<module>}; their version numbers
 * are global across modules (V1 core, V2 registry, ...). The SQL is portable: TEXT/VARCHAR, BIGINT
 * epoch milliseconds, BOOLEAN, natural or random text keys, no dialect-specific types.
 *
 * <p>SQLite runs in WAL mode with {@code synchronous=FULL} (a committed transaction survives a
 * crash) and {@code transaction_mode=IMMEDIATE} (a transaction takes the write lock at BEGIN, so
 * two writers queue on the busy timeout instead of failing on a lock upgrade).
 *
 * <p>SQLite's pool has no more connections than the virtual-thread scheduler has carrier threads.
 * A writer waiting for the write lock sleeps inside the driver's native code, which pins its
 * carrier; with as many waiters as carriers, the thread that holds the lock could never run again
 * to commit, and everything would stall until the busy timeout. With at most that many
 * connections, one of which the lock holder has, a carrier is always left for it; other threads
 * wait for a connection instead, which does not pin.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean sqlite;

    private Database(HikariDataSource dataSource, boolean sqlite) {
        this.dataSource = dataSource;
        this.sqlite = sqlite;
        this.jdbi = Jdbi.create(dataSource);
    }

    public static Database open(SlipwayConfig config, List<String> migrationModules) {
        boolean sqlite = config.isSqlite();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.databaseUrl());
        hc.setPoolName("slipway-db");
        if (sqlite) {
            Path file = sqliteFile(config);
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot create database directory for " + file, e);
            }
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("synchronous", "FULL");
            hc.addDataSourceProperty("busy_timeout", "30000");
            hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            hc.addDataSourceProperty("foreign_keys", "true");
            int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
            hc.setMaximumPoolSize(Math.max(1, Math.min(8, carriers)));
        } else {
            if (config.databaseUser() != null) {
                hc.setUsername(config.databaseUser());
            }
            if (config.databasePassword() != null) {
                hc.setPassword(config.databasePassword());
            }
            hc.setMaximumPoolSize(16);
        }
        hc.setConnectionTimeout(30_000);
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations(migrationModules.stream().map(m -> "classpath:db/migration/" + m).toArray(String[]::new))
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, sqlite);
    }

    /**
     * Whether the database the configuration names has Slipway's schema (Flyway's history table),
     * found without creating or changing anything: a SQLite file that does not exist is not opened
     * (that would create it), and nothing is migrated.
     *
     * @throws IllegalArgumentException when the database cannot be reached (such as a PostgreSQL
     *                                  database that does not exist, or a refused login)
     */
    public static boolean hasSchema(SlipwayConfig config) {
        if (config.isSqlite() && !Files.isRegularFile(sqliteFile(config))) {
            return false;
        }
        try (Connection c = config.isSqlite() || config.databaseUser() == null ? DriverManager.getConnection(config.databaseUrl())
                : DriverManager.getConnection(config.databaseUrl(), config.databaseUser(), config.databasePassword());
             ResultSet tables = c.getMetaData().getTables(null, c.getSchema(), "flyway_schema_history", null)) {
            return tables.next();
        } catch (SQLException e) {
            throw new IllegalArgumentException("cannot open the database " + withoutParameters(config.databaseUrl()) + ": " + e.getMessage(), e);
        }
    }

    /** A JDBC URL without its {@code ?parameters}, which may hold a password: for messages. */
    public static String withoutParameters(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
    }

    private static Path sqliteFile(SlipwayConfig config) {
        return Path.of(withoutParameters(config.databaseUrl().substring("jdbc:sqlite:".length())));
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean isSqlite() {
        return sqlite;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
