package dev.slipway.ci.registration;

import dev.slipway.ci.model.RepositoryEntry;
import dev.slipway.ci.secret.DeployKeys;
import dev.slipway.ci.secret.Secrets;
import dev.slipway.core.SlipwayException;
import java.util.Locale;
import java.util.Set;

/**
 * A repository registered for CI.
 *
 * @param id stable numeric id (Woodpecker's API names repositories by number)
 * @param keyName the deploy key for an ssh clone URL, or null
 * @param credentialsName the secret with the credentials for an http(s) clone URL, or null
 * @param triggers how a forge reaches it: webhooks, polling, commit statuses
 * @param isPublic its runs and logs are readable by everyone, signed in or not (private, the default: only its namespace)
 */
public record Registration(long id, String owner, String name, String cloneUrl, String defaultBranch, String keyName,
                           String credentialsName, long createdAt, Triggers triggers, boolean isPublic) {
    public static final Set<String> FORGES = Set.of("gitea", "forgejo", "github");

    /**
     * @param webhookSecret sealed with the server's credentials key; null when none was set yet
     * @param pollInterval seconds between polls; null for {@code ci.poll-interval}, 0 for never
     * @param forge gitea, forgejo or github: where commit statuses go and how; null until known
     * @param forgeUrl the forge API's base URL (https://gitea.example/api/v1, https://api.github.com); null: derived
     * @param forgeRepository the repository's owner/name on the forge; null: the payloads' full name, else this registration's
     * @param statusToken the secret holding the forge token that posts commit statuses; null: no statuses
     */
    public record Triggers(String webhookSecret, Integer pollInterval, String forge, String forgeUrl, String forgeRepository,
                           String statusToken) {
        public static final Triggers NONE = new Triggers(null, null, null, null, null, null);
    }

    public Registration {
        triggers = triggers == null ? Triggers.NONE : triggers;
    }

    /** A new or changed registration, checked: 400 for a bad name or URL, or a key or credentials that do not fit the URL. */
    public static Registration checked(long id, String owner, String name, String cloneUrl, String defaultBranch, String keyName,
                                       String credentialsName, long createdAt, Triggers triggers, boolean isPublic) {
        if (name == null || !name.matches("[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}")) {
            throw new SlipwayException.BadRequest("invalid repository name '" + name + "'");
        }
        if (cloneUrl == null || !(RepositoryEntry.isHttp(cloneUrl) || RepositoryEntry.isSsh(cloneUrl) || cloneUrl.startsWith("file:")
                || cloneUrl.startsWith("/"))) {
            throw new SlipwayException.BadRequest("clone_url must be an https, ssh or file URL, got '" + cloneUrl + "'");
        }
        if (keyName != null) {
            DeployKeys.checkName(keyName);
        }
        if (credentialsName != null) {
            Secrets.canonicalName(credentialsName);
        }
        for (String[] field : new String[][] {{"key", keyName}, {"credentials", credentialsName}}) {
            String misfit = field[1] == null ? null : RepositoryEntry.misfit(field[0], cloneUrl);
            if (misfit != null) {
                throw new SlipwayException.BadRequest("'" + field[0] + "' " + misfit);
            }
        }
        Triggers t = triggers == null ? Triggers.NONE : triggers;
        if (t.pollInterval() != null && (t.pollInterval() < 0 || t.pollInterval() > 86_400)) {
            throw new SlipwayException.BadRequest("poll_interval must be 0 (no polling) or 1 to 86400 seconds, got " + t.pollInterval());
        }
        if (t.forge() != null && !FORGES.contains(t.forge().toLowerCase(Locale.ROOT))) {
            throw new SlipwayException.BadRequest("forge must be gitea, forgejo or github, got '" + t.forge() + "'");
        }
        if (t.forgeUrl() != null && !RepositoryEntry.isHttp(t.forgeUrl())) {
            throw new SlipwayException.BadRequest("forge_url must be an http(s) URL such as https://gitea.example/api/v1, got '" + t.forgeUrl() + "'");
        }
        if (t.forgeRepository() != null && !t.forgeRepository().matches("[^/\\s]+/[^/\\s]+")) {
            throw new SlipwayException.BadRequest("forge_repository must be OWNER/NAME, got '" + t.forgeRepository() + "'");
        }
        if (t.statusToken() != null) {
            Secrets.canonicalName(t.statusToken());
        }
        return new Registration(id, owner, name, cloneUrl, defaultBranch == null || defaultBranch.isBlank() ? "main" : defaultBranch,
                keyName, credentialsName, createdAt, t, isPublic);
    }

    public String fullName() {
        return owner + "/" + name;
    }

    /**
     * The registration as a checkout entry: a moving ref at the default branch, mounted under the
     * repository's name. Every event of the repository (branches, tags, pull requests, commits) is
     * checked out through this one entry's git store and per-commit checkouts, with the revision
     * given to {@code Worktrees.prepare}.
     */
    public RepositoryEntry storeEntry() {
        return new RepositoryEntry(cloneUrl, defaultBranch, true, keyName, credentialsName, false, name);
    }
}
