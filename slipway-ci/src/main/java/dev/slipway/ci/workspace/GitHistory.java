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
 * trigger filters (which files a push changed, a commit's message and author, merge bases and the
 * previous tag) and for versions (the tags, which commits they are ancestors of, the messages
 * since). Nothing here touches the network.
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
     * Every tag that names a commit, as tag name (without {@code refs/tags/}) to commit id;
     * annotated tags give the commit they point at. Tags of trees or blobs are left out.
     */
    public Map<String, String> tags() throws IOException {
        Repository repo = git.getRepository();
        Map<String, String> tags = new java.util.TreeMap<>();
        try (RevWalk walk = new RevWalk(repo)) {
            for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
                try {
                    RevCommit c = walk.parseCommit(ref.getObjectId()); // peels annotated tags; throws for other objects
                    tags.put(ref.getName().substring(Constants.R_TAGS.length()), c.name());
                } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException | org.eclipse.jgit.errors.MissingObjectException notACommit) {
                    // a tag of a tree or blob, or of an object the store lacks: no version
                }
            }
        }
        return tags;
    }

    /** Whether {@code ancestor} is {@code commit} or reachable from it through any parent. */
    public boolean isAncestor(String ancestor, String commit) throws IOException {
        Repository repo = git.getRepository();
        try (RevWalk walk = new RevWalk(repo)) {
            return walk.isMergedInto(walk.parseCommit(ObjectId.fromString(ancestor)), walk.parseCommit(ObjectId.fromString(commit)));
        }
    }

    /**
     * The full messages of the commits reachable from {@code to} and not from {@code from}
     * ({@code git log from..to}: first-parent history, merge commits and the commits they merged),
     * newest first; {@code from} null for every commit reachable from {@code to}.
     */
    public List<String> messagesBetween(String from, String to) throws IOException {
        Repository repo = git.getRepository();
        List<String> out = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repo)) {
            for (RevCommit c : between(walk, from, to)) {
                out.add(c.getFullMessage());
            }
        }
        return out;
    }

    /** {@code walk} set to go over {@code from..to}. */
    private static RevWalk between(RevWalk walk, String from, String to) throws IOException {
        walk.markStart(walk.parseCommit(ObjectId.fromString(to)));
        if (from != null) {
            walk.markUninteresting(walk.parseCommit(ObjectId.fromString(from)));
        }
        return walk;
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
            for (RevCommit c : between(walk, from, to)) {
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
