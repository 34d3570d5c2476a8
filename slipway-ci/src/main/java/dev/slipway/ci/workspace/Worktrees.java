package dev.slipway.ci.workspace;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slipway.ci.model.RepositoryEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Base worktrees (seed 004): one read-only checkout per repository entry, checked out in the
 * server with JGit and shared by every run that names the same entry.
 *
 * <p>Layout under the root ({@code <data>/ci/worktrees}):
 * <pre>
 * ci-worktree-&lt;hash&gt;/                 immutable entry: the checkout, reused with no git traffic
 * ci-worktree-&lt;hash&gt;.git/             mutable entry: object store, fetched on every run (unless the
 *                                     revision is a full commit id it already has)
 * ci-worktree-&lt;hash&gt;@&lt;commit&gt;/        mutable entry: one checkout per commit, never changed
 * .definitions/ci-worktree-&lt;hash&gt;@&lt;commit&gt;/  a commit's pipeline files only, for triggers (see DefinitionFiles)
 * .ssh/known_hosts                    ssh host keys, accepted on first use (see AcceptNewHostKeys)
 * </pre>
 * {@code <hash>} is seed 004's: SHA-256 over the owner, a NUL byte and the entry's canonical JSON
 * (keys sorted), first 24 hex digits. A checkout is built in a temporary directory and renamed into
 * place, so a directory with the final name is always complete; since base trees never change
 * after that, a running task's overlay never sees its lower layer move. File mtimes are set to
 * the time of the last commit that touched each file (like git restore-mtime).
 *
 * <p>The one write to a remote is {@link #pushTag} (a run's version tag), authenticated as checkouts are.
 */
public final class Worktrees {
    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    /** A git server that sends nothing for this long fails the checkout instead of holding the trigger forever. */
    private static final int NETWORK_TIMEOUT_SECONDS = 120;
    /** Where {@link #resolve} writes commits' definition files, under the root. */
    private static final String DEFINITIONS = ".definitions";

    private final Path root;
    private final KeyLocator keys;
    private final AcceptNewHostKeys hostKeys;
    private final GitCertificateAuthorities certificateAuthorities;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Git network operations performed (clone, fetch, ls-remote, push), for tests and metrics. */
    private final AtomicLong gitOperations = new AtomicLong();
    /** The same, per volume name: a test on a shared server counts its own repositories' traffic. */
    private final Map<String, AtomicLong> gitOperationsByVolume = new ConcurrentHashMap<>();

    /** Finds the private key of a named deploy key, or throws an exception whose message says why it cannot. */
    @FunctionalInterface
    public interface KeyLocator {
        Path privateKey(String owner, String keyName);
    }

    /** A prepared base worktree: the directory to use as the lowest overlay layer, and its commit. */
    public record Worktree(String volumeName, Path path, String commit, boolean reused) {}

    /**
     * @param caFile PEM certificates that https checkouts trust besides the JVM's ({@code ci.git-ca-file}), or null
     * @throws IllegalArgumentException if {@code caFile} cannot be read
     */
    public Worktrees(Path root, KeyLocator keys, Path caFile) {
        this.root = root;
        this.keys = keys;
        this.hostKeys = new AcceptNewHostKeys(root.resolve(".ssh").resolve("known_hosts"));
        this.certificateAuthorities = caFile == null ? null : GitCertificateAuthorities.load(caFile);
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long gitOperations() {
        return gitOperations.get();
    }

    /** Git network operations for one volume ({@link #volumeName}): its store, worktrees and remote. */
    public long gitOperations(String volumeName) {
        AtomicLong n = gitOperationsByVolume.get(volumeName);
        return n == null ? 0 : n.get();
    }

    private void countGitOperation(String volumeName) {
        gitOperations.incrementAndGet();
        gitOperationsByVolume.computeIfAbsent(volumeName, k -> new AtomicLong()).incrementAndGet();
    }

    /** Seed 004's volume name for an entry of {@code owner}. */
    public static String volumeName(String owner, RepositoryEntry entry) {
        try {
            String canonical = CANONICAL.writeValueAsString(entry.canonicalFields());
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(owner.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(canonical.getBytes(StandardCharsets.UTF_8));
            return "ci-worktree-" + HexFormat.of().formatHex(md.digest()).substring(0, 24);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The full ref the entry's revision names in its (mutable) store after {@link #prepare}:
     * {@code refs/heads/<b>} for a branch (as git resolves it, a branch wins over a tag of the
     * same name), {@code refs/tags/<t>} for a tag, the revision itself if it is a full ref, and ""
     * for a commit id or an entry without a store.
     */
    public String fullRef(String owner, RepositoryEntry entry) {
        return fullRef(owner, entry, entry.revision());
    }

    /** As {@link #fullRef(String, RepositoryEntry)} for {@code revision} looked up in the entry's store. */
    public String fullRef(String owner, RepositoryEntry entry, String revision) {
        if (revision.startsWith(Constants.R_REFS)) {
            return revision;
        }
        Path store = root.resolve(volumeName(owner, entry) + ".git");
        if (!Files.isDirectory(store)) {
            return "";
        }
        try (Git git = Git.open(store.toFile())) {
            for (String candidate : List.of(Constants.R_HEADS + revision, Constants.R_TAGS + revision)) {
                if (git.getRepository().exactRef(candidate) != null) {
                    return candidate;
                }
            }
            return "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Marks a per-commit checkout as just used (its directory's mtime): {@link #sweepCommitCheckouts} leaves it alone for a while. */
    private static void touch(Path dir) {
        try {
            Files.setLastModifiedTime(dir, FileTime.from(java.time.Instant.now()));
        } catch (IOException e) {
            // at worst the sweep sees it as older than it is; runs that use it are protected by inUse
        }
    }

    /**
     * Removes mutable entries' per-commit checkouts ({@code ci-worktree-<hash>@<commit>}) that no
     * kept run uses ({@code inUse}) and that were not used for {@code minAge} (a trigger that just
     * prepared one records it right after). Immutable checkouts and the git stores stay. Returns
     * how many went.
     */
    public int sweepCommitCheckouts(java.util.Set<Path> inUse, java.time.Duration minAge) {
        List<Path> candidates;
        try (java.util.stream.Stream<Path> s = Files.list(root)) {
            candidates = s.filter(p -> p.getFileName().toString().startsWith("ci-worktree-") && p.getFileName().toString().contains("@")
                    && Files.isDirectory(p)).toList();
        } catch (IOException e) {
            return 0;
        }
        long cutoff = System.currentTimeMillis() - minAge.toMillis();
        int removed = 0;
        for (Path dir : candidates) {
            if (inUse.contains(dir)) {
                continue;
            }
            String name = dir.getFileName().toString().substring(0, dir.getFileName().toString().indexOf('@'));
            synchronized (locks.computeIfAbsent(name, k -> new Object())) { // no prepare of this entry meanwhile
                try {
                    if (Files.getLastModifiedTime(dir).toMillis() > cutoff) {
                        continue;
                    }
                    // Renamed first, so a half-deleted tree never carries the final name.
                    Path doomed = root.resolve(".tmp-sweep-" + dir.getFileName() + "-" + System.nanoTime());
                    Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
                    Dirs.reset(doomed);
                    removed++;
                } catch (IOException | UncheckedIOException e) {
                    // tried again at the next sweep
                }
            }
        }
        sweepDefinitions(cutoff);
        return removed;
    }

    /** Definition files are read by a trigger right after {@link #resolve}; older ones go. */
    private void sweepDefinitions(long cutoff) {
        Path dir = root.resolve(DEFINITIONS);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (Files.getLastModifiedTime(p).toMillis() <= cutoff) {
                    Path doomed = dir.resolve(".tmp-sweep-" + p.getFileName() + "-" + System.nanoTime());
                    Files.move(p, doomed, StandardCopyOption.ATOMIC_MOVE);
                    deleteQuietly(doomed);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // tried again at the next sweep
        }
    }

    /**
     * A commit a trigger chose, before its checkout exists: {@code worktree} says where the run's
     * checkout will be (made by {@link #prepare} with the commit when the run starts) and
     * {@code definitions} holds the commit's pipeline definition files (see {@link DefinitionFiles}).
     */
    public record Resolved(Worktree worktree, Path definitions) {}

    /**
     * The commit {@code revision} names in a mutable entry's store, fetched when the store does
     * not have it, and its definition files; nothing else of the tree is written. A trigger uses
     * it so that a large repository's checkout never holds up a webhook delivery or an API call.
     */
    public Resolved resolve(String owner, RepositoryEntry entry, HttpCredentials credentials, String revision) throws CheckoutException {
        if (!entry.mutable()) {
            throw new IllegalArgumentException("only a mutable entry has a store to resolve revisions in");
        }
        String name = volumeName(owner, entry);
        GitAccess access = access(owner, entry, credentials);
        synchronized (locks.computeIfAbsent(name, k -> new Object())) {
            Path store = root.resolve(name + ".git");
            try (Git git = openOrInitStore(store)) {
                ObjectId id = fetchAndResolve(name, entry, git, access, revision);
                String commit = id.name();
                Path dir = root.resolve(name + "@" + commit);
                Path definitions = root.resolve(DEFINITIONS).resolve(name + "@" + commit);
                if (Files.isDirectory(definitions)) {
                    touch(definitions);
                } else {
                    Path tmp = root.resolve(DEFINITIONS).resolve(".tmp-" + name + "-" + System.nanoTime());
                    try {
                        DefinitionFiles.write(git.getRepository(), id, tmp);
                    } catch (IOException | RuntimeException e) {
                        deleteQuietly(tmp);
                        throw new CheckoutException("cannot read the pipeline files of " + commit + " from " + store + ": " + e.getMessage(), e);
                    }
                    publish(tmp, definitions);
                }
                return new Resolved(new Worktree(name, dir, commit, Files.isDirectory(dir)), definitions);
            }
        }
    }

    /**
     * Checks out (or reuses) the entry for {@code owner}.
     *
     * @param credentials for an http(s) entry that names {@code credentials}: the secret's value
     *     (the caller resolves it in the run's scopes); null otherwise
     */
    public Worktree prepare(String owner, RepositoryEntry entry, HttpCredentials credentials) throws CheckoutException {
        return prepare(owner, entry, credentials, null);
    }

    /**
     * Checks out {@code revision} of a mutable entry instead of the entry's own revision, through
     * the entry's store and per-commit checkouts. Triggers use it with the registration's entry
     * at its default branch, so every branch, tag, pull request and commit of one repository
     * shares one store.
     *
     * @param revision a branch, tag, full ref (such as {@code refs/pull/7/head}) or commit id; null
     *     for the entry's own revision
     */
    public Worktree prepare(String owner, RepositoryEntry entry, HttpCredentials credentials, String revision) throws CheckoutException {
        if (revision != null && !entry.mutable()) {
            throw new IllegalArgumentException("only a mutable entry can be checked out at another revision");
        }
        String name = volumeName(owner, entry);
        GitAccess access = access(owner, entry, credentials);
        synchronized (locks.computeIfAbsent(name, k -> new Object())) {
            return entry.mutable() ? prepareMutable(entry, name, access, revision == null ? entry.revision() : revision)
                    : prepareImmutable(entry, name, access);
        }
    }

    private GitAccess access(String owner, RepositoryEntry entry, HttpCredentials credentials) throws CheckoutException {
        if (entry.credentials() != null && credentials == null) {
            throw new CheckoutException("credentials '" + entry.credentials() + "' for " + entry.url() + " were not resolved");
        }
        Path key = null;
        if (entry.key() != null) {
            try {
                key = keys.privateKey(owner, entry.key());
            } catch (RuntimeException e) {
                throw new CheckoutException("cannot check out " + entry.url() + ": " + e.getMessage(), e);
            }
        }
        return new GitAccess(owner, entry, key, credentials, root, hostKeys, certificateAuthorities);
    }

    /**
     * The branch and tag heads of the entry's remote (git ls-remote), as full ref to commit id;
     * annotated tags give the commit they point at. Nothing is fetched.
     */
    public Map<String, String> remoteHeads(String owner, RepositoryEntry entry, HttpCredentials credentials) throws CheckoutException {
        GitAccess access = access(owner, entry, credentials);
        countGitOperation(volumeName(owner, entry));
        try (access) {
            Map<String, String> heads = new java.util.TreeMap<>();
            for (org.eclipse.jgit.lib.Ref ref : Git.lsRemoteRepository().setRemote(entry.url()).setHeads(true).setTags(true)
                    .setTimeout(NETWORK_TIMEOUT_SECONDS).setTransportConfigCallback(access).call()) {
                if (ref.getName().endsWith("^{}")) {
                    continue;
                }
                ObjectId id = ref.getPeeledObjectId() != null ? ref.getPeeledObjectId() : ref.getObjectId();
                if (id != null) {
                    heads.put(ref.getName(), id.name());
                }
            }
            return heads;
        } catch (GitAPIException | JGitInternalException e) {
            throw new CheckoutException("cannot list the refs of " + entry.url() + ": " + access.explain(e), e);
        }
    }

    /**
     * Fetches every branch and tag of a mutable entry's remote into its store, as {@link #prepare}
     * does for a branch: versions are computed from the tags the remote has now.
     */
    public void refresh(String owner, RepositoryEntry entry, HttpCredentials credentials) throws CheckoutException {
        if (!entry.mutable()) {
            throw new IllegalArgumentException("only a mutable entry has a store to refresh");
        }
        String name = volumeName(owner, entry);
        GitAccess access = access(owner, entry, credentials);
        synchronized (locks.computeIfAbsent(name, k -> new Object())) {
            try (Git git = openOrInitStore(root.resolve(name + ".git"))) {
                fetch(name, entry, git, access, entry.revision());
            }
        }
    }

    /**
     * Pushes the annotated tag {@code tag} at {@code commit} to a mutable entry's remote, with the
     * authentication of checkouts (the entry's deploy key or credentials, see {@link GitAccess}).
     * Returns normally when the remote has that tag at that commit afterwards: pushed now, or there
     * already (a tag the store has at the commit is pushed again, which finds it up to date). The
     * store gets the tag only after the remote took it, so a failed push leaves nothing that a
     * later version computation would count.
     *
     * @throws CheckoutException with the reason: the tag exists at another commit, the remote
     *     refused it (its message included), or the push failed
     */
    public void pushTag(String owner, RepositoryEntry entry, HttpCredentials credentials, String tag, String commit, String message,
                        PersonIdent tagger) throws CheckoutException {
        String name = volumeName(owner, entry);
        Path store = root.resolve(name + ".git");
        GitAccess access = access(owner, entry, credentials);
        String refName = Constants.R_TAGS + tag;
        synchronized (locks.computeIfAbsent(name, k -> new Object())) {
            try (access; Git git = Git.open(store.toFile()); RevWalk walk = new RevWalk(git.getRepository())) {
                Repository repo = git.getRepository();
                RevCommit target = walk.parseCommit(ObjectId.fromString(commit));
                org.eclipse.jgit.lib.Ref existing = repo.exactRef(refName);
                ObjectId object;
                if (existing != null) {
                    RevCommit at = walk.parseCommit(existing.getObjectId());
                    if (!at.equals(target)) {
                        throw new CheckoutException("tag " + tag + " already exists at " + at.name().substring(0, 8) + ", not at " + commit.substring(0, 8));
                    }
                    object = existing.getObjectId();
                } else {
                    TagBuilder t = new TagBuilder();
                    t.setObjectId(target);
                    t.setTag(tag);
                    t.setTagger(tagger);
                    t.setMessage(message.endsWith("\n") ? message : message + "\n"); // as git tag -m writes it
                    try (ObjectInserter inserter = repo.newObjectInserter()) {
                        object = inserter.insert(t);
                        inserter.flush();
                    }
                }
                countGitOperation(name);
                // A new tag must not exist on the remote yet (zeroId); one the store had is pushed as it is.
                RemoteRefUpdate update = new RemoteRefUpdate(repo, refName, object, refName, false, null,
                        existing == null ? ObjectId.zeroId() : null);
                PushResult result;
                try (Transport transport = Transport.open(repo, new URIish(entry.url()))) {
                    access.configure(transport);
                    transport.setTimeout(NETWORK_TIMEOUT_SECONDS);
                    result = transport.push(NullProgressMonitor.INSTANCE, List.of(update));
                }
                RemoteRefUpdate done = result.getRemoteUpdate(refName);
                switch (done.getStatus()) {
                    case OK, UP_TO_DATE -> { }
                    case REJECTED_REMOTE_CHANGED, REJECTED_NONFASTFORWARD ->
                            throw new CheckoutException("the remote already has a tag " + tag + " (at another commit or as another tag object)");
                    default -> throw new CheckoutException("the remote refused tag " + tag
                            + (done.getMessage() == null ? "" : ": " + done.getMessage()) + remoteMessages(result));
                }
                if (existing == null) {
                    RefUpdate local = repo.updateRef(refName);
                    local.setNewObjectId(object);
                    local.setExpectedOldObjectId(ObjectId.zeroId());
                    local.update(); // a tag fetched meanwhile is the same one
                }
            } catch (IOException | JGitInternalException | java.net.URISyntaxException e) {
                throw new CheckoutException("cannot push tag " + tag + " to " + entry.url() + ": " + access.explain(e), e);
            }
        }
    }

    /** What the remote printed (hooks, permission messages), without git's "remote:" noise. */
    private static String remoteMessages(PushResult result) {
        String messages = result.getMessages() == null ? "" : result.getMessages().strip();
        return messages.isEmpty() ? "" : " (the remote said: " + String.join(" ", messages.lines().map(String::strip).toList()) + ")";
    }

    /**
     * Reads the history in a mutable entry's store (after {@link #prepare}): commit messages,
     * authors and changed paths for the trigger filters. Close it after use.
     */
    public GitHistory history(String owner, RepositoryEntry entry) throws CheckoutException {
        Path store = root.resolve(volumeName(owner, entry) + ".git");
        if (!Files.isDirectory(store)) {
            throw new CheckoutException("no git store for " + entry.url() + " yet");
        }
        try {
            return new GitHistory(Git.open(store.toFile()));
        } catch (IOException e) {
            throw new CheckoutException("cannot open the git store " + store + ": " + e.getMessage(), e);
        }
    }

    private Worktree prepareImmutable(RepositoryEntry entry, String name, GitAccess access) throws CheckoutException {
        Path dir = root.resolve(name);
        if (Files.isDirectory(dir)) {
            return new Worktree(name, dir, readCommit(dir), true);
        }
        Path tmp = root.resolve(".tmp-" + name + "-" + System.nanoTime());
        String commit = cloneAndCheckout(name, entry, tmp, access);
        publish(tmp, dir);
        return new Worktree(name, dir, commit, false);
    }

    private Worktree prepareMutable(RepositoryEntry entry, String name, GitAccess access, String revision) throws CheckoutException {
        Path store = root.resolve(name + ".git");
        try (Git git = openOrInitStore(store)) {
            ObjectId id = fetchAndResolve(name, entry, git, access, revision);
            String commit = id.name();
            // Point the store's HEAD at the commit, so a clone from it has something to check out.
            try {
                RefUpdate head = git.getRepository().updateRef(Constants.HEAD, true);
                head.setNewObjectId(id);
                head.forceUpdate();
            } catch (IOException e) {
                throw new CheckoutException("cannot update the git store " + store + ": " + e.getMessage(), e);
            }
            Path dir = root.resolve(name + "@" + commit);
            if (Files.isDirectory(dir)) {
                touch(dir);
                return new Worktree(name, dir, commit, true);
            }
            Path tmp = root.resolve(".tmp-" + name + "-" + System.nanoTime());
            RepositoryEntry local = new RepositoryEntry(store.toUri().toString(), commit, false, null, null, entry.submodules(), entry.name());
            String checkedOut = cloneAndCheckout(name, local, tmp, new GitAccess(null, local, null, null, root, hostKeys, null));
            publish(tmp, dir);
            touch(dir);
            return new Worktree(name, dir, checkedOut, false);
        }
    }

    /** The commit {@code revision} names in a mutable entry's store, fetched first unless it is a commit the store has. */
    private ObjectId fetchAndResolve(String name, RepositoryEntry entry, Git git, GitAccess access, String revision) throws CheckoutException {
        if (!hasCommit(git.getRepository(), revision)) {
            fetch(name, entry, git, access, revision);
        }
        return resolve(git.getRepository(), revision);
    }

    private Git openOrInitStore(Path store) throws CheckoutException {
        try {
            if (Files.isDirectory(store)) {
                return Git.open(store.toFile());
            }
            return Git.init().setBare(true).setDirectory(store.toFile()).call();
        } catch (IOException | GitAPIException e) {
            throw new CheckoutException("cannot open the git store " + store + ": " + e.getMessage(), e);
        }
    }

    /** Fetches every branch and tag, and {@code revision} too when it is another full ref (a pull request's head). */
    private void fetch(String volumeName, RepositoryEntry entry, Git git, GitAccess access, String revision) throws CheckoutException {
        countGitOperation(volumeName);
        List<RefSpec> specs = new java.util.ArrayList<>(List.of(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*")));
        if (revision.startsWith(Constants.R_REFS) && !revision.startsWith(Constants.R_HEADS) && !revision.startsWith(Constants.R_TAGS)) {
            specs.add(new RefSpec("+" + revision + ":" + revision));
        }
        try (access) {
            FetchResult r = git.fetch().setRemote(entry.url()).setTimeout(NETWORK_TIMEOUT_SECONDS).setRefSpecs(specs)
                    .setTransportConfigCallback(access).call();
            if (r == null) {
                throw new CheckoutException("fetch of " + entry.url() + " returned nothing");
            }
        } catch (GitAPIException | JGitInternalException e) {
            throw new CheckoutException("cannot fetch " + entry.url() + ": " + access.explain(e), e);
        }
    }

    /**
     * A fresh repository in {@code dir} with the source's branches (as {@code refs/remotes/origin/*})
     * and tags fetched, checked out at the entry's revision (see {@link #resolveOrFetchAll} for a
     * commit no branch or tag reaches). Not git's own clone: it insists on the source's HEAD, which a
     * mutable entry's store points at the commit to check out.
     */
    private String cloneAndCheckout(String volumeName, RepositoryEntry entry, Path dir, GitAccess access) throws CheckoutException {
        countGitOperation(volumeName);
        try (access; Git git = Git.init().setDirectory(dir.toFile()).call()) {
            git.remoteAdd().setName("origin").setUri(new org.eclipse.jgit.transport.URIish(entry.url())).call();
            git.fetch().setRemote("origin").setTimeout(NETWORK_TIMEOUT_SECONDS).setTransportConfigCallback(access)
                    .setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/origin/*"), new RefSpec("+refs/tags/*:refs/tags/*")).call();
            ObjectId id = resolveOrFetchAll(git, entry, access);
            checkoutDetached(git.getRepository(), id);
            if (entry.submodules()) {
                git.submoduleInit().call();
                git.submoduleUpdate().setTimeout(NETWORK_TIMEOUT_SECONDS).setTransportConfigCallback(access).call();
            }
            restoreMtimes(git.getRepository(), id, dir);
            Files.writeString(dir.resolve(".git").resolve("slipway-commit"), id.name());
            return id.name();
        } catch (GitAPIException | JGitInternalException | IOException | java.net.URISyntaxException e) {
            deleteQuietly(dir);
            throw new CheckoutException("cannot check out " + entry.url() + "@" + entry.revision() + ": " + access.explain(e), e);
        } catch (CheckoutException e) {
            deleteQuietly(dir);
            throw e;
        }
    }

    /**
     * The entry's revision in a fresh clone. Branches and tags come first; a commit that only
     * another ref reaches (a pull request's head, {@code refs/pull/7/head}) is then fetched with
     * every ref of the source and looked up again.
     */
    private static ObjectId resolveOrFetchAll(Git git, RepositoryEntry entry, GitAccess access)
            throws CheckoutException, GitAPIException, IOException {
        try {
            ObjectId id = resolve(git.getRepository(), entry.revision());
            if (git.getRepository().getObjectDatabase().has(id)) {
                return id;
            }
        } catch (CheckoutException notThere) {
            // fetched below
        }
        git.fetch().setRemote("origin").setTimeout(NETWORK_TIMEOUT_SECONDS).setTransportConfigCallback(access)
                .setRefSpecs(new RefSpec("+refs/*:refs/slipway-source/*")).call();
        ObjectId id = resolve(git.getRepository(), entry.revision());
        if (!git.getRepository().getObjectDatabase().has(id)) {
            throw new CheckoutException("revision '" + entry.revision() + "' is not a branch, tag or commit of the repository");
        }
        return id;
    }

    /**
     * Writes the commit's tree into the fresh clone's empty index and work tree, then points HEAD
     * at the commit (detached). A clone made with no checkout has an empty index but a HEAD at the
     * default branch; a checkout command would compare against that HEAD and see every file that
     * differs from the branch tip as a conflict, so pins to older commits or tags failed.
     */
    private static void checkoutDetached(Repository repo, ObjectId id) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = walk.parseCommit(id);
            DirCache index = repo.lockDirCache();
            try {
                DirCacheCheckout checkout = new DirCacheCheckout(repo, index, commit.getTree());
                checkout.setFailOnConflict(true);
                checkout.checkout();
            } finally {
                index.unlock();
            }
            RefUpdate head = repo.updateRef(Constants.HEAD, true);
            head.setNewObjectId(commit);
            head.forceUpdate();
        }
    }

    /**
     * Whether {@code revision} is a full commit id whose commit the store already has: a commit
     * never changes, so fetching it again would only cost traffic. (A branch may be named like a
     * commit id; the store's branch of that name would then win in {@link #resolve}, so a store
     * that has such a branch is fetched as usual.)
     */
    private static boolean hasCommit(Repository repo, String revision) {
        if (!ObjectId.isId(revision)) {
            return false;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            if (repo.exactRef("refs/heads/" + revision) != null || repo.exactRef("refs/tags/" + revision) != null) {
                return false;
            }
            walk.parseCommit(ObjectId.fromString(revision));
            return true;
        } catch (IOException e) {
            return false; // missing, or not a commit
        }
    }

    /** A branch, tag or commit, looked up in that order. */
    private static ObjectId resolve(Repository repo, String revision) throws CheckoutException {
        try {
            for (String candidate : List.of("refs/remotes/origin/" + revision, "refs/heads/" + revision, "refs/tags/" + revision + "^{commit}",
                    revision + "^{commit}")) {
                ObjectId id = repo.resolve(candidate);
                if (id != null) {
                    return id;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new CheckoutException("cannot resolve revision '" + revision + "': " + e.getMessage(), e);
        }
        throw new CheckoutException("revision '" + revision + "' is not a branch, tag or commit of the repository");
    }

    /** Sets each file's mtime to its last commit's time, walking history newest first. */
    private static void restoreMtimes(Repository repo, ObjectId head, Path dir) throws IOException {
        Map<String, Long> times = new HashMap<>();
        try (TreeWalk all = new TreeWalk(repo); RevWalk walk = new RevWalk(repo)) {
            RevCommit headCommit = walk.parseCommit(head);
            all.addTree(headCommit.getTree());
            all.setRecursive(true);
            java.util.Set<String> pending = new java.util.HashSet<>();
            while (all.next()) {
                pending.add(all.getPathString());
            }
            walk.markStart(headCommit);
            for (RevCommit c : walk) {
                if (pending.isEmpty()) {
                    break;
                }
                try (TreeWalk tw = new TreeWalk(repo)) {
                    tw.setRecursive(true);
                    tw.setFilter(TreeFilter.ANY_DIFF);
                    if (c.getParentCount() > 0) {
                        tw.addTree(walk.parseCommit(c.getParent(0)).getTree());
                    } else {
                        tw.addTree(new org.eclipse.jgit.treewalk.EmptyTreeIterator());
                    }
                    tw.addTree(c.getTree());
                    for (DiffEntry d : DiffEntry.scan(tw)) {
                        String path = d.getNewPath();
                        if (pending.remove(path)) {
                            times.put(path, c.getCommitTime() * 1000L);
                        }
                    }
                }
            }
        }
        for (var e : times.entrySet()) {
            Path f = dir.resolve(e.getKey());
            if (Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(f)) {
                Files.setLastModifiedTime(f, FileTime.fromMillis(e.getValue()));
            }
        }
    }

    private static String readCommit(Path dir) {
        try {
            return Files.readString(dir.resolve(".git").resolve("slipway-commit")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void publish(Path tmp, Path dir) throws CheckoutException {
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException raced) {
            deleteQuietly(tmp);
        } catch (AtomicMoveNotSupportedException e) {
            throw new CheckoutException("the worktree directory needs atomic rename: " + dir, e);
        } catch (IOException e) {
            if (Files.isDirectory(dir)) {
                deleteQuietly(tmp); // another run published the same checkout first
                return;
            }
            throw new CheckoutException("cannot publish worktree " + dir + ": " + e.getMessage(), e);
        }
    }

    static void deleteQuietly(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** A checkout failed; the message names the repository and the reason. */
    public static final class CheckoutException extends Exception {
        public CheckoutException(String message) {
            super(message);
        }

        public CheckoutException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
