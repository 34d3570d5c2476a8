package dev.slipway.server.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A repository as a forge holds it: a bare repository that Slipway is registered with, and a
 * working clone that commits and pushes to it with the real git CLI, as a developer would.
 */
public record GitRemote(Path bare, Path work) {
    /** A bare repository on branch main with {@code files} committed and pushed from the working clone. */
    public static GitRemote create(Map<String, String> files) throws Exception {
        Path work = GitRepos.create(files);
        Path bare = work.getParent().resolve("remote.git");
        GitRepos.git(work.getParent(), "init", "-q", "--bare", "-b", "main", bare.toString());
        GitRepos.git(work, "remote", "add", "origin", bare.toUri().toString());
        GitRepos.git(work, "push", "-q", "origin", "main");
        return new GitRemote(bare, work);
    }

    /** The URL to register: {@code file:///...remote.git}. */
    public String cloneUrl() {
        return bare.toUri().toString();
    }

    /** Commits {@code files} on the working clone's current branch; returns the commit id (not pushed yet). */
    public String commit(Map<String, String> files, String message) throws Exception {
        return GitRepos.commit(work, files, message);
    }

    /** {@code git push origin REFSPEC...} (e.g. {@code main}, {@code HEAD:refs/heads/topic}, {@code :old}, {@code v1.0}). */
    public void push(String... refspecs) {
        String[] args = new String[refspecs.length + 3];
        args[0] = "push";
        args[1] = "-q";
        args[2] = "origin";
        System.arraycopy(refspecs, 0, args, 3, refspecs.length);
        GitRepos.git(work, args);
    }

    /** The commit a ref of the remote points at. */
    public String head(String ref) {
        return GitRepos.git(bare, "rev-parse", ref + "^{commit}").trim();
    }

    public String git(String... args) {
        return GitRepos.git(work, args);
    }

    /** Moves the bare repository away (the forge is unreachable) or back. */
    public void moveAway(boolean away) throws Exception {
        Path elsewhere = bare.resolveSibling("remote.git.away");
        if (away) {
            Files.move(bare, elsewhere);
        } else {
            Files.move(elsewhere, bare);
        }
    }
}
