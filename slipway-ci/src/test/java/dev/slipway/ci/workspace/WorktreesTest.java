package dev.slipway.ci.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.ci.model.RepositoryEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worktrees over file URLs (ssh and http(s) are in CiCheckoutIT, against real servers). */
class WorktreesTest {
    @TempDir
    Path dir;

    RevCommit commit(Git git, String file, String content) throws Exception {
        Files.writeString(git.getRepository().getWorkTree().toPath().resolve(file), content);
        git.add().addFilepattern(file).call();
        return git.commit().setMessage(file).setAuthor("Test", "test@example.invalid").setCommitter("Test", "test@example.invalid").call();
    }

    Worktrees worktrees() {
        return new Worktrees(dir.resolve("worktrees"), (owner, key) -> {
            throw new IllegalArgumentException("deploy key '" + key + "' does not exist");
        }, null);
    }

    @Test
    void aMutableEntryAtACommitItsStoreHasIsNotFetchedAgainWhileABranchIs() throws Exception {
        try (Git git = Git.init().setInitialBranch("main").setDirectory(dir.resolve("repo").toFile()).call()) {
            RevCommit first = commit(git, "a.txt", "one\n");
            String url = dir.resolve("repo").toUri().toString();
            Worktrees w = worktrees();
            RepositoryEntry atCommit = new RepositoryEntry(url, first.name(), true, null, null, false, "repo");
            Worktrees.Worktree checkedOut = w.prepare("alice", atCommit, null);
            assertThat(checkedOut.commit()).isEqualTo(first.name());
            assertThat(w.gitOperations()).as("a fetch and a clone from the store").isEqualTo(2);

            commit(git, "a.txt", "two\n");
            Worktrees.Worktree again = w.prepare("alice", atCommit, null);
            assertThat(again.reused()).isTrue();
            assertThat(again.path()).isEqualTo(checkedOut.path());
            assertThat(Files.readString(again.path().resolve("a.txt"))).isEqualTo("one\n");
            assertThat(w.gitOperations()).as("no git traffic for a commit the store has").isEqualTo(2);

            RepositoryEntry branch = new RepositoryEntry(url, "main", true, null, null, false, "repo");
            assertThat(Files.readString(w.prepare("alice", branch, null).path().resolve("a.txt"))).isEqualTo("two\n");
            assertThat(w.gitOperations()).isEqualTo(4);
            w.prepare("alice", branch, null);
            assertThat(w.gitOperations()).as("a branch is fetched every time").isEqualTo(5);
        }
    }

    @Test
    void resolvingARevisionWritesOnlyTheHiddenTopLevelFilesAndTheCheckoutComesLaterAtThePathItNamed() throws Exception {
        try (Git git = Git.init().setInitialBranch("main").setDirectory(dir.resolve("repo").toFile()).call()) {
            Files.createDirectories(dir.resolve("repo/.slipway"));
            Files.createDirectories(dir.resolve("repo/.gitea/workflows"));
            Files.createDirectories(dir.resolve("repo/src"));
            commit(git, ".slipway/ci.yml", "tasks: {}\n");
            commit(git, ".gitea/workflows/build.yaml", "on: push\n");
            commit(git, ".woodpecker.yml", "steps: []\n");
            RevCommit head = commit(git, "src/main.c", "int main;\n");
            String url = dir.resolve("repo").toUri().toString();
            Worktrees w = worktrees();
            RepositoryEntry entry = new RepositoryEntry(url, "main", true, null, null, false, "repo");

            Worktrees.Resolved resolved = w.resolve("alice", entry, null, "main");
            assertThat(resolved.worktree().commit()).isEqualTo(head.name());
            assertThat(resolved.definitions().resolve(".slipway/ci.yml")).hasContent("tasks: {}");
            assertThat(resolved.definitions().resolve(".gitea/workflows/build.yaml")).hasContent("on: push");
            assertThat(resolved.definitions().resolve(".woodpecker.yml")).exists();
            assertThat(resolved.definitions().resolve("src")).as("only where definitions live").doesNotExist();
            assertThat(resolved.definitions().resolve(".git")).doesNotExist();
            assertThat(resolved.worktree().path()).as("no checkout yet").doesNotExist();
            assertThat(w.gitOperations()).as("one fetch").isEqualTo(1);

            Worktrees.Worktree checkout = w.prepare("alice", entry, null, head.name());
            assertThat(checkout.path()).isEqualTo(resolved.worktree().path());
            assertThat(checkout.path().resolve("src/main.c")).hasContent("int main;");
            assertThat(w.gitOperations()).as("the commit is in the store: only the clone from it").isEqualTo(2);
            assertThat(w.resolve("alice", entry, null, head.name()).worktree().reused()).isTrue();
        }
    }

    @Test
    void pinsToAnOlderCommitOrTagWhoseFilesDifferFromTheTipCheckOutTheOldContent() throws Exception {
        try (Git git = Git.init().setInitialBranch("main").setDirectory(dir.resolve("repo").toFile()).call()) {
            RevCommit old = commit(git, "f", "old\n");
            git.tag().setName("v1").setAnnotated(true).setMessage("v1").call();
            commit(git, "f", "new\n");
            commit(git, "g", "added later\n");
            String url = dir.resolve("repo").toUri().toString();
            Worktrees w = worktrees();
            Worktrees.Worktree immutable = w.prepare("alice", new RepositoryEntry(url, old.name(), false, null, null, false, "lib"), null);
            assertThat(immutable.path().resolve("f")).hasContent("old");
            assertThat(immutable.path().resolve("g")).doesNotExist();
            assertThat(immutable.commit()).isEqualTo(old.name());
            Worktrees.Worktree tag = w.prepare("alice", new RepositoryEntry(url, "v1", true, null, null, false, "libtag"), null);
            assertThat(tag.path().resolve("f")).hasContent("old");
            assertThat(tag.path().resolve("g")).doesNotExist();
            assertThat(tag.commit()).isEqualTo(old.name());
            Worktrees.Worktree tip = w.prepare("alice", new RepositoryEntry(url, "main", true, null, null, false, "tip"), null);
            assertThat(tip.path().resolve("f")).hasContent("new");
            try (Git checkedOut = Git.open(immutable.path().toFile())) {
                assertThat(checkedOut.status().call().isClean()).as("the checkout matches its commit").isTrue();
            }
        }
    }

    @Test
    void perCommitCheckoutsThatNoRunUsesAreSweptAfterTheirMinimumAge() throws Exception {
        try (Git git = Git.init().setInitialBranch("main").setDirectory(dir.resolve("repo").toFile()).call()) {
            commit(git, "a.txt", "one\n");
            String url = dir.resolve("repo").toUri().toString();
            Worktrees w = worktrees();
            RepositoryEntry branch = new RepositoryEntry(url, "main", true, null, null, false, "repo");
            Path first = w.prepare("alice", branch, null).path();
            commit(git, "a.txt", "two\n");
            Path second = w.prepare("alice", branch, null).path();
            assertThat(first).isNotEqualTo(second);
            RepositoryEntry pinned = new RepositoryEntry(url, "main", false, null, null, false, "pinned");
            Path immutable = w.prepare("alice", pinned, null).path();

            // Recently used: kept, whoever uses them.
            assertThat(w.sweepCommitCheckouts(java.util.Set.of(), java.time.Duration.ofHours(1))).isZero();
            assertThat(first).exists();
            // Old enough: the one a kept run uses stays, the other goes; immutable checkouts are not swept.
            assertThat(w.sweepCommitCheckouts(java.util.Set.of(second), java.time.Duration.ZERO)).isEqualTo(1);
            assertThat(first).doesNotExist();
            assertThat(second.resolve("a.txt")).hasContent("two");
            assertThat(immutable).exists();
            try (var left = Files.list(dir.resolve("worktrees"))) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
            }
            // A later run at the swept commit checks it out again.
            RepositoryEntry atFirst = new RepositoryEntry(url, git.log().call().iterator().next().getParent(0).name(), true, null, null, false, "repo");
            assertThat(w.prepare("alice", atFirst, null).path().resolve("a.txt")).hasContent("one");
        }
    }

    @Test
    void aMissingDeployKeyIsACheckoutErrorNamingTheUrl() {
        RepositoryEntry entry = new RepositoryEntry("ssh://git@127.0.0.1:1/x.git", "main", true, "gone", null, false, null);
        assertThatThrownBy(() -> worktrees().prepare("alice", entry, null)).isInstanceOf(Worktrees.CheckoutException.class)
                .hasMessage("cannot check out ssh://git@127.0.0.1:1/x.git: deploy key 'gone' does not exist");
    }
}
