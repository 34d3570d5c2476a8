package dev.slipway.ci.workspace;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.ci.model.RepositoryEntry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worktrees over file URLs (ssh and http(s) are in CiCheckoutIT, against real servers). */
class WorktreesTest {
    @TempDir
    Path dir;

    Worktrees worktrees() {
        return new Worktrees(dir.resolve("worktrees"), (owner, key) -> {
            throw new IllegalArgumentException("deploy key '" + key + "' does not exist");
        }, null);
    }

    @Test
    void aMissingDeployKeyIsACheckoutErrorNamingTheUrl() {
        RepositoryEntry entry = new RepositoryEntry("ssh://git@127.0.0.1:1/x.git", "main", true, "gone", null, false, null);
        assertThatThrownBy(() -> worktrees().prepare("alice", entry, null)).isInstanceOf(Worktrees.CheckoutException.class)
                .hasMessage("cannot check out ssh://git@127.0.0.1:1/x.git: deploy key 'gone' does not exist");
    }
}
