package dev.slipway.ci.secret;

import dev.slipway.core.Clock;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Deployment environments of repositories: name, URL and reviewers.
 *
 * <p>Layout. Table {@code ci_environments} (migration {@code V21__actions_variables.sql}), one row
 * per (owner, repository, name): {@code name} is the lower-case key (GitHub compares environment
 * names case-insensitively), {@code display_name} the name as last set, {@code reviewers} user
 * names separated by single spaces. An environment's secrets and variables live in
 * {@code ci_secrets} and {@code ci_variables} under the scope {@code env:<owner>/<repo>/<name>};
 * deleting the environment deletes them in the same transaction.
 *
 * <p>Like secrets, environments need the owner to exist but not the repository to be registered
 * yet, so a repository can be configured before its first run.
 */
public final class Environments {
    /** GitHub's limit too. */
    public static final int MAX_REVIEWERS = 6;
    private static final int MAX_URL_LENGTH = 2048;

    private final Jdbi jdbi;
    private final Identity identity;
    private final Clock clock;

    public Environments(Jdbi jdbi, Identity identity, Clock clock) {
        this.jdbi = jdbi;
        this.identity = identity;
        this.clock = clock;
    }

    /**
     * Creates or replaces an environment: its URL (null for none) and reviewers (empty: jobs run
     * without approval). Returns true if it was created.
     */
    public boolean put(String owner, String repository, String name, String url, List<String> reviewers) {
        SecretScope.Environment scope = SecretScope.environment(owner, repository, name);
        requireOwner(identity, owner);
        checkUrl(url);
        List<String> people = List.copyOf(new LinkedHashSet<>(reviewers));
        if (people.size() > MAX_REVIEWERS) {
            throw new SlipwayException.BadRequest("an environment takes at most " + MAX_REVIEWERS + " reviewers; "
                    + people.size() + " were given");
        }
        for (String user : people) {
            checkReviewer(owner, user);
        }
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            boolean exists = h.createQuery("SELECT COUNT(*) FROM ci_environments WHERE owner = :o AND repository = :r AND name = :n")
                    .bind("o", owner).bind("r", repository).bind("n", scope.environment()).mapTo(Integer.class).one() > 0;
            h.createUpdate("INSERT INTO ci_environments(owner, repository, name, display_name, url, reviewers, created_at, updated_at) "
                            + "VALUES (:o, :r, :n, :d, :u, :v, :t, :t) ON CONFLICT (owner, repository, name) DO UPDATE "
                            + "SET display_name = excluded.display_name, url = excluded.url, reviewers = excluded.reviewers, "
                            + "updated_at = excluded.updated_at")
                    .bind("o", owner).bind("r", repository).bind("n", scope.environment()).bind("d", name).bind("u", url)
                    .bind("v", String.join(" ", people)).bind("t", now).execute();
            return !exists;
        });
    }

    public Optional<Environment> find(String owner, String repository, String name) {
        SecretScope.Environment scope = SecretScope.environment(owner, repository, name);
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE owner = :o AND repository = :r AND name = :n")
                .bind("o", owner).bind("r", repository).bind("n", scope.environment()).map(Environments::row).findOne());
    }

    /** The environment, or 404 saying how to create it. */
    public Environment require(String owner, String repository, String name) {
        return find(owner, repository, name).orElseThrow(() -> notFound(owner, repository, name));
    }

    /** A repository's environments by name. */
    public List<Environment> list(String owner, String repository) {
        SecretScope.repository(owner, repository); // 400 for a name that cannot be one
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE owner = :o AND repository = :r ORDER BY name")
                .bind("o", owner).bind("r", repository).map(Environments::row).list());
    }

    /** Deletes an environment with its secrets and variables. */
    public void delete(String owner, String repository, String name) {
        SecretScope.Environment scope = SecretScope.environment(owner, repository, name);
        jdbi.useTransaction(h -> {
            int deleted = h.createUpdate("DELETE FROM ci_environments WHERE owner = :o AND repository = :r AND name = :n")
                    .bind("o", owner).bind("r", repository).bind("n", scope.environment()).execute();
            if (deleted == 0) {
                throw notFound(owner, repository, name);
            }
            for (String table : List.of("ci_secrets", "ci_variables")) {
                h.createUpdate("DELETE FROM " + table + " WHERE scope = :s").bind("s", scope.wireName()).execute();
            }
        });
    }

    /**
     * 404 unless what {@code scope} names exists: its owner, and for an environment scope the
     * environment. Secrets and variables call this before they store a value in a scope.
     */
    static void requireScope(Jdbi jdbi, Identity identity, SecretScope scope) {
        switch (scope) {
            case SecretScope.Global g -> { }
            case SecretScope.Owner o -> requireOwner(identity, o.owner());
            case SecretScope.Repository r -> requireOwner(identity, r.owner());
            case SecretScope.Environment e -> {
                requireOwner(identity, e.owner());
                boolean exists = jdbi.withHandle(h -> h.createQuery(
                                "SELECT COUNT(*) FROM ci_environments WHERE owner = :o AND repository = :r AND name = :n")
                        .bind("o", e.owner()).bind("r", e.repository()).bind("n", e.environment()).mapTo(Integer.class).one() > 0);
                if (!exists) {
                    throw notFound(e.owner(), e.repository(), e.environment());
                }
            }
        }
    }

    private static void requireOwner(Identity identity, String owner) {
        if (identity.ownerKind(owner).isEmpty()) {
            throw new SlipwayException.NotFound("user or organization '" + owner + "' does not exist");
        }
    }

    private static SlipwayException.NotFound notFound(String owner, String repository, String name) {
        return new SlipwayException.NotFound("environment '" + name + "' does not exist in " + owner + "/" + repository
                + "; create it with PUT /api/v1/repos/" + owner + "/" + repository + "/environments/" + name
                + " or 'slipway envs set --repo " + owner + "/" + repository + " " + name + "'");
    }

    private static void checkUrl(String url) {
        if (url == null) {
            return;
        }
        String why = null;
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                why = "use an absolute http or https URL";
            }
        } catch (URISyntaxException e) {
            why = e.getReason();
        }
        if (why == null && url.length() > MAX_URL_LENGTH) {
            why = "at most " + MAX_URL_LENGTH + " characters";
        }
        if (why != null) {
            throw new SlipwayException.BadRequest("invalid url '" + url + "': " + why);
        }
    }

    /** A reviewer must be a user who can reach the repository, or the approval could never come. */
    private void checkReviewer(String owner, String user) {
        if (user == null || user.isBlank()) {
            throw new SlipwayException.BadRequest("a reviewer's name is empty");
        }
        Identity.User u = identity.user(user).orElseThrow(() -> new SlipwayException.BadRequest("reviewer '" + user
                + "' is not a user" + (identity.ownerKind(user).isPresent() ? " (it is an organization; name its members)" : "")));
        if (!identity.inNamespace(Principal.user(u.name(), u.admin()), owner)) {
            throw new SlipwayException.BadRequest("reviewer '" + user + "' has no access to " + owner + "'s repositories, so could "
                    + "never approve; reviewers are the owner, members of the organization or site admins");
        }
    }

    private static final String SELECT = "SELECT owner, repository, display_name, url, reviewers, created_at, updated_at FROM ci_environments";

    private static Environment row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        String reviewers = rs.getString(5);
        return new Environment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                reviewers.isEmpty() ? List.of() : Arrays.asList(reviewers.split(" ")), rs.getLong(6), rs.getLong(7));
    }
}
