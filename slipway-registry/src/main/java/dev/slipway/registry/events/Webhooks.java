package dev.slipway.registry.events;

import dev.slipway.core.Clock;
import dev.slipway.core.Ids;
import dev.slipway.core.SecretBox;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import java.net.URI;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The webhooks that receive registry events: all owners' events, or one owner's. Secrets are stored sealed. */
public final class Webhooks {
    /** A webhook with the state of its deliveries; never its secret. */
    public record Webhook(String id, String url, String owner, long createdAt, int pending, int delivered, int failed) {}

    private final Jdbi jdbi;
    private final Identity identity;
    private final SecretBox secrets;
    private final Clock clock;

    public Webhooks(Jdbi jdbi, Identity identity, SecretBox secrets, Clock clock) {
        this.jdbi = jdbi;
        this.identity = identity;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Adds a webhook for {@code owner}'s events, or every owner's when null. */
    public Webhook add(String url, String secret, String owner) {
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url.trim());
        } catch (IllegalArgumentException e) {
            throw new SlipwayException.BadRequest("invalid webhook URL '" + url + "'");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null || url.length() > 2048) {
            throw new SlipwayException.BadRequest("a webhook URL must be http:// or https:// with a host, got '" + url + "'");
        }
        if (secret == null || secret.isEmpty() || secret.length() > 512) {
            throw new SlipwayException.BadRequest("a webhook needs a secret of 1 to 512 characters (it signs every delivery)");
        }
        if (owner != null && identity.ownerKind(owner).isEmpty()) {
            throw new SlipwayException.NotFound("no user or organization named '" + owner + "'");
        }
        String id = Ids.randomHex(8);
        long now = clock.millis();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO webhooks(id, url, secret, owner, created_at) VALUES (:i, :u, :s, :o, :t)")
                .bind("i", id).bind("u", uri.toString()).bind("s", secrets.seal(secret)).bind("o", owner).bind("t", now).execute());
        return new Webhook(id, uri.toString(), owner, now, 0, 0, 0);
    }

    public List<Webhook> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT w.id, w.url, w.owner, w.created_at, "
                        + "COALESCE(SUM(CASE WHEN d.status = 'pending' THEN 1 ELSE 0 END), 0), "
                        + "COALESCE(SUM(CASE WHEN d.status = 'delivered' THEN 1 ELSE 0 END), 0), "
                        + "COALESCE(SUM(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END), 0) "
                        + "FROM webhooks w LEFT JOIN webhook_deliveries d ON d.webhook_id = w.id "
                        + "GROUP BY w.id, w.url, w.owner, w.created_at ORDER BY w.created_at, w.id")
                .map((rs, ctx) -> new Webhook(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getInt(5), rs.getInt(6), rs.getInt(7)))
                .list());
    }

    /** Removes a webhook and its pending deliveries. */
    public void remove(String id) {
        int n = jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM webhook_deliveries WHERE webhook_id = :i").bind("i", id).execute();
            return h.createUpdate("DELETE FROM webhooks WHERE id = :i").bind("i", id).execute();
        });
        if (n == 0) {
            throw new SlipwayException.NotFound("no webhook with id '" + id + "'");
        }
    }
}
