package dev.slipway.ci.workspace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Read-only questions about a repository's history in a mutable entry's local store, for the
 * trigger filters: which files a push changed, a commit's message and author, merge bases and the
 * previous tag. Nothing here touches the network.
 */
public final class GitHistory implements AutoCloseable {
    private final Git git;

    GitHistory(Git git) {
        this.git = git;
    }

    /** What a trigger needs of a commit. */
    public record CommitInfo(String id, String message, String authorName, String authorEmail, long time, List<String> parents) {}

    public Optional<CommitInfo> commit(String id) {
        Repository repo = git.getRepository();
        try (RevWalk walk = new RevWalk(repo)) {
            ObjectId oid = repo.resolve(id + "^{commit}");
            if (oid == null) {
                return Optional.empty();
            }
            RevCommit c = walk.parseCommit(oid);
            List<String> parents = new ArrayList<>();
            for (RevCommit p : c.getParents()) {
                parents.add(p.name());
            }
            return Optional.of(new CommitInfo(c.name(), c.getFullMessage(), c.getAuthorIdent().getName(), c.getAuthorIdent().getEmailAddress(),
                    c.getCommitTime() * 1000L, parents));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The commit a branch, tag, full ref or id names in the store, or empty. */
    public Optional<String> resolve(String revision) {
        try {
            ObjectId id = git.getRepository().resolve(revision + "^{commit}");
            return Optional.ofNullable(id).map(ObjectId::name);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The best common ancestor of two commits, or empty when they share none. */
    public Optional<String> mergeBase(String a, String b) {
        Repository repo = git.getRepository();
        try (RevWalk walk = new RevWalk(repo)) {
            walk.setRevFilter(RevFilter.MERGE_BASE);
            walk.markStart(walk.parseCommit(ObjectId.fromString(a)));
            walk.markStart(walk.parseCommit(ObjectId.fromString(b)));
            RevCommit base = walk.next();
            return Optional.ofNullable(base).map(RevCommit::name);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The nearest tagged commit that is an ancestor of {@code commit}, excluding {@code commit}
     * itself: what a tag push is compared with. Empty when no older tag exists.
     */
    public Optional<String> previousTag(String commit) {
        Repository repo = git.getRepository();
        try (RevWalk walk = new RevWalk(repo)) {
            Map<ObjectId, String> tagged = new HashMap<>();
            for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
                Ref peeled = repo.getRefDatabase().peel(ref);
                ObjectId target = peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : peeled.getObjectId();
                tagged.put(target, ref.getName());
            }
            RevCommit start = walk.parseCommit(ObjectId.fromString(commit));
            for (RevCommit p : start.getParents()) {
                walk.markStart(walk.parseCommit(p));
            }
            for (RevCommit c : walk) {
                if (tagged.containsKey(c.getId())) {
                    return Optional.of(c.name());
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The paths that differ between two commits (added, changed, deleted, both sides of a
     * rename); {@code from} null compares with an empty tree (every file of {@code to}).
     */
    public Set<String> changedPaths(String from, String to) throws IOException {
        Repository repo = git.getRepository();
        Set<String> paths = new LinkedHashSet<>();
        try (RevWalk walk = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
            tw.setRecursive(true);
            tw.setFilter(TreeFilter.ANY_DIFF);
            if (from == null) {
                tw.addTree(new EmptyTreeIterator());
            } else {
                CanonicalTreeParser a = new CanonicalTreeParser();
                a.reset(repo.newObjectReader(), walk.parseCommit(ObjectId.fromString(from)).getTree());
                tw.addTree(a);
            }
            CanonicalTreeParser b = new CanonicalTreeParser();
            b.reset(repo.newObjectReader(), walk.parseCommit(ObjectId.fromString(to)).getTree());
            tw.addTree(b);
            for (DiffEntry d : DiffEntry.scan(tw)) {
                if (!d.getOldPath().equals(DiffEntry.DEV_NULL)) {
                    paths.add(d.getOldPath());
                }
                if (!d.getNewPath().equals(DiffEntry.DEV_NULL)) {
                    paths.add(d.getNewPath());
                }
            }
        }
        return paths;
    }

    /** Commits reachable from {@code to} and not from {@code from} (newest first, at most {@code limit}). */
    public List<CommitInfo> commitsBetween(String from, String to, int limit) {
        Repository repo = git.getRepository();
        List<CommitInfo> out = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(ObjectId.fromString(to)));
            if (from != null) {
                walk.markUninteresting(walk.parseCommit(ObjectId.fromString(from)));
            }
            for (RevCommit c : walk) {
                if (out.size() >= limit) {
                    break;
                }
                commit(c.name()).ifPresent(out::add);
            }
        } catch (IOException | RuntimeException e) {
            // a commit the store lacks: what was found so far
        }
        return out;
    }

    @Override
    public void close() {
        git.close();
    }
}
