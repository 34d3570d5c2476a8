package dev.slipway.registry.proxy;

import dev.slipway.core.Clock;
import dev.slipway.core.SecretBox;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Owners configured as pull-through caches of an upstream registry (table {@code registry_proxies};
 * passwords sealed with {@link SecretBox}), and when each cached tag was last checked upstream
 * ({@code proxy_tags}).
 *
 * <p>Lookups on the pull path use a snapshot at most {@value #SNAPSHOT_MILLIS} ms old, so a change
 * made by the CLI (another process) takes effect within that time; the push refusal reads the
 * database directly.
 */
public final class Proxies {
    private static final long SNAPSHOT_MILLIS = 2_000;

    /** A proxy owner. {@code password} is in the clear here: never print it (toString leaves it out). */
    public record Proxy(String owner, URI upstream, String username, String password, Duration ttl, boolean isPublic,
                        long createdAt) {
        @Override
        public String toString() {
            return "Proxy[" + owner + " -> " + upstream + (username == null ? "" : " as " + username) + ", ttl " + ttl + "]";
        }
    }

    private final Jdbi jdbi;
    private final Identity identity;
    private final SecretBox secrets;
    private final Clock clock;
    private volatile Map<String, Proxy> snapshot = Map.of();
    private volatile long snapshotAt;
    private volatile boolean stale = true;

    public Proxies(Jdbi jdbi, Identity identity, SecretBox secrets, Clock clock) {
        this.jdbi = jdbi;
        this.identity = identity;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * Makes {@code owner} a cache of {@code url}. Creates the owner as an organization if it does not
     * exist; an existing organization is adopted only while it has no repositories, and a user never.
     */
    public Proxy add(String owner, String url, String username, String password, Duration ttl, boolean isPublic) {
        Identity.checkOwnerName(owner);
        URI upstream = upstreamUri(url);
        if ((username == null) != (password == null)) {
            throw new SlipwayException.BadRequest("give both a username and a password for the upstream, or neither");
        }
        if (ttl.isNegative()) {
            throw new SlipwayException.BadRequest("the ttl must not be negative");
        }
        Optional<Identity.OwnerKind> kind = identity.ownerKind(owner);
        if (kind.isEmpty()) {
            identity.createOrg(owner, null);
        } else if (kind.get() == Identity.OwnerKind.USER) {
            throw new SlipwayException.Conflict("'" + owner + "' is a user; a proxy owner must be an organization of its own");
        }
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM registry_proxies WHERE owner = :o").bind("o", owner).mapTo(Integer.class).one() > 0) {
                throw new SlipwayException.Conflict("'" + owner + "' already is a proxy; remove it first to change it");
            }
            if (h.createQuery("SELECT COUNT(*) FROM repositories WHERE owner = :o").bind("o", owner).mapTo(Integer.class).one() > 0) {
                throw new SlipwayException.Conflict("organization '" + owner + "' already has repositories; a proxy owner holds only cached content");
            }
            h.createUpdate("INSERT INTO registry_proxies(owner, upstream_url, username, password, ttl_seconds, is_public, created_at) "
                            + "VALUES (:o, :u, :n, :p, :ttl, :pub, :t)")
                    .bind("o", owner).bind("u", upstream.toString()).bind("n", username)
                    .bind("p", password == null ? null : secrets.seal(password))
                    .bind("ttl", ttl.toSeconds()).bind("pub", isPublic).bind("t", now).execute();
        });
        stale = true;
        return new Proxy(owner, upstream, username, password, ttl, isPublic, now);
    }

    private static URI upstreamUri(String url) {
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url.trim().replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw new SlipwayException.BadRequest("invalid upstream URL '" + url + "'");
        }
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (!web || uri.getHost() == null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null || uri.getUserInfo() != null) {
            throw new SlipwayException.BadRequest("the upstream must be a registry's base URL such as https://registry-1.docker.io "
                    + "(http or https, no path, credentials via --username), got '" + url + "'");
        }
        return uri;
    }

    public List<Proxy> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT owner, upstream_url, username, password, ttl_seconds, is_public, created_at "
                        + "FROM registry_proxies ORDER BY owner")
                .map((rs, ctx) -> new Proxy(rs.getString(1), URI.create(rs.getString(2)), rs.getString(3),
                        rs.getString(4) == null ? null : secrets.unseal(rs.getString(4)), Duration.ofSeconds(rs.getLong(5)),
                        rs.getBoolean(6), rs.getLong(7)))
                .list());
    }

    /** Stops proxying; the organization and what was cached stay, as ordinary content. */
    public void remove(String owner) {
        int n = jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM proxy_tags WHERE repository IN (SELECT name FROM repositories WHERE owner = :o)")
                    .bind("o", owner).execute();
            return h.createUpdate("DELETE FROM registry_proxies WHERE owner = :o").bind("o", owner).execute();
        });
        if (n == 0) {
            throw new SlipwayException.NotFound("'" + owner + "' is not a proxy");
        }
        stale = true;
    }

    /** The proxy configured for {@code owner}, from a snapshot at most a few seconds old. */
    public Optional<Proxy> forOwner(String owner) {
        long now = clock.millis();
        if (stale || now - snapshotAt > SNAPSHOT_MILLIS || now < snapshotAt) {
            stale = false;
            snapshot = list().stream().collect(Collectors.toUnmodifiableMap(Proxy::owner, Function.identity()));
            snapshotAt = now;
        }
        return Optional.ofNullable(snapshot.get(owner));
    }

    /** Whether {@code owner} is a proxy, read from the database now. */
    public boolean isProxyNow(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM registry_proxies WHERE owner = :o")
                .bind("o", owner).mapTo(Integer.class).one() > 0);
    }

    OptionalLong checkedAt(String repository, String tag) {
        return jdbi.withHandle(h -> h.createQuery("SELECT checked_at FROM proxy_tags WHERE repository = :r AND name = :n")
                .bind("r", repository).bind("n", tag).mapTo(Long.class).findOne()
                .map(OptionalLong::of).orElse(OptionalLong.empty()));
    }

    void checked(String repository, String tag, long at) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO proxy_tags(repository, name, checked_at) VALUES (:r, :n, :t) "
                        + "ON CONFLICT (repository, name) DO UPDATE SET checked_at = excluded.checked_at")
                .bind("r", repository).bind("n", tag).bind("t", at).execute());
    }
}
