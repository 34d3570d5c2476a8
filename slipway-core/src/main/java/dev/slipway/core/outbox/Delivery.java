package dev.slipway.core.outbox;

import java.util.Locale;

/**
 * A message in the outbox and how its delivery went.
 *
 * @param id the order in which messages were enqueued (across servers: taken in the enqueuing transaction)
 * @param attempts attempts made so far (a handler sees the count before its own attempt)
 * @param nextAttemptAt when a pending message is due (while one is being sent: the end of its lease)
 * @param lastStatus the receiver's last answer (an HTTP status), or null if it never answered
 * @param lastAnswer what the receiver said, or why the last attempt failed; null before the first
 */
public record Delivery(long id, String kind, String subject, String orderingKey, String payload, State state, int attempts,
                       long nextAttemptAt, long createdAt, long updatedAt, Integer lastStatus, String lastAnswer) {
    /** Pending until delivered, or failed (at once, or after the last attempt). */
    public enum State {
        PENDING, DELIVERED, FAILED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State parse(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }
}
