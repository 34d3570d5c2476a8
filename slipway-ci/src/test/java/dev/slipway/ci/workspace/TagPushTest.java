package dev.slipway.ci.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.ci.model.RepositoryEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worktrees.pushTag to a bare repository over a file URL (ssh and refusals by the server are in VersionsIT). */
class TagPushTest {
    static final PersonIdent TAGGER = new PersonIdent("Slipway", "slipway@localhost");

    @TempDir
    Path dir;

    RevCommit commit(Git git, String file) throws Exception {
        Files.writeString(git.getRepository().getWorkTree().toPath().resolve(file), file);
        git.add().addFilepattern(file).call();
        return git.commit().setMessage(file).setAuthor("T", "t@example.invalid").setCommitter("T", "t@example.invalid").call();
    }

    @Test
    void anAnnotatedTagIsPushedThenFoundUpToDateAndATagTheRemoteGotMeanwhileIsNeverOverwritten() throws Exception {
        try (Git work = Git.init().setInitialBranch("main").setDirectory(dir.resolve("work").toFile()).call()) {
            RevCommit first = commit(work, "a");
            RevCommit second = commit(work, "b");
            Path bare = dir.resolve("bare.git");
            Git.cloneRepository().setBare(true).setURI(dir.resolve("work").toUri().toString()).setDirectory(bare.toFile()).call().close();
            Worktrees w = new Worktrees(dir.resolve("worktrees"), (owner, key) -> {
                throw new IllegalArgumentException("no keys");
            }, null);
            RepositoryEntry entry = new RepositoryEntry(bare.toUri().toString(), "main", true, null, null, false, "repo");
            w.refresh("alice", entry, null);

            w.pushTag("alice", entry, null, "v1.0.0", first.name(), "Release v1.0.0 (minor)", TAGGER);
            try (Git remote = Git.open(bare.toFile()); RevWalk walk = new RevWalk(remote.getRepository())) {
                Ref ref = remote.getRepository().exactRef("refs/tags/v1.0.0");
                RevTag tag = walk.parseTag(ref.getObjectId());
                assertThat(tag.getObject()).isEqualTo(first);
                assertThat(tag.getFullMessage()).isEqualTo("Release v1.0.0 (minor)\n");
                assertThat(tag.getTaggerIdent().getName()).isEqualTo("Slipway");
            }
            try (GitHistory history = w.history("alice", entry)) {
                assertThat(history.tags()).as("the store has it now, without a fetch").containsEntry("v1.0.0", first.name());
            }
            // Pushed again (a new run of the same commit): the remote has it already.
            w.pushTag("alice", entry, null, "v1.0.0", first.name(), "Release v1.0.0 (minor)", TAGGER);

            // Someone tags another commit v1.1.0 after the store last fetched: the push is refused, nothing is overwritten,
            // and the store does not keep a tag that a later version computation would count.
            RevCommit third = commit(work, "c");
            work.push().setRemote(bare.toUri().toString()).add("main").call();
            w.refresh("alice", entry, null);
            try (Git remote = Git.open(bare.toFile()); RevWalk walk = new RevWalk(remote.getRepository())) {
                remote.tag().setName("v1.1.0").setObjectId(walk.parseCommit(second)).setAnnotated(true).setMessage("by hand").call();
            }
            assertThatThrownBy(() -> w.pushTag("alice", entry, null, "v1.1.0", third.name(), "Release v1.1.0 (minor)", TAGGER))
                    .isInstanceOf(Worktrees.CheckoutException.class).hasMessage("the remote already has a tag v1.1.0 (at another commit or as another tag object)");
            try (GitHistory history = w.history("alice", entry)) {
                assertThat(history.tags()).doesNotContainKey("v1.1.0");
            }
            try (Git remote = Git.open(bare.toFile()); RevWalk walk = new RevWalk(remote.getRepository())) {
                assertThat(walk.parseCommit(remote.getRepository().exactRef("refs/tags/v1.1.0").getObjectId())).isEqualTo(second);
            }
            // Once fetched, the store knows the tag, and says where it is.
            w.refresh("alice", entry, null);
            assertThatThrownBy(() -> w.pushTag("alice", entry, null, "v1.1.0", third.name(), "Release v1.1.0 (minor)", TAGGER))
                    .hasMessage("tag v1.1.0 already exists at " + second.name().substring(0, 8) + ", not at " + third.name().substring(0, 8));
        }
    }
}
