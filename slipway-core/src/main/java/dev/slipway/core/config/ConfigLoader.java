package dev.slipway.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.slipway.core.Durations;
import dev.slipway.core.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link SlipwayConfig} from command-line values, environment and a YAML file.
 *
 * <p>Keys (YAML path, then environment variable):
 * <pre>
 * data                      SLIPWAY_DATA                      ./data
 * listen                    SLIPWAY_LISTEN                    127.0.0.1:8080
 * database.url              SLIPWAY_DATABASE_URL              jdbc:sqlite:&lt;data&gt;/slipway.db
 * database.user             SLIPWAY_DATABASE_USER
 * database.password         SLIPWAY_DATABASE_PASSWORD
 * external-url              SLIPWAY_EXTERNAL_URL              http://&lt;listen&gt;
 * registry.owner-quota      SLIPWAY_REGISTRY_OWNER_QUOTA      -1 (unlimited; e.g. 10GiB)
 * registry.token-ttl        SLIPWAY_REGISTRY_TOKEN_TTL        300 (seconds)
 * registry.max-blob-size    SLIPWAY_REGISTRY_MAX_BLOB_SIZE    -1 (no limit; e.g. 2GiB: the largest layer a push may store)
 * registry.max-image-size   SLIPWAY_REGISTRY_MAX_IMAGE_SIZE   -1 (no limit; config and layers of an image, all images of an index)
 * ci.executor               SLIPWAY_CI_EXECUTOR               docker (local: not isolated; auto: docker, else local)
 * ci.max-concurrent-runs    SLIPWAY_CI_MAX_CONCURRENT_RUNS    2
 * ci.cache-quota            SLIPWAY_CI_CACHE_QUOTA            1GiB (per cache)
 * ci.git-ca-file            SLIPWAY_CI_GIT_CA_FILE            (none: PEM CAs git over https trusts besides the JVM's)
 * ci.host-isolation         SLIPWAY_CI_HOST_ISOLATION         iptables (external: the admin installed the rule; off)
 * ci.keep.max-age           SLIPWAY_CI_KEEP_MAX_AGE           24h (finished runs' workspaces; see SlipwayConfig.Keep)
 * ci.keep.max-runs          SLIPWAY_CI_KEEP_MAX_RUNS          50 (-1: no limit)
 * ci.keep.max-size          SLIPWAY_CI_KEEP_MAX_SIZE          10GiB (run directories together; -1: no limit)
 * ci.keep.min-free          SLIPWAY_CI_KEEP_MIN_FREE          1GiB (free space on the data filesystem; 0: off)
 * ci.poll-interval          SLIPWAY_CI_POLL_INTERVAL          60s (how often repositories are polled for missed pushes; 0: off)
 * ci.engine-registry        SLIPWAY_CI_ENGINE_REGISTRY        127.0.0.1:&lt;port&gt; (where the Docker engine pushes published images)
 * ci.task-server-url        SLIPWAY_CI_TASK_SERVER_URL        http://&lt;task network gateway&gt;:&lt;port&gt; (SLIPWAY_SERVER)
 * ci.actions.url            SLIPWAY_CI_ACTIONS_URL            https://github.com (where uses: owner/repo@ref actions are fetched from)
 * ci.local-labels           SLIPWAY_CI_LOCAL_LABELS           local (runs_on labels the server's own executor takes, comma-separated)
 * ci.runner-lease-timeout   SLIPWAY_CI_RUNNER_LEASE_TIMEOUT   10m (a runner silent this long loses its task, which fails)
 * ci.local-tasks            SLIPWAY_CI_LOCAL_TASKS            in-process (runner: a slipway runner --local process runs them)
 * registry.gc-interval      SLIPWAY_REGISTRY_GC_INTERVAL      1h (0 turns the background run off)
 * registry.gc-grace         SLIPWAY_REGISTRY_GC_GRACE         24h
 * registry.retention-interval SLIPWAY_REGISTRY_RETENTION_INTERVAL 1h (0: off)
 * registry.upload-max-age   SLIPWAY_REGISTRY_UPLOAD_MAX_AGE   24h
 * web.session-idle          SLIPWAY_WEB_SESSION_IDLE          24h (a web sign-in ends after this long without a request)
 * web.session-max-age       SLIPWAY_WEB_SESSION_MAX_AGE       7d (and this long after sign-in in any case)
 * </pre>
 * The file itself is named by {@code --config} or {@code SLIPWAY_CONFIG}.
 */
public final class ConfigLoader {
    public static final List<String> KEYS = List.of(
            "data", "listen", "database.url", "database.user", "database.password", "external-url",
            "registry.owner-quota", "registry.token-ttl", "registry.max-blob-size", "registry.max-image-size",
            "registry.gc-interval", "registry.gc-grace", "registry.retention-interval", "registry.upload-max-age",
            "ci.executor", "ci.max-concurrent-runs", "ci.cache-quota", "ci.git-ca-file",
            "ci.keep.max-age", "ci.keep.max-runs", "ci.keep.max-size", "ci.keep.min-free", "ci.host-isolation",
            "ci.poll-interval", "ci.engine-registry", "ci.task-server-url", "ci.actions.labels", "ci.actions.url", "ci.local-labels", "ci.runner-lease-timeout", "ci.local-tasks", "web.session-idle", "web.session-max-age");
    /** Keys whose value in the YAML file is a mapping (label: image), kept as act_runner writes it: {@code label:target,...}. */
    private static final Set<String> MAP_KEYS = Set.of("ci.actions.labels");

    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    /** {@code ci.local-labels}: comma-separated; {@code local} is always one of them. */
    private static List<String> localLabels(String value) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        out.add("local");
        for (String l : value.split(",")) {
            if (!l.isBlank()) {
                out.add(l.strip());
            }
        }
        return List.copyOf(out);
    }

    public static String envName(String key) {
        return "SLIPWAY_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * @param cli values given on the command line, by key; null values are ignored
     * @param configFile the YAML file, or null to use {@code SLIPWAY_CONFIG} if set
     */
    public SlipwayConfig load(Map<String, String> cli, Path configFile) {
        Map<String, String> values = new LinkedHashMap<>();
        Path file = configFile != null ? configFile : (env.get("SLIPWAY_CONFIG") != null ? Path.of(env.get("SLIPWAY_CONFIG")) : null);
        if (file != null) {
            values.putAll(readYaml(file));
        }
        for (String key : KEYS) {
            String v = env.get(envName(key));
            if (v != null && !v.isBlank()) {
                values.put(key, v);
            }
        }
        cli.forEach((k, v) -> {
            if (v != null) {
                values.put(k, v);
            }
        });

        Path data = Path.of(values.getOrDefault("data", "./data"));
        String listen = values.getOrDefault("listen", "127.0.0.1:8080");
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("listen must be HOST:PORT, got '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen must be HOST:PORT, got '" + listen + "'");
        }
        String dbUrl = values.getOrDefault("database.url",
                "jdbc:sqlite:" + data.toAbsolutePath().normalize().resolve("slipway.db"));
        if (!dbUrl.startsWith("jdbc:sqlite:") && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("database url must start with jdbc:sqlite: or jdbc:postgresql:, got '" + dbUrl + "'");
        }
        String external = values.getOrDefault("external-url", "http://" + (host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port);
        long quota = Sizes.parse(values.getOrDefault("registry.owner-quota", "-1"));
        Duration ttl = Duration.ofSeconds(Long.parseLong(values.getOrDefault("registry.token-ttl", "300")));
        SlipwayConfig.Keep k = SlipwayConfig.Keep.DEFAULTS;
        SlipwayConfig.Keep keep = new SlipwayConfig.Keep(duration(values, "ci.keep.max-age", k.maxAge()),
                count(values, "ci.keep.max-runs", k.maxRuns()), size(values, "ci.keep.max-size", k.maxBytes()),
                size(values, "ci.keep.min-free", k.minFreeBytes()));
        SlipwayConfig.Ci ci = new SlipwayConfig.Ci(values.getOrDefault("ci.executor", "docker"),
                count(values, "ci.max-concurrent-runs", 2), size(values, "ci.cache-quota", 1L << 30),
                values.get("ci.git-ca-file") == null ? null : Path.of(values.get("ci.git-ca-file")).toAbsolutePath(), keep,
                values.getOrDefault("ci.host-isolation", "iptables"), duration(values, "ci.poll-interval", Duration.ofSeconds(60)),
                values.get("ci.engine-registry"), values.get("ci.task-server-url"),
                labels(values.getOrDefault("ci.actions.labels", SlipwayConfig.Ci.DEFAULT_ACTIONS_LABELS)),
                values.getOrDefault("ci.actions.url", SlipwayConfig.Ci.DEFAULT_ACTIONS_URL),
                localLabels(values.getOrDefault("ci.local-labels", "local")), duration(values, "ci.runner-lease-timeout", Duration.ofMinutes(10)),
                values.getOrDefault("ci.local-tasks", "in-process"));
        SlipwayConfig.Lifecycle d = SlipwayConfig.Lifecycle.DEFAULTS;
        SlipwayConfig.Lifecycle lifecycle = new SlipwayConfig.Lifecycle(
                duration(values, "registry.gc-interval", d.gcInterval()), duration(values, "registry.gc-grace", d.gcGrace()),
                duration(values, "registry.retention-interval", d.retentionInterval()),
                duration(values, "registry.upload-max-age", d.uploadMaxAge()));
        SlipwayConfig.UploadLimits limits = new SlipwayConfig.UploadLimits(size(values, "registry.max-blob-size", -1),
                size(values, "registry.max-image-size", -1));
        SlipwayConfig.Web web = new SlipwayConfig.Web(duration(values, "web.session-idle", SlipwayConfig.Web.DEFAULTS.sessionIdle()),
                duration(values, "web.session-max-age", SlipwayConfig.Web.DEFAULTS.sessionMaxAge()));
        return new SlipwayConfig(data, host, port, dbUrl, values.get("database.user"), values.get("database.password"),
                external, quota, ttl, lifecycle, ci, limits, web);
    }

    private static Duration duration(Map<String, String> values, String key, Duration fallback) {
        return parsed(values, key, fallback, Durations::parse);
    }

    private static long size(Map<String, String> values, String key, long fallback) {
        return parsed(values, key, fallback, Sizes::parse);
    }

    private static int count(Map<String, String> values, String key, int fallback) {
        return parsed(values, key, fallback, v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a whole number: '" + v + "'");
            }
        });
    }

    /** The value of {@code key} parsed, or the fallback; a parse error names the key. */
    private static <T> T parsed(Map<String, String> values, String key, T fallback, java.util.function.Function<String, T> parser) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    private static Map<String, String> readYaml(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file not found: " + file);
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isObject()) {
                throw new IllegalArgumentException("config file " + file + " must be a YAML mapping");
            }
            flatten("", root, out);
        }
        for (String key : out.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' in " + file + "; known keys: " + String.join(", ", KEYS));
            }
        }
        return out;
    }

    /**
     * {@code ci.actions.labels} as act_runner writes labels, {@code ubuntu-latest:docker://node:20-bookworm,self-hosted:host}
     * (commas or newlines between them), as label to target in order.
     */
    static Map<String, String> labels(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : text.split("[,\n]")) {
            String t = item.strip();
            if (t.isEmpty()) {
                continue;
            }
            int colon = t.indexOf(':');
            if (colon <= 0 || colon == t.length() - 1) {
                throw new IllegalArgumentException("ci.actions.labels: '" + t + "' is not LABEL:IMAGE (ubuntu-latest:docker://node:20-bookworm)"
                        + " or LABEL:host");
            }
            out.put(t.substring(0, colon).strip(), t.substring(colon + 1).strip());
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject() && MAP_KEYS.contains(prefix)) {
            List<String> items = new java.util.ArrayList<>();
            node.fields().forEachRemaining(e -> items.add(e.getKey() + ":" + e.getValue().asText()));
            out.put(prefix, String.join(",", items));
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (!node.isNull()) {
            out.put(prefix, node.asText());
        }
    }
}
