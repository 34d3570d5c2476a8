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
        Lifecycle lifecycle,
        Ci ci,
        UploadLimits uploadLimits,
        Web web) {

    /**
     * The web UI's sign-in sessions: a session ends after {@code sessionIdle} without a request, and
     * {@code sessionMaxAge} after sign-in in any case.
     */
    public record Web(Duration sessionIdle, Duration sessionMaxAge) {
        public static final Web DEFAULTS = new Web(Duration.ofHours(24), Duration.ofDays(7));

        public Web {
            if (sessionIdle.isNegative() || sessionIdle.isZero()) {
                throw new IllegalArgumentException("web.session-idle must be positive, got " + sessionIdle);
            }
            if (sessionMaxAge.isNegative() || sessionMaxAge.isZero()) {
                throw new IllegalArgumentException("web.session-max-age must be positive, got " + sessionMaxAge);
            }
        }
    }

    /**
     * The largest blob and image a push may store ({@code registry.max-blob-size},
     * {@code registry.max-image-size}), besides each owner's quota; {@code -1} means no limit. An
     * image's size is its config and layers; an index's, the distinct blobs of all its images.
     */
    public record UploadLimits(long maxBlobBytes, long maxImageBytes) {
        public static final UploadLimits NONE = new UploadLimits(-1, -1);

        public UploadLimits {
            if (maxBlobBytes == 0 || maxBlobBytes < -1) {
                throw new IllegalArgumentException("registry.max-blob-size must be a size, or -1 for no limit");
            }
            if (maxImageBytes == 0 || maxImageBytes < -1) {
                throw new IllegalArgumentException("registry.max-image-size must be a size, or -1 for no limit");
            }
        }
    }

    /**
     * Registry garbage collection and retention (see docs/gc.md). A zero interval turns the
     * background job off; the CLI and API still run it on demand.
     */
    public record Lifecycle(Duration gcInterval, Duration gcGrace, Duration retentionInterval, Duration uploadMaxAge) {
        public static final Lifecycle DEFAULTS = new Lifecycle(Duration.ofHours(1), Duration.ofHours(24), Duration.ofHours(1),
                Duration.ofHours(24));

        public Lifecycle {
            for (Duration d : new Duration[] {gcInterval, gcGrace, retentionInterval, uploadMaxAge}) {
                if (d.isNegative()) {
                    throw new IllegalArgumentException("registry lifecycle durations must not be negative: " + d);
                }
            }
        }
    }

    /**
     * CI settings.
     *
     * @param executor {@code docker}, {@code local} (not isolated) or {@code auto} (docker when the
     *                 engine answers, else local)
     * @param gitCaFile PEM certificates that checkouts over https trust besides the JVM's, or null
     * @param keep how long finished runs keep their workspaces (containers, volumes, run directory)
     * @param hostIsolation how tasks on the default network are kept from services on this host:
     *                      {@code iptables} (the server installs the rule; needs root),
     *                      {@code external} (the admin installed it; for a server that is not root)
     *                      or {@code off} (tasks can reach the host; not recommended)
     * @param pollInterval how often registered repositories are polled for pushes a webhook did not
     *                     report (a registration's own poll_interval wins); zero turns polling off
     * @param engineRegistry {@code host:port} where the Docker engine reaches this server's
     *                       registry to push what publish tasks publish; null: {@code 127.0.0.1:<listen port>}
     * @param taskServerUrl the server's URL as tasks reach it ({@code SLIPWAY_SERVER}); null: the
     *                      task network's gateway and the listen port
     * @param actionsLabels GitHub Actions {@code runs-on} labels and what each means: an image,
     *                      {@code docker://image} or {@code host} ({@code ci.actions.labels}), in order
     * @param actionsUrl where {@code uses: owner/repo@ref} actions are fetched from ({@code ci.actions.url}):
     *                   {@code <url>/<owner>/<repo>} is a Git repository; no trailing slash
     */
    public record Ci(String executor, int maxConcurrentRuns, long cacheQuotaBytes, Path gitCaFile, Keep keep, String hostIsolation,
                     Duration pollInterval, String engineRegistry, String taskServerUrl, java.util.Map<String, String> actionsLabels,
                     String actionsUrl, java.util.List<String> localLabels, Duration leaseTimeout, String localTasks) {
        /** {@code ci.actions.url} when the configuration sets none. */
        public static final String DEFAULT_ACTIONS_URL = "https://github.com";

        /** {@code ci.actions.labels} when the configuration sets none: GitHub's Linux labels, on Node's Debian image (git, bash, curl, python3). */
        public static final String DEFAULT_ACTIONS_LABELS = "ubuntu-latest:docker://node:20-bookworm,ubuntu-24.04:docker://node:20-bookworm,"
                + "ubuntu-22.04:docker://node:20-bookworm";

        public Ci {
            localLabels = localLabels == null ? java.util.List.of("local") : java.util.List.copyOf(localLabels);
            leaseTimeout = leaseTimeout == null ? Duration.ofMinutes(10) : leaseTimeout;
            localTasks = localTasks == null ? "in-process" : localTasks;
            if (!localTasks.equals("in-process") && !localTasks.equals("runner")) {
                throw new IllegalArgumentException("ci.local-tasks is in-process (the server runs them) or runner (a slipway runner --local "
                        + "process on this machine runs them, so they survive a restart of the server), not '" + localTasks + "'");
            }
            if (leaseTimeout.isNegative() || leaseTimeout.isZero()) {
                throw new IllegalArgumentException("ci.runner-lease-timeout must be positive (for example 10m)");
            }
            actionsLabels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(actionsLabels));
            actionsUrl = actionsUrl == null ? DEFAULT_ACTIONS_URL : actionsUrl.strip();
            while (actionsUrl.endsWith("/")) {
                actionsUrl = actionsUrl.substring(0, actionsUrl.length() - 1);
            }
            if (!actionsUrl.matches("(https?|file)://\\S*[^/\\s]")) {
                throw new IllegalArgumentException("ci.actions.url must be an http(s):// or file:// URL (where owner/repo actions are"
                        + " fetched from, such as https://github.com), got '" + actionsUrl + "'");
            }
            if (engineRegistry != null && !engineRegistry.matches("[A-Za-z0-9.-]+:[0-9]{1,5}|\\[[0-9A-Fa-f:.]+\\]:[0-9]{1,5}")) {
                throw new IllegalArgumentException("ci.engine-registry must be host:port (where the Docker engine reaches this server), got '"
                        + engineRegistry + "'");
            }
            if (taskServerUrl != null) {
                while (taskServerUrl.endsWith("/")) {
                    taskServerUrl = taskServerUrl.substring(0, taskServerUrl.length() - 1);
                }
                if (!taskServerUrl.matches("https?://[^/\\s]+")) {
                    throw new IllegalArgumentException("ci.task-server-url must be http(s)://host[:port] (how tasks reach this server), got '"
                            + taskServerUrl + "'");
                }
            }
            if (pollInterval.isNegative() || (!pollInterval.isZero() && pollInterval.toSeconds() < 1)) {
                throw new IllegalArgumentException("ci.poll-interval must be 0 (no polling) or at least 1s, got " + pollInterval);
            }
            if (!hostIsolation.equals("iptables") && !hostIsolation.equals("external") && !hostIsolation.equals("off")) {
                throw new IllegalArgumentException("ci.host-isolation must be iptables, external or off, got '" + hostIsolation + "'");
            }
            if (!executor.equals("docker") && !executor.equals("local") && !executor.equals("auto")) {
                throw new IllegalArgumentException("ci.executor must be docker, local or auto, got '" + executor + "'");
            }
            if (maxConcurrentRuns < 1) {
                throw new IllegalArgumentException("ci.max-concurrent-runs must be at least 1");
            }
        }
    }

    /**
     * The keep policy for finished runs' workspaces (docs/ci.md, "Eviction"): a finished run's
     * containers, overlay volumes and run directory are evicted once it finished more than
     * {@code maxAge} ago, or is beyond the newest {@code maxRuns}, or while the kept run
     * directories together exceed {@code maxBytes}, or while the data directory's filesystem has
     * less than {@code minFreeBytes} free; oldest first. {@code -1} means no limit for
     * {@code maxRuns} and {@code maxBytes}; {@code 0} for {@code minFreeBytes} turns that rule off.
     */
    public record Keep(Duration maxAge, int maxRuns, long maxBytes, long minFreeBytes) {
        public static final Keep DEFAULTS = new Keep(Duration.ofHours(24), 50, 10L << 30, 1L << 30);

        public Keep {
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("ci.keep.max-age must not be negative");
            }
            if (maxRuns < -1) {
                throw new IllegalArgumentException("ci.keep.max-runs must be a count, or -1 for no limit");
            }
            if (maxBytes < -1) {
                throw new IllegalArgumentException("ci.keep.max-size must be a size, or -1 for no limit");
            }
            if (minFreeBytes < 0) {
                throw new IllegalArgumentException("ci.keep.min-free must be a size (0 turns it off)");
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
                externalUrl, ownerQuotaBytes, registryTokenTtl, lifecycle, ci, uploadLimits, web);
    }

    public SlipwayConfig withExternalUrl(String url) {
        return new SlipwayConfig(dataDir, listenHost, listenPort, databaseUrl, databaseUser, databasePassword,
                url, ownerQuotaBytes, registryTokenTtl, lifecycle, ci, uploadLimits, web);
    }
}
