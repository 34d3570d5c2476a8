package dev.slipway.core.identity;

import dev.slipway.core.Clock;
import dev.slipway.core.Ids;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Sign-in sessions of the web UI: a user who signed in with a password holds a session id (the
 * cookie's value) that stands for that password login until it expires or the user signs out.
 *
 * <p>A session expires after {@code idle} without a request, and {@code maxAge} after sign-in
 * whatever happens. The table ({@code db/migration/core/V19__web_sessions.sql}) keeps only the
 * SHA-256 of each id: ids are 256 random bits, so a fast hash is safe, and a copy of the database
 * signs no one in. Expired rows are removed when they are met and by {@link #deleteExpired}.
 */
public final class Sessions {
    /** Last-seen is written at most this often per session (a page view is not worth a write), or a tenth of the idle time. */
    private static final long TOUCH_MILLIS = 60_000;

    private final Jdbi jdbi;
    private final Clock clock;
    private final long idleMillis;
    private final long maxAgeMillis;
    private final long touchMillis;

    /** A session just created: {@code id} goes into the cookie and is never stored. */
    public record Created(String id, long expiresAt) {}

    public Sessions(Jdbi jdbi, Clock clock, Duration idle, Duration maxAge) {
        if (idle.isNegative() || idle.isZero() || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("session durations must be positive");
        }
        this.jdbi = jdbi;
        this.clock = clock;
        this.idleMillis = idle.toMillis();
        this.maxAgeMillis = maxAge.toMillis();
        this.touchMillis = Math.min(TOUCH_MILLIS, idleMillis / 10);
    }

    /** Starts a session for a user who just proved their password. */
    public Created create(String username) {
        Objects.requireNonNull(username, "username");
        String id = Ids.randomHex(32);
        long now = clock.millis();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO web_sessions(id_hash, username, created_at, last_seen_at) VALUES (:h, :u, :t, :t)")
                .bind("h", Identity.sha256(id)).bind("u", username).bind("t", now).execute());
        return new Created(id, now + Math.min(idleMillis, maxAgeMillis));
    }

    /**
     * The principal a session id stands for: the user, with every scope (a password login), or
     * empty when there is no such session or it expired (an expired one is deleted).
     */
    public Optional<Principal> resolve(String id) {
        if (id == null || id.length() != 64) {
            return Optional.empty();
        }
        String hash = Identity.sha256(id);
        record Row(String user, boolean admin, long createdAt, long lastSeenAt) {}
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery("SELECT s.username, u.is_admin, s.created_at, s.last_seen_at "
                        + "FROM web_sessions s JOIN users u ON u.name = s.username WHERE s.id_hash = :h")
                .bind("h", hash)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getBoolean(2), rs.getLong(3), rs.getLong(4)))
                .findOne());
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Row r = row.get();
        long now = clock.millis();
        if (now - r.lastSeenAt() >= idleMillis || now - r.createdAt() >= maxAgeMillis) {
            deleteHash(hash);
            return Optional.empty();
        }
        if (now - r.lastSeenAt() >= touchMillis) {
            jdbi.useHandle(h -> h.createUpdate("UPDATE web_sessions SET last_seen_at = :t WHERE id_hash = :h")
                    .bind("t", now).bind("h", hash).execute());
        }
        return Optional.of(Principal.user(r.user(), r.admin()));
    }

    /** Ends a session (sign out). Unknown ids are ignored. */
    public void delete(String id) {
        if (id != null) {
            deleteHash(Identity.sha256(id));
        }
    }

    /** Ends every session of a user (for instance after a password change); returns how many there were. */
    public int deleteAll(String username) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM web_sessions WHERE username = :u").bind("u", username).execute());
    }

    /** Removes expired sessions; returns how many. */
    public int deleteExpired() {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM web_sessions WHERE last_seen_at <= :idle OR created_at <= :max")
                .bind("idle", now - idleMillis).bind("max", now - maxAgeMillis).execute());
    }

    /** How long a session lives at most, for the cookie's Max-Age. */
    public Duration maxAge() {
        return Duration.ofMillis(maxAgeMillis);
    }

    private void deleteHash(String hash) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM web_sessions WHERE id_hash = :h").bind("h", hash).execute());
    }
}
