package dev.slipway.server.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * What the git HEAD of {@code slipway exec}'s DIR says, when DIR is a git checkout; empty values
 * (and no repository) otherwise. The full ref is the branch's, empty on a detached HEAD.
 *
 * @param defaultBranch what origin/HEAD names, else main or master if there is one, else main
 */
record GitHead(String ref, String commit, String message, String author, String repository, String defaultBranch) {
    static GitHead of(Path dir) {
        try (Git git = Git.open(dir.toFile()); RevWalk walk = new RevWalk(git.getRepository())) {
            var repo = git.getRepository();
            ObjectId head = repo.resolve(Constants.HEAD);
            String full = repo.getFullBranch();
            String ref = full != null && full.startsWith(Constants.R_HEADS) ? full : "";
            String origin = repo.getConfig().getString("remote", "origin", "url");
            String defaultBranch = defaultBranch(repo);
            if (head == null) {
                return new GitHead(ref, "", "", "", repository(origin), defaultBranch);
            }
            RevCommit c = walk.parseCommit(head);
            return new GitHead(ref, head.name(), c.getFullMessage(),
                    c.getAuthorIdent().getName() + " <" + c.getAuthorIdent().getEmailAddress() + ">", repository(origin), defaultBranch);
        } catch (IOException | RuntimeException notGit) {
            return new GitHead("", "", "", "", null, "main");
        }
    }

    private static String defaultBranch(org.eclipse.jgit.lib.Repository repo) throws IOException {
        var originHead = repo.exactRef("refs/remotes/origin/HEAD");
        if (originHead != null && originHead.isSymbolic()) {
            return originHead.getTarget().getName().replaceFirst("^refs/remotes/origin/", "");
        }
        for (String b : List.of("main", "master")) {
            if (repo.exactRef(Constants.R_HEADS + b) != null) {
                return b;
            }
        }
        return "main";
    }

    /** {@code owner/name} from a remote's URL ({@code git@host:owner/name.git}, {@code https://host/owner/name}). */
    static String repository(String url) {
        if (url == null) {
            return null;
        }
        String path = url.replaceFirst("\\.git/?$", "").replaceFirst("/+$", "");
        String[] parts = path.split("[/:]");
        if (parts.length < 2 || parts[parts.length - 1].isEmpty() || parts[parts.length - 2].isEmpty()) {
            return null;
        }
        return parts[parts.length - 2] + "/" + parts[parts.length - 1];
    }
}
