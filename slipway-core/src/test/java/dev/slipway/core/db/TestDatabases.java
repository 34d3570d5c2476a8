package dev.slipway.core.db;

import dev.slipway.core.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fresh migrated databases for store tests: SQLite always, and PostgreSQL on the server
 * {@code ./scripts/test} starts ({@code SLIPWAY_TEST_PG_URL}). Outside CI a missing PostgreSQL
 * skips its cases; under {@code CI=true} it fails them.
 */
public final class TestDatabases {
    private TestDatabases() {}

    public static List<String> kinds() {
        List<String> kinds = new ArrayList<>(List.of("sqlite"));
        if (System.getenv("SLIPWAY_TEST_PG_URL") != null || "true".equalsIgnoreCase(System.getenv("CI"))) {
            kinds.add("postgres");
        }
        return kinds;
    }

    /** A fresh database with the core migrations. */
    public static Database open(String kind) throws Exception {
        return open(kind, List.of("core"));
    }

    /** A fresh database with the migrations of {@code modules} (such as core and ci; see {@link Database#open}). */
    public static Database open(String kind, List<String> modules) throws Exception {
        Path dir = Files.createTempDirectory("slipway-core-db-");
        Map<String, String> values = new java.util.HashMap<>(Map.of("data", dir.toString()));
        if (kind.equals("postgres")) {
            String url = System.getenv("SLIPWAY_TEST_PG_URL");
            if (url == null) {
                throw new AssertionError("PostgreSQL is required under CI=true: set SLIPWAY_TEST_PG_URL (./scripts/test does)");
            }
            String user = System.getenv().getOrDefault("SLIPWAY_TEST_PG_USER", "slipway");
            String password = System.getenv().getOrDefault("SLIPWAY_TEST_PG_PASSWORD", "slipway");
            String db = "slipway_core_" + Long.toHexString(System.nanoTime());
            try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + db);
            }
            values.put("database.url", url.substring(0, url.lastIndexOf('/') + 1) + db);
            values.put("database.user", user);
            values.put("database.password", password);
        }
        return Database.open(new ConfigLoader(Map.of()).load(values, null), modules);
    }
}
