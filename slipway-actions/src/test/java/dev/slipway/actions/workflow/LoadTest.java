package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading every workflow of a checkout: each on its own, broken ones with their problems. */
class LoadTest {
    @Test
    void eachFileIsReadOnItsOwn(@TempDir Path checkout) throws IOException {
        Path dir = Files.createDirectories(checkout.resolve(".gitea/workflows"));
        Files.writeString(dir.resolve("build-push.yaml"), TestFiles.resource("seeds/build-push.yaml"));
        Files.writeString(dir.resolve("broken.yml"), "on: push\njobs:\n  build:\n    runs-on: x\n");
        Files.write(dir.resolve("latin1.yml"), new byte[] {'o', 'n', ':', ' ', (byte) 0xE9, '\n'});
        Files.writeString(checkout.resolve("target.yml"), "on: push\n");
        Files.createSymbolicLink(dir.resolve("link.yml"), checkout.resolve("target.yml"));

        List<Workflows.Loaded> loaded = Workflows.load(checkout);
        assertThat(loaded).extracting(Workflows.Loaded::file).containsExactly(".gitea/workflows/broken.yml",
                ".gitea/workflows/build-push.yaml", ".gitea/workflows/latin1.yml", ".gitea/workflows/link.yml");
        assertThat(loaded.get(0)).isInstanceOfSatisfying(Workflows.Loaded.Invalid.class, i -> assertThat(i.problems())
                .extracting(Object::toString).containsExactly(".gitea/workflows/broken.yml:3:3: jobs.build needs 'steps': what the job runs"));
        assertThat(loaded.get(1)).isInstanceOfSatisfying(Workflows.Loaded.Valid.class,
                v -> assertThat(v.workflow().displayName()).isEqualTo("Build and Push Images"));
        assertThat(loaded.get(2)).isInstanceOfSatisfying(Workflows.Loaded.Invalid.class, i -> assertThat(i.problems())
                .extracting(Object::toString).containsExactly(".gitea/workflows/latin1.yml: is not valid UTF-8"));
        assertThat(loaded.get(3)).isInstanceOfSatisfying(Workflows.Loaded.Invalid.class, i -> assertThat(i.problems())
                .extracting(Object::toString).containsExactly(".gitea/workflows/link.yml: is a symbolic link; workflow files are not"
                        + " read through links"));
    }
}
