package dev.slipway.ci.workspace;

import dev.slipway.ci.model.RepositoryEntry;
import dev.slipway.ci.secret.MissingSecretException;
import dev.slipway.ci.secret.SecretResolver;
import dev.slipway.core.SlipwayException;
import java.util.Arrays;
import java.util.List;

/**
 * Checkouts on behalf of a run of {@code owner/repo}: the entry's https credentials come from that
 * repository's secrets (its own, its owner's, or global ones), and a checkout that fails is a 400
 * whose message names the repository and the reason.
 */
public final class Checkouts {
    private final Worktrees worktrees;
    private final SecretResolver secrets;

    public Checkouts(Worktrees worktrees, SecretResolver secrets) {
        this.worktrees = worktrees;
        this.secrets = secrets;
    }

    public Worktrees worktrees() {
        return worktrees;
    }

    public Worktrees.Worktree checkout(String owner, String repo, RepositoryEntry entry) {
        return checkout(owner, repo, entry, null);
    }

    /** A mutable entry at {@code revision} instead of its own (see {@link Worktrees#prepare(String, RepositoryEntry, HttpCredentials, String)}). */
    public Worktrees.Worktree checkout(String owner, String repo, RepositoryEntry entry, String revision) {
        try {
            return worktrees.prepare(owner, entry, credentials(owner, repo, entry), revision);
        } catch (Worktrees.CheckoutException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
    }

    /** The commit {@code revision} names and its definition files, with no checkout (see {@link Worktrees#resolve}); 400 with the reason when that fails. */
    public Worktrees.Resolved resolve(String owner, String repo, RepositoryEntry entry, String revision) {
        try {
            return worktrees.resolve(owner, entry, credentials(owner, repo, entry), revision);
        } catch (Worktrees.CheckoutException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
    }

    /** The heads of the entry's remote (see {@link Worktrees#remoteHeads}); 400 with the reason when they cannot be listed. */
    public java.util.Map<String, String> remoteHeads(String owner, String repo, RepositoryEntry entry) {
        try {
            return worktrees.remoteHeads(owner, entry, credentials(owner, repo, entry));
        } catch (Worktrees.CheckoutException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
    }

    /** Fetches a mutable entry's branches and tags into its store (see {@link Worktrees#refresh}); 400 with the reason when that fails. */
    public void refresh(String owner, String repo, RepositoryEntry entry) {
        try {
            worktrees.refresh(owner, entry, credentials(owner, repo, entry));
        } catch (Worktrees.CheckoutException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
    }

    /** Pushes an annotated tag to a mutable entry's remote (see {@link Worktrees#pushTag}); 400 with the reason when that fails. */
    public void pushTag(String owner, String repo, RepositoryEntry entry, String tag, String commit, String message,
                        org.eclipse.jgit.lib.PersonIdent tagger) {
        try {
            worktrees.pushTag(owner, entry, credentials(owner, repo, entry), tag, commit, message, tagger);
        } catch (Worktrees.CheckoutException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
    }

    /** The entry's http(s) credentials, or null if it names none; 422 (MissingSecretException) if the secret is not set. */
    public HttpCredentials credentials(String owner, String repo, RepositoryEntry entry) {
        if (entry.credentials() == null) {
            return null;
        }
        byte[] value;
        try {
            value = secrets.resolve(owner, repo, List.of(entry.credentials())).get(entry.credentials());
        } catch (MissingSecretException e) {
            throw new MissingSecretException(e.names(), e.searched(), "credentials for " + entry.url());
        }
        try {
            return HttpCredentials.parse(value);
        } catch (IllegalArgumentException e) {
            throw new SlipwayException.BadRequest("credentials '" + entry.credentials() + "' for " + entry.url() + ": " + e.getMessage());
        } finally {
            Arrays.fill(value, (byte) 0);
        }
    }
}
