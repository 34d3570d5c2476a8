package dev.slipway.ci.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceIdTest {
    @TempDir
    Path dir;

    @Test
    void generatedOnceThenStable() throws Exception {
        Path file = dir.resolve("ci").resolve("instance-id");
        String id = InstanceId.load(file);
        assertThat(id).matches("[0-9a-f]{8}");
        assertThat(InstanceId.load(file)).isEqualTo(id);
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file); // no temporary file left behind
        }
        assertThat(InstanceId.random()).isNotEqualTo(InstanceId.random());
    }

    @Test
    void aDamagedFileIsAnErrorNotANewId() throws Exception {
        Path file = dir.resolve("instance-id");
        Files.writeString(file, "Not An Id!\n");
        assertThatThrownBy(() -> InstanceId.load(file)).isInstanceOf(IOException.class).hasMessageContaining("instance id");
        assertThatThrownBy(() -> new DockerExecutor("UPPER")).hasMessageContaining("instance id");
    }
}
