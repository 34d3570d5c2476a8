package dev.slipway.server.cli;

import dev.slipway.core.config.ConfigLoader;
import dev.slipway.core.config.SlipwayConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where state lives; shared by the server and every command that reads or changes state. */
public class StateOptions {
    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (database, blobs, secrets). Default: ./data. Env: SLIPWAY_DATA")
    Path data;

    @Option(names = "--database-url", paramLabel = "JDBC_URL",
            description = "jdbc:sqlite:FILE (default <data>/slipway.db) or jdbc:postgresql://HOST:PORT/DB. Env: SLIPWAY_DATABASE_URL")
    String databaseUrl;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (see docs/configuration.md). Env: SLIPWAY_CONFIG")
    Path config;

    protected Map<String, String> cliValues() {
        Map<String, String> m = new HashMap<>();
        if (data != null) {
            m.put("data", data.toString());
        }
        m.put("database.url", databaseUrl);
        return m;
    }

    public SlipwayConfig load() {
        return new ConfigLoader(System.getenv()).load(cliValues(), config);
    }
}
