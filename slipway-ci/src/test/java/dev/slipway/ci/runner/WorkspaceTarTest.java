package dev.slipway.ci.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTarTest {
    @Test
    void higherLayersWinAndModesAndLinksSurvive(@TempDir Path tmp) throws Exception {
        Path base = Files.createDirectories(tmp.resolve("base"));
        Path upper = Files.createDirectories(tmp.resolve("upper"));
        Files.writeString(base.resolve("README"), "base readme\n");
        Files.createDirectories(base.resolve("src/deep"));
        Files.writeString(base.resolve("src/deep/a.txt"), "from base\n");
        Path script = Files.writeString(base.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(base.resolve("link"), Path.of("README"));
        Files.createDirectories(upper.resolve("src/deep"));
        Files.writeString(upper.resolve("src/deep/a.txt"), "from the task before\n");
        Files.write(upper.resolve("bytes.bin"), new byte[] {0, (byte) 0xff, 10});

        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        WorkspaceTar.write(List.of(upper, base), tar); // topmost first, as an overlay lists them
        Path out = tmp.resolve("out");
        WorkspaceTar.extract(new ByteArrayInputStream(tar.toByteArray()), out);

        assertThat(Files.readString(out.resolve("README"))).isEqualTo("base readme\n");
        assertThat(Files.readString(out.resolve("src/deep/a.txt"))).isEqualTo("from the task before\n");
        assertThat(Files.readAllBytes(out.resolve("bytes.bin"))).containsExactly(0, 0xff, 10);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("run.sh")))).isEqualTo("rwxr-x---");
        assertThat(Files.isSymbolicLink(out.resolve("link"))).isTrue();
        assertThat(Files.readSymbolicLink(out.resolve("link"))).isEqualTo(Path.of("README"));
    }

    @Test
    void entriesThatLeaveTheDirectoryAreIgnored(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("../escaped");
            e.setSize(3);
            tar.putArchiveEntry(e);
            tar.write("bad".getBytes());
            tar.closeArchiveEntry();
        }
        WorkspaceTar.extract(new ByteArrayInputStream(bytes.toByteArray()), tmp.resolve("in"));
        assertThat(tmp.resolve("escaped")).doesNotExist();
    }
}
