package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which workflow files a checkout has, and which directory wins. */
class WorkflowFilesTest {
    @Test
    void theForgesDirectoryWinsOverGitHubs() {
        WorkflowFiles files = WorkflowFiles.select(List.of(".github/workflows/ci.yml", ".gitea/workflows/build.yaml",
                ".gitea/workflows/release.yml", "README.md"));
        assertThat(files.directory()).isEqualTo(".gitea/workflows");
        assertThat(files.files()).containsExactly(".gitea/workflows/build.yaml", ".gitea/workflows/release.yml");
        assertThat(files.notes()).containsExactly(
                ".github/workflows is not read (1 workflow): .gitea/workflows exists and takes precedence, as in Gitea and Forgejo");
    }

    @Test
    void forgejoReadsItsOwnFirstThenGiteasThenGitHubs() {
        assertThat(WorkflowFiles.select(List.of(".forgejo/workflows/a.yml", ".gitea/workflows/b.yml", ".github/workflows/c.yml")).notes())
                .containsExactly(
                        ".gitea/workflows is not read (1 workflow): .forgejo/workflows exists and takes precedence, as in Gitea and Forgejo",
                        ".github/workflows is not read (1 workflow): .forgejo/workflows exists and takes precedence, as in Gitea and Forgejo");
        assertThat(WorkflowFiles.select(List.of(".github/workflows/c.yml", ".github/workflows/d.yaml")).files())
                .containsExactly(".github/workflows/c.yml", ".github/workflows/d.yaml");
        assertThat(WorkflowFiles.select(List.of("src/Main.java")).directory()).isNull();
        assertThat(WorkflowFiles.select(List.of("src/Main.java")).files()).isEmpty();
    }

    @Test
    void onlyYamlFilesDirectlyInTheDirectoryAreWorkflows() {
        WorkflowFiles files = WorkflowFiles.select(List.of(".gitea/workflows/build.yml", ".gitea/workflows/README.md",
                ".gitea/workflows/templates/deploy.yml", ".gitea/workflows/build.yml.bak"));
        assertThat(files.files()).containsExactly(".gitea/workflows/build.yml");
        assertThat(files.notes()).containsExactly(".gitea/workflows/templates/deploy.yml is not read: workflows in subdirectories"
                + " are not read (as in GitHub); move it to .gitea/workflows");
    }

    @Test
    void aForgeDirectoryWithoutWorkflowsStillWinsAndSaysSo() {
        WorkflowFiles files = WorkflowFiles.select(List.of(".gitea/workflows/README.md", ".github/workflows/ci.yml"));
        assertThat(files.directory()).isEqualTo(".gitea/workflows");
        assertThat(files.files()).isEmpty();
        assertThat(files.notes()).containsExactly(
                ".github/workflows is not read (1 workflow): .gitea/workflows exists and takes precedence, as in Gitea and Forgejo",
                ".gitea/workflows has no .yml or .yaml file, so no workflow runs; the directories after it are not read while it exists");
    }

    @Test
    void aCheckoutOnDiskIsScannedWithoutFollowingLinks(@TempDir Path checkout) throws IOException {
        Files.createDirectories(checkout.resolve(".github/workflows"));
        Files.writeString(checkout.resolve(".github/workflows/ci.yml"), "on: push\n");
        Path outside = Files.createDirectories(checkout.resolve("elsewhere"));
        Files.writeString(outside.resolve("x.yml"), "on: push\n");
        Files.createDirectories(checkout.resolve(".gitea"));
        Files.createSymbolicLink(checkout.resolve(".gitea/workflows"), outside);
        WorkflowFiles files = WorkflowFiles.scan(checkout);
        assertThat(files.directory()).isEqualTo(".github/workflows");
        assertThat(files.files()).containsExactly(".github/workflows/ci.yml");
    }
}
