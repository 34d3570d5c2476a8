package dev.slipway.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        SlipwayConfig c = new ConfigLoader(Map.of()).load(Map.of(), null);
        assertThat(c.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.listenPort()).isEqualTo(8080);
        assertThat(c.databaseUrl()).isEqualTo("jdbc:sqlite:" + Path.of("data").toAbsolutePath().resolve("slipway.db"));
        assertThat(c.externalUrl()).isEqualTo("http://127.0.0.1:8080");
        assertThat(c.ownerQuotaBytes()).isEqualTo(-1);
    }

    @Test
    void cliBeatsEnvironmentBeatsFile() throws Exception {
        Path file = dir.resolve("slipway.yml");
        Files.writeString(file, """
                listen: 0.0.0.0:9000
                external-url: https://registry.example.test/
                registry:
                  owner-quota: 10GiB
                database:
                  url: jdbc:postgresql://db/slipway
                """);
        Map<String, String> env = Map.of("SLIPWAY_LISTEN", "127.0.0.1:9100", "SLIPWAY_REGISTRY_OWNER_QUOTA", "5GiB");
        Map<String, String> cli = new HashMap<>();
        cli.put("listen", "127.0.0.1:9200");
        SlipwayConfig c = new ConfigLoader(env).load(cli, file);
        assertThat(c.listenPort()).isEqualTo(9200);
        assertThat(c.ownerQuotaBytes()).isEqualTo(5L << 30);
        assertThat(c.externalUrl()).isEqualTo("https://registry.example.test");
        assertThat(c.databaseUrl()).isEqualTo("jdbc:postgresql://db/slipway");
        assertThat(c.isSqlite()).isFalse();
    }

    @Test
    void webSessionsLastADayIdleAndAWeekAtMost() throws Exception {
        SlipwayConfig c = new ConfigLoader(Map.of()).load(Map.of(), null);
        assertThat(c.web().sessionIdle()).isEqualTo(java.time.Duration.ofHours(24));
        assertThat(c.web().sessionMaxAge()).isEqualTo(java.time.Duration.ofDays(7));
        Path file = dir.resolve("slipway.yml");
        Files.writeString(file, "web:\n  session-idle: 30m\n  session-max-age: 12h\n");
        SlipwayConfig f = new ConfigLoader(Map.of("SLIPWAY_WEB_SESSION_IDLE", "2h")).load(Map.of(), file);
        assertThat(f.web().sessionIdle()).isEqualTo(java.time.Duration.ofHours(2));
        assertThat(f.web().sessionMaxAge()).isEqualTo(java.time.Duration.ofHours(12));
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_WEB_SESSION_IDLE", "0")).load(Map.of(), null))
                .hasMessageContaining("web.session-idle must be positive");
    }

    @Test
    void ciDefaultsToTheDockerExecutorAndIptablesHostIsolation() {
        SlipwayConfig c = new ConfigLoader(Map.of()).load(Map.of(), null);
        assertThat(c.ci().executor()).isEqualTo("docker");
        assertThat(c.ci().hostIsolation()).isEqualTo("iptables");
        assertThat(new ConfigLoader(Map.of("SLIPWAY_CI_HOST_ISOLATION", "external")).load(Map.of(), null).ci().hostIsolation())
                .isEqualTo("external");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_CI_HOST_ISOLATION", "nft")).load(Map.of(), null))
                .hasMessageContaining("ci.host-isolation must be iptables, external or off");
    }

    @Test
    void uploadLimitsDefaultToNoneAndComeFromFileOrEnvironment() throws Exception {
        assertThat(new ConfigLoader(Map.of()).load(Map.of(), null).uploadLimits()).isEqualTo(SlipwayConfig.UploadLimits.NONE);
        Path file = dir.resolve("limits.yml");
        Files.writeString(file, """
                registry:
                  max-blob-size: 512MiB
                  max-image-size: 2GiB
                """);
        SlipwayConfig c = new ConfigLoader(Map.of("SLIPWAY_REGISTRY_MAX_IMAGE_SIZE", "3GiB")).load(Map.of(), file);
        assertThat(c.uploadLimits()).isEqualTo(new SlipwayConfig.UploadLimits(512L << 20, 3L << 30));
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_REGISTRY_MAX_BLOB_SIZE", "0")).load(Map.of(), null))
                .hasMessageContaining("registry.max-blob-size must be a size, or -1 for no limit");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_REGISTRY_MAX_IMAGE_SIZE", "big")).load(Map.of(), null))
                .hasMessageContaining("registry.max-image-size: not a size");
    }

    @Test
    void rejectsUnknownKeysAndBadValues() throws Exception {
        Path file = dir.resolve("bad.yml");
        Files.writeString(file, "listn: 1.2.3.4:5\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(Map.of(), file)).hasMessageContaining("unknown key 'listn'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_LISTEN", "nohostport")).load(Map.of(), null))
                .hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_DATABASE_URL", "jdbc:mysql://x")).load(Map.of(), null))
                .hasMessageContaining("jdbc:sqlite:");
    }

    @Test
    void lifecycleDurations() throws Exception {
        SlipwayConfig defaults = new ConfigLoader(Map.of()).load(Map.of(), null);
        assertThat(defaults.lifecycle()).isEqualTo(SlipwayConfig.Lifecycle.DEFAULTS);
        Path file = dir.resolve("gc.yml");
        Files.writeString(file, """
                registry:
                  gc-interval: 30m
                  gc-grace: 0
                  upload-max-age: 2h
                """);
        SlipwayConfig c = new ConfigLoader(Map.of("SLIPWAY_REGISTRY_RETENTION_INTERVAL", "0")).load(Map.of(), file);
        assertThat(c.lifecycle().gcInterval()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(c.lifecycle().gcGrace()).isEqualTo(java.time.Duration.ZERO);
        assertThat(c.lifecycle().retentionInterval()).isEqualTo(java.time.Duration.ZERO);
        assertThat(c.lifecycle().uploadMaxAge()).isEqualTo(java.time.Duration.ofHours(2));
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_REGISTRY_GC_GRACE", "soon")).load(Map.of(), null))
                .hasMessageContaining("registry.gc-grace");
    }

    @Test
    void ciKeepPolicy() throws Exception {
        assertThat(new ConfigLoader(Map.of()).load(Map.of(), null).ci().keep()).isEqualTo(SlipwayConfig.Keep.DEFAULTS);
        Path file = dir.resolve("keep.yml");
        Files.writeString(file, """
                ci:
                  keep:
                    max-age: 2h
                    max-runs: -1
                    max-size: 300KiB
                """);
        SlipwayConfig c = new ConfigLoader(Map.of("SLIPWAY_CI_KEEP_MIN_FREE", "0")).load(Map.of(), file);
        assertThat(c.ci().keep()).isEqualTo(new SlipwayConfig.Keep(java.time.Duration.ofHours(2), -1, 300 * 1024, 0));
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_CI_KEEP_MAX_RUNS", "many")).load(Map.of(), null))
                .hasMessageContaining("ci.keep.max-runs: not a whole number");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_CI_KEEP_MAX_RUNS", "-2")).load(Map.of(), null))
                .hasMessageContaining("ci.keep.max-runs");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_CI_KEEP_MAX_SIZE", "lots")).load(Map.of(), null))
                .hasMessageContaining("ci.keep.max-size: not a size");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_CI_KEEP_MIN_FREE", "-1")).load(Map.of(), null))
                .hasMessageContaining("ci.keep.min-free");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_CI_KEEP_MAX_AGE", "forever")).load(Map.of(), null))
                .hasMessageContaining("ci.keep.max-age");
    }

    @Test
    void actionsUrlDefaultsToGitHubAndIsAnHttpOrFileUrl() {
        assertThat(new ConfigLoader(Map.of()).load(Map.of(), null).ci().actionsUrl()).isEqualTo("https://github.com");
        SlipwayConfig c = new ConfigLoader(Map.of("SLIPWAY_CI_ACTIONS_URL", "file:///srv/actions/")).load(Map.of(), null);
        assertThat(c.ci().actionsUrl()).isEqualTo("file:///srv/actions");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("SLIPWAY_CI_ACTIONS_URL", "git@github.com:x")).load(Map.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ci.actions.url must be an http(s):// or file:// URL");
    }
}
