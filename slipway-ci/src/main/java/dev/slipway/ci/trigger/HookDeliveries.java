package dev.slipway.ci.trigger;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Webhook deliveries as received (table {@code ci_hook_deliveries}, V10): what a forge sent, what
 * Slipway answered and why. A redelivery finds its first answer here. Kept for {@link #RETENTION_DAYS} days.
 */
public final class HookDeliveries {
    static final int RETENTION_DAYS = 30;

    /** One delivery: the forge's id for it, its event, the answer's status and body, and a one-line summary. */
    public record Delivery(String forge, String deliveryId, String event, String owner, String repo, long receivedAt, int status,
                           String response, String summary) {}

    private final Jdbi jdbi;

    HookDeliveries(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Optional<Delivery> find(String forge, String deliveryId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT forge, delivery_id, event, owner, repo, received_at, status, response, summary "
                        + "FROM ci_hook_deliveries WHERE forge = :f AND delivery_id = :d").bind("f", forge).bind("d", deliveryId)
                .map((rs, ctx) -> new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getInt(7), rs.getString(8), rs.getString(9))).findOne());
    }

    /** Records a delivery; false if one with the same id was recorded meanwhile (a redelivery racing the first). */
    boolean record(Delivery d) {
        try {
            jdbi.useHandle(h -> {
                h.createUpdate("DELETE FROM ci_hook_deliveries WHERE received_at < :cutoff")
                        .bind("cutoff", d.receivedAt() - RETENTION_DAYS * 86_400_000L).execute();
                h.createUpdate("INSERT INTO ci_hook_deliveries(forge, delivery_id, event, owner, repo, received_at, status, response, summary) "
                                + "VALUES (:f, :d, :e, :o, :r, :t, :s, :body, :sum)")
                        .bind("f", d.forge()).bind("d", d.deliveryId()).bind("e", d.event()).bind("o", d.owner()).bind("r", d.repo())
                        .bind("t", d.receivedAt()).bind("s", d.status()).bind("body", d.response()).bind("sum", d.summary()).execute();
            });
            return true;
        } catch (RuntimeException duplicate) {
            return false;
        }
    }

    /** The newest deliveries for a registration, newest first. */
    public List<Delivery> recent(String owner, String repo, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT forge, delivery_id, event, owner, repo, received_at, status, response, summary "
                        + "FROM ci_hook_deliveries WHERE owner = :o AND repo = :r ORDER BY received_at DESC LIMIT :n")
                .bind("o", owner).bind("r", repo).bind("n", limit)
                .map((rs, ctx) -> new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getInt(7), rs.getString(8), rs.getString(9))).list());
    }
}
