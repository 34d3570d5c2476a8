package dev.slipway.ci.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunArtifactsTest {
    @TempDir
    Path runs;

    @Test
    void artifactsAreListedZippedAndGoneOnceTheirRetentionDaysHavePassed() throws Exception {
        Path root = runs.resolve("7").resolve("artifacts");
        Files.createDirectories(root.resolve("dist/sub"));
        Files.writeString(root.resolve("dist/a.txt"), "a\n");
        Files.writeString(root.resolve("dist/sub/b.txt"), "bb\n");
        Files.createDirectories(root.resolve("old"));
        Files.writeString(root.resolve("old/x"), "x");
        Files.createDirectories(root.resolve(RunArtifacts.RETENTION));
        Files.writeString(root.resolve(RunArtifacts.RETENTION).resolve("old"), "1\n");
        Files.writeString(root.resolve(RunArtifacts.RETENTION).resolve("dist"), "30\n");
        Files.setLastModifiedTime(root.resolve("old"), FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        RunArtifacts artifacts = new RunArtifacts(id -> runs.resolve(Long.toString(id)));

        var list = artifacts.list(7);
        assertThat(list).extracting(RunArtifacts.Artifact::name).containsExactly("dist", "old"); // never the retention records
        assertThat(list.get(0).sizeInBytes()).isEqualTo(5);
        assertThat(list.get(0).files()).isEqualTo(2);
        assertThat(list.get(0).expired(Instant.now())).isFalse();
        assertThat(list.get(1).expired(Instant.now())).isTrue();

        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        artifacts.require(7, "dist").zip(zip);
        Map<String, String> entries = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.toByteArray()))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), new String(in.readAllBytes()));
            }
        }
        assertThat(entries).isEqualTo(Map.of("a.txt", "a\n", "sub/b.txt", "bb\n"));

        assertThatThrownBy(() -> artifacts.require(7, "old")).isInstanceOf(SlipwayException.NotFound.class)
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> artifacts.require(7, "..")).isInstanceOf(SlipwayException.NotFound.class);
        assertThatThrownBy(() -> artifacts.require(7, RunArtifacts.RETENTION)).isInstanceOf(SlipwayException.NotFound.class);
        assertThatThrownBy(() -> artifacts.require(7, "missing")).hasMessageContaining("dist, old");
        assertThat(artifacts.list(8)).isEmpty();
    }
}
