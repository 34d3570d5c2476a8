package dev.slipway.actions.engine;

import dev.slipway.actions.workflow.ActionRef;
import dev.slipway.ci.workspace.Dirs;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;

/**
 * Actions fetched from Git repositories ({@code uses: owner/repo@ref}), kept on disk by the commit
 * their ref resolved to, so a second job that uses the same commit clones nothing. A ref that
 * moves ({@code v4}, {@code main}) is asked of the remote each time with one ls-remote, which is
 * cheap; a full commit id that is in the cache is not asked at all.
 *
 * <p>Layout under the cache directory:
 * <pre>
 * &lt;host&gt;/&lt;path of the repository URL&gt;/&lt;commit&gt;/   the repository's files at that commit (no .git); never changed once there
 * .tmp/&lt;uuid&gt;/                                   a clone in progress, renamed into place when complete
 * </pre>
 * A {@code file://} repository's host is {@code file}. Each repository is tried at
 * {@code <url>/<owner>/<repo>} and then with {@code .git} appended.
 */
public final class ActionCache {
    private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();
    /** How long a remote may stay silent before a fetch gives up (JGit waits forever by default). */
    private static final int TIMEOUT_SECONDS = 60;

    private final String defaultUrl;
    private final Path dir;

    /**
     * @param defaultUrl {@code ci.actions.url}: where {@code owner/repo} without a URL of its own is fetched from
     * @param dir the cache directory (under the data directory)
     */
    public ActionCache(String defaultUrl, Path dir) {
        String url = defaultUrl.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        this.defaultUrl = url;
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** An action's repository at a commit, on this machine. */
    record Fetched(String url, String commit, Path root) {}

    /** Why an action could not be fetched; the message names every URL tried. */
    static final class FetchException extends IOException {
        FetchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The URLs the action's repository is tried at, in order. */
    List<String> urls(ActionRef.Remote ref) {
        String base = (ref.baseUrl() == null ? defaultUrl : ref.baseUrl()) + "/" + ref.owner() + "/" + ref.repo();
        return base.endsWith(".git") ? List.of(base) : List.of(base, base + ".git");
    }

    /**
     * The action's repository at the commit its ref names now: from the cache, else cloned.
     * {@code log} hears what is fetched from where.
     */
    Fetched fetch(ActionRef.Remote ref, Consumer<String> log) throws IOException, InterruptedException {
        List<String> urls = urls(ref);
        if (ref.ref().matches("[0-9a-f]{40}")) {
            for (String url : urls) {
                Path cached = commitDir(url, ref.ref());
                if (Files.isDirectory(cached)) {
                    log.accept(ref.source() + ": commit " + ref.ref() + " is in Slipway's action cache");
                    return new Fetched(url, ref.ref(), cached);
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (String url : urls) {
            Collection<Ref> refs;
            try {
                refs = Git.lsRemoteRepository().setRemote(url).setHeads(true).setTags(true).setTimeout(TIMEOUT_SECONDS).call();
            } catch (GitAPIException | RuntimeException e) {
                problems.add(url + ": " + message(e));
                continue;
            }
            String commit = resolve(refs, ref.ref());
            if (commit == null && !ref.ref().matches("[0-9a-f]{7,40}")) {
                throw new FetchException("cannot fetch " + ref.source() + ": " + url + " has no branch or tag '" + ref.ref() + "'", null);
            }
            if (commit != null) {
                Path cached = commitDir(url, commit);
                if (Files.isDirectory(cached)) {
                    log.accept(ref.source() + ": " + ref.ref() + " is commit " + commit + ", in Slipway's action cache");
                    return new Fetched(url, commit, cached);
                }
            }
            log.accept(ref.source() + ": fetching " + url + " at " + ref.ref() + (commit == null ? "" : " (" + commit + ")"));
            return clone(url, ref, commit);
        }
        throw new FetchException("cannot fetch " + ref.source() + " from " + String.join(" or ", urls) + ": " + String.join("; ", problems), null);
    }

    /** The commit a branch or tag names (a tag's commit, not the tag object); null when none does. */
    private static String resolve(Collection<Ref> refs, String name) {
        for (String full : List.of("refs/tags/" + name, "refs/heads/" + name, name)) {
            for (Ref r : refs) {
                if (r.getName().equals(full)) {
                    ObjectId id = r.getPeeledObjectId() != null ? r.getPeeledObjectId() : r.getObjectId();
                    return id == null ? null : id.name();
                }
            }
        }
        return null;
    }

    /** Clones into a temporary directory, checks out the commit and moves its files into place. */
    private Fetched clone(String url, ActionRef.Remote ref, String commit) throws IOException, InterruptedException {
        Path tmp = dir.resolve(".tmp").resolve(UUID.randomUUID().toString());
        Files.createDirectories(tmp.getParent());
        try {
            String id;
            try (Git git = Git.cloneRepository().setURI(url).setDirectory(tmp.toFile()).setNoCheckout(true).setTimeout(TIMEOUT_SECONDS).call()) {
                ObjectId resolved = git.getRepository().resolve((commit != null ? commit : ref.ref()) + "^{commit}");
                if (resolved == null) {
                    throw new FetchException("cannot fetch " + ref.source() + ": " + url + " has no branch, tag or commit '" + ref.ref() + "'", null);
                }
                id = resolved.name();
                git.checkout().setName(id).call();
            } catch (GitAPIException | RuntimeException e) {
                throw new FetchException("cannot fetch " + ref.source() + " from " + url + ": " + message(e), e);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("cancelled while fetching " + ref.source());
            }
            Dirs.reset(tmp.resolve(".git"));
            Path target = commitDir(url, id);
            synchronized (LOCKS.computeIfAbsent(target, t -> new Object())) {
                if (!Files.isDirectory(target)) {
                    Files.createDirectories(target.getParent());
                    try {
                        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                        // another Slipway on the same data directory won the race: its copy is the same commit
                    }
                }
            }
            return new Fetched(url, id, target);
        } finally {
            Dirs.reset(tmp);
        }
    }

    /** {@code <host>/<path>/<commit>}, each part of the URL's path made safe as a file name. */
    Path commitDir(String url, String commit) {
        URI uri = URI.create(url);
        String host = uri.getScheme().equals("file") ? "file" : uri.getHost() + (uri.getPort() < 0 ? "" : "_" + uri.getPort());
        Path p = dir.resolve(safe(host));
        for (String part : uri.getPath().split("/")) {
            if (!part.isEmpty()) {
                p = p.resolve(safe(part));
            }
        }
        return p.resolve(commit);
    }

    private static String safe(String part) {
        String s = part.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.equals(".") || s.equals("..") || s.equals(".tmp") ? "_" + s : s;
    }

    private static String message(Exception e) {
        Throwable t = e;
        String m = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                m = t.getMessage();
            }
        }
        return m == null ? e.toString() : m;
    }
}
