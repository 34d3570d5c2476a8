package dev.slipway.actions.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.actions.workflow.ActionRef;
import dev.slipway.ci.workspace.Dirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Actions fetched from bare repositories through a file:// URL, and kept by commit. */
class ActionCacheTest {
    @TempDir
    Path dir;
    Path remotes;
    ActionCache cache;
    final List<String> said = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        remotes = Files.createDirectories(dir.resolve("remotes"));
        cache = new ActionCache(remotes.toUri().toString(), dir.resolve("cache"));
    }

    /** A work repository whose bare clone is at {@code <remotes>/<path>}; returns the work repository. */
    static Git repo(Path work, Map<String, String> files) throws Exception {
        Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
        commit(git, files, "initial");
        return git;
    }

    static String commit(Git git, Map<String, String> files, String message) throws Exception {
        Path root = git.getRepository().getWorkTree().toPath();
        for (var e : files.entrySet()) {
            Files.createDirectories(root.resolve(e.getKey()).getParent());
            Files.writeString(root.resolve(e.getKey()), e.getValue());
        }
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("Test", "test@example.invalid");
        return git.commit().setMessage(message).setAuthor(who).setCommitter(who).call().name();
    }

    void publish(Git work, String path) throws Exception {
        Path bare = remotes.resolve(path);
        if (!Files.exists(bare)) {
            Git.cloneRepository().setURI(work.getRepository().getDirectory().toURI().toString()).setDirectory(bare.toFile()).setBare(true)
                    .call().close();
        }
        work.push().setRemote(bare.toUri().toString()).setPushAll().setPushTags().setForce(true).call();
    }

    static ActionRef.Remote ref(String uses) {
        return (ActionRef.Remote) ActionRef.parse(uses);
    }

    @Test
    void aTagIsClonedOnceThenServedFromTheCacheAndAMovedTagIsFetchedAgain() throws Exception {
        try (Git work = repo(dir.resolve("work"), Map.of("action.yml", "one"))) {
            String first = work.getRepository().resolve("HEAD").name();
            work.tag().setName("v1").setAnnotated(true).setMessage("v1").call();
            publish(work, "octo/hello.git");

            ActionCache.Fetched a = cache.fetch(ref("octo/hello@v1"), said::add);
            assertThat(a.commit()).isEqualTo(first);
            assertThat(a.url()).endsWith("/octo/hello"); // JGit finds hello.git itself on file://
            assertThat(Files.readString(a.root().resolve("action.yml"))).isEqualTo("one");
            assertThat(a.root().resolve(".git")).doesNotExist();
            assertThat(said).singleElement().asString().contains("fetching " + a.url() + " at v1 (" + first + ")");

            said.clear();
            ActionCache.Fetched b = cache.fetch(ref("octo/hello@v1"), said::add);
            assertThat(b.root()).isEqualTo(a.root());
            assertThat(said).singleElement().asString().contains("v1 is commit " + first + ", in Slipway's action cache");

            String second = commit(work, Map.of("action.yml", "two"), "second");
            work.tag().setName("v1").setAnnotated(true).setMessage("v1 again").setForceUpdate(true).call();
            publish(work, "octo/hello.git");
            said.clear();
            ActionCache.Fetched c = cache.fetch(ref("octo/hello@v1"), said::add);
            assertThat(c.commit()).isEqualTo(second);
            assertThat(Files.readString(c.root().resolve("action.yml"))).isEqualTo("two");
            assertThat(said).singleElement().asString().contains("fetching");
            assertThat(Files.readString(a.root().resolve("action.yml"))).as("the older commit stays as it was").isEqualTo("one");
        }
    }

    @Test
    void aCommitInTheCacheNeedsNoRemoteAndABranchOrCommitIsFetchedToo() throws Exception {
        String head;
        try (Git work = repo(dir.resolve("work"), Map.of("sub/action.yml", "in sub"))) {
            head = work.getRepository().resolve("HEAD").name();
            publish(work, "octo/tools");
        }
        ActionCache.Fetched byBranch = cache.fetch(ref("octo/tools/sub@main"), said::add);
        assertThat(byBranch.commit()).isEqualTo(head);
        assertThat(byBranch.url()).endsWith("/octo/tools");

        Dirs.reset(remotes.resolve("octo/tools"));
        said.clear();
        ActionCache.Fetched bySha = cache.fetch(ref("octo/tools/sub@" + head), said::add);
        assertThat(bySha.root()).isEqualTo(byBranch.root());
        assertThat(said).singleElement().asString().contains("commit " + head + " is in Slipway's action cache");
    }

    @Test
    void failuresNameTheUrlsTriedAndAMissingRef() throws Exception {
        assertThatThrownBy(() -> cache.fetch(ref("octo/missing@v1"), said::add))
                .isInstanceOf(ActionCache.FetchException.class)
                .hasMessageStartingWith("cannot fetch octo/missing@v1 from " + remotes.toUri().toString() + "octo/missing or "
                        + remotes.toUri().toString() + "octo/missing.git: ");
        try (Git work = repo(dir.resolve("work"), Map.of("action.yml", "x"))) {
            publish(work, "octo/hello");
        }
        assertThatThrownBy(() -> cache.fetch(ref("octo/hello@v9"), said::add))
                .hasMessage("cannot fetch octo/hello@v9: " + remotes.toUri().toString() + "octo/hello has no branch or tag 'v9'");
    }
}
