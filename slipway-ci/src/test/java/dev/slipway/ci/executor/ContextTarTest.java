package dev.slipway.ci.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build context the engine gets: the files docker would send, as docker would send them. */
class ContextTarTest {
    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve("ctx").resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    /** Entry name to content (directories and links: their kind and target). */
    private static Map<String, String> read(ContextTar.Context context) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (InputStream in = context.tar(); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                entries.put(e.getName(), e.isDirectory() ? "dir" : e.isSymbolicLink() ? "-> " + e.getLinkName()
                        : new String(tar.readAllBytes(), StandardCharsets.UTF_8) + (((e.getMode() & 0100) != 0) ? " (x)" : ""));
            }
        }
        return entries;
    }

    @Test
    void dockerignoreLeavesOutWhatDockerLeavesOut() throws Exception {
        file("Dockerfile", "FROM scratch\n");
        file("app.txt", "app");
        file("node_modules/dep/index.js", "dep");
        file("debug.log", "noise");
        file("keep.log", "kept");
        file("logs/old.log", "old");
        file("logs/important.txt", "important");
        Path script = file("run.sh", "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(dir.resolve("ctx/link"), Path.of("app.txt"));
        file(".dockerignore", "# comments and blank lines are nothing\n\nnode_modules\n*.log\n!keep.log\n/logs\n!logs/important.txt\nDockerfile\n");

        Map<String, String> entries = read(ContextTar.open(dir.resolve("ctx"), dir.resolve("ctx/Dockerfile"), Map.of()));

        assertThat(entries).containsOnlyKeys(".dockerignore", "Dockerfile", "app.txt", "keep.log", "link", "logs/important.txt", "run.sh");
        assertThat(entries).containsEntry("app.txt", "app").containsEntry("link", "-> app.txt").containsEntry("run.sh", "#!/bin/sh\n (x)")
                .containsEntry("Dockerfile", "FROM scratch\n");
    }

    @Test
    void aDockerfileOutsideTheContextTravelsUnderANameOfItsOwn() throws Exception {
        file("src/main.c", "int main;");
        Path dockerfile = file("ci/Dockerfile", "FROM scratch\nCOPY main.c /\n");
        ContextTar.Context context = ContextTar.open(dir.resolve("ctx/src"), dockerfile, Map.of());
        assertThat(context.dockerfile()).isEqualTo(".dockerfile.slipway");
        assertThat(read(context)).containsExactly(Map.entry("main.c", "int main;"), Map.entry(".dockerfile.slipway", "FROM scratch\nCOPY main.c /\n"));
    }

    @Test
    void labelsAreOneLabelInstructionAtTheEndOfTheDockerfile() throws Exception {
        Path dockerfile = file("Dockerfile", "FROM scratch\nCOPY a /a");
        file("a", "a");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.revision", "0123abcd");
        labels.put("org.opencontainers.image.source", "https://git.example/a \"b\"\\c");
        assertThat(read(ContextTar.open(dir.resolve("ctx"), dockerfile, labels))).containsEntry("Dockerfile",
                "FROM scratch\nCOPY a /a\nLABEL \"org.opencontainers.image.revision\"=\"0123abcd\""
                        + " \"org.opencontainers.image.source\"=\"https://git.example/a \\\"b\\\"\\\\c\"\n");
    }

    @Test
    void patternsAreMatchedAsDockerDoes() {
        List<String> patterns = List.of("**/*.tmp", "build", "!build/keep", "docs/*.md");
        assertThat(ContextTar.excluded(patterns, "a/b/c.tmp")).isTrue();
        assertThat(ContextTar.excluded(patterns, "c.tmp")).isTrue();
        assertThat(ContextTar.excluded(patterns, "build/out/x")).isTrue();
        assertThat(ContextTar.excluded(patterns, "build/keep")).isFalse();
        assertThat(ContextTar.excluded(patterns, "docs/a.md")).isTrue();
        assertThat(ContextTar.excluded(patterns, "docs/sub/a.md")).isFalse();
        assertThat(ContextTar.excluded(patterns, "src/build")).isFalse();
    }
}
