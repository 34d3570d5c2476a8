package dev.slipway.core.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The resolved configuration. Every field comes, in order of precedence, from a command-line
 * option, a {@code SLIPWAY_*} environment variable, the YAML file given by {@code --config}, or
 * the default. {@link ConfigLoader} documents the keys.
 */
public record SlipwayConfig(
        Path dataDir,
        String listenHost,
        int listenPort,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        String externalUrl,
        long ownerQuotaBytes,
        Duration registryTokenTtl,
        Ci ci) {

    /**
     * CI settings.
     *
     * @param executor {@code docker}, {@code local} (not isolated) or {@code auto} (docker when the
     *                 engine answers, else local)
     */
    public record Ci(String executor, int maxConcurrentRuns, long cacheQuotaBytes) {
        public Ci {
            if (!executor.equals("docker") && !executor.equals("local") && !executor.equals("auto")) {
                throw new IllegalArgumentException("ci.executor must be docker, local or auto, got '" + executor + "'");
            }
            if (maxConcurrentRuns < 1) {
                throw new IllegalArgumentException("ci.max-concurrent-runs must be at least 1");
            }
        }
    }

    public SlipwayConfig {
        dataDir = dataDir.toAbsolutePath().normalize();
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listen port out of range: " + listenPort);
        }
        while (externalUrl.endsWith("/")) {
            externalUrl = externalUrl.substring(0, externalUrl.length() - 1);
        }
    }

    public boolean isSqlite() {
        return databaseUrl.startsWith("jdbc:sqlite:");
    }

    public Path blobsDir() {
        return dataDir.resolve("registry");
    }

    public Path ciDir() {
        return dataDir.resolve("ci");
    }

    public Path secretsDir() {
        return dataDir.resolve("secrets");
    }

    public SlipwayConfig withListenPort(int port) {
        return new SlipwayConfig(dataDir, listenHost, port, databaseUrl, databaseUser, databasePassword,
                externalUrl, ownerQuotaBytes, registryTokenTtl, ci);
    }

    public SlipwayConfig withExternalUrl(String url) {
        return new SlipwayConfig(dataDir, listenHost, listenPort, databaseUrl, databaseUser, databasePassword,
                url, ownerQuotaBytes, registryTokenTtl, ci);
    }
}
