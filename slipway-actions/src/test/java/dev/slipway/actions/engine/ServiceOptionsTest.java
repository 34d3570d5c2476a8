package dev.slipway.actions.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.ci.executor.ServiceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceOptionsTest {
    static final String WHERE = "jobs.test.services.db.options";

    @Test
    void healthChecksAndTheOtherSupportedFlagsAreRead() {
        ServiceOptions o = ServiceOptions.parse("--health-cmd \"pg_isready -U 'app user'\" --health-interval=10s --health-timeout 1m30s"
                + " --health-retries 5 --health-start-period 500ms -e A=1 --env=B=two\\ words -u 999 -w /data --entrypoint /init"
                + " -m 512m --cpus 1.5", WHERE);
        assertThat(o.health()).isEqualTo(new ServiceSpec.Health("pg_isready -U 'app user'", Duration.ofSeconds(10), Duration.ofSeconds(90),
                5, Duration.ofMillis(500), false));
        assertThat(o.env()).isEqualTo(Map.of("A", "1", "B", "two words"));
        assertThat(o.user()).isEqualTo("999");
        assertThat(o.workdir()).isEqualTo("/data");
        assertThat(o.entrypoint()).isEqualTo("/init");
        assertThat(o.memoryBytes()).isEqualTo(512L << 20);
        assertThat(o.cpus()).isEqualTo(1.5);
        assertThat(ServiceOptions.parse("--no-healthcheck", WHERE).health().disabled()).isTrue();
        assertThat(ServiceOptions.parse("  ", WHERE)).isEqualTo(ServiceOptions.NONE);
    }

    @Test
    void otherFlagsAndBadValuesAreRefusedByName() {
        assertThatThrownBy(() -> ServiceOptions.parse("--health-cmd true --privileged", WHERE))
                .hasMessageContaining(WHERE + ": --privileged is not supported for services by Slipway").hasMessageContaining("--health-cmd");
        assertThatThrownBy(() -> ServiceOptions.parse("--network host", WHERE)).hasMessageContaining("--network is not supported");
        assertThatThrownBy(() -> ServiceOptions.parse("--health-interval 10", WHERE))
                .hasMessageContaining("--health-interval takes a duration such as 10s").hasMessageContaining("'10'");
        assertThatThrownBy(() -> ServiceOptions.parse("--health-retries 0", WHERE)).hasMessageContaining("--health-retries must be a number of at least 1");
        assertThatThrownBy(() -> ServiceOptions.parse("--health-cmd", WHERE)).hasMessageContaining("--health-cmd needs a value");
        assertThatThrownBy(() -> ServiceOptions.parse("--health-cmd 'true", WHERE)).hasMessageContaining("a quote (') is not closed");
        assertThatThrownBy(() -> ServiceOptions.parse("postgres -c fsync=off", WHERE)).hasMessageContaining("'postgres' is not an option");
        assertThatThrownBy(() -> ServiceOptions.parse("--no-healthcheck --health-cmd true", WHERE)).hasMessageContaining("conflicts");
    }

    @Test
    void portsArePublishedOnTheLoopbackUnlessAnAddressIsGiven() {
        assertThat(ServiceOptions.port("5432", WHERE)).isEqualTo(new ServiceSpec.Port(5432, "tcp", "127.0.0.1", null));
        assertThat(ServiceOptions.port("8080:80", WHERE)).isEqualTo(new ServiceSpec.Port(80, "tcp", "127.0.0.1", 8080));
        assertThat(ServiceOptions.port("0.0.0.0:8080:80/udp", WHERE)).isEqualTo(new ServiceSpec.Port(80, "udp", "0.0.0.0", 8080));
        assertThat(ServiceOptions.port("10.0.0.1::80", WHERE)).isEqualTo(new ServiceSpec.Port(80, "tcp", "10.0.0.1", null));
        assertThatThrownBy(() -> ServiceOptions.port("8000-8010:80", WHERE)).hasMessageContaining("ranges are not supported");
        assertThatThrownBy(() -> ServiceOptions.port("70000", WHERE)).hasMessageContaining("from 1 to 65535");
    }

    @Test
    void registriesAreReadAsDockerReadsThem() {
        assertThat(JobServices.registry("postgres:16")).isEqualTo("docker.io");
        assertThat(JobServices.registry("bitnami/redis")).isEqualTo("docker.io");
        assertThat(JobServices.registry("ghcr.io/o/img:1")).isEqualTo("ghcr.io");
        assertThat(JobServices.registry("localhost:5000/img")).isEqualTo("localhost:5000");
    }

    @Test
    void wordsSplitAsAShellSplitsThem() {
        assertThat(ServiceOptions.words("a 'b c' \"d \\\"e\\\"\" f\\ g", WHERE)).isEqualTo(List.of("a", "b c", "d \"e\"", "f g"));
    }
    @Test
    void volumesAreNamedVolumesOfTheRunOrTheContainersOwnAndNeverHostPaths() {
        String where = "jobs.test.container.volumes";
        assertThat(ServiceOptions.volume("data:/var/data", where)).isEqualTo(new dev.slipway.ci.executor.TaskSpec.Mount.Volume("data", "/var/data"));
        assertThat(ServiceOptions.volume(" cache:/c:rw ", where)).isEqualTo(new dev.slipway.ci.executor.TaskSpec.Mount.Volume("cache", "/c"));
        assertThat(ServiceOptions.volume("/scratch", where)).isEqualTo(new dev.slipway.ci.executor.TaskSpec.Mount.Volume(null, "/scratch"));
        assertThatThrownBy(() -> ServiceOptions.volume("/etc:/host-etc", where)).hasMessageContaining(where)
                .hasMessageContaining("mounts a path of the host").hasMessageContaining("name:/host-etc");
        assertThatThrownBy(() -> ServiceOptions.volume("./src:/src", where)).hasMessageContaining("mounts a path of the host");
        assertThatThrownBy(() -> ServiceOptions.volume("data:/d:ro", where)).hasMessageContaining("read-only volumes are not supported");
        assertThatThrownBy(() -> ServiceOptions.volume("data:relative", where)).hasMessageContaining("absolute path");
        assertThatThrownBy(() -> ServiceOptions.volume("a:b:c:d", where)).hasMessageContaining("is not name:/path or /path");
    }
}
