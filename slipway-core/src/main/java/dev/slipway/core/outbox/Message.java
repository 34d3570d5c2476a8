package dev.slipway.core.outbox;

/**
 * A message to enqueue: {@code Message.of("commit-status", json).about("run:42").orderedBy(key)}.
 *
 * @param kind which handler sends it
 * @param subject what it is about, to list a subject's deliveries ({@link Outbox#deliveries}); or null
 * @param orderingKey messages with the same key are delivered one at a time, in the order they were
 *                    enqueued; null for no order
 * @param payload the handler's input (usually JSON)
 */
public record Message(String kind, String subject, String orderingKey, String payload) {
    public Message {
        if (kind == null || kind.isBlank() || kind.length() > 64) {
            throw new IllegalArgumentException("an outbox message needs a kind of 1 to 64 characters, got '" + kind + "'");
        }
        if (subject != null && subject.length() > 255) {
            throw new IllegalArgumentException("an outbox subject is at most 255 characters");
        }
        if (orderingKey != null && orderingKey.length() > 600) {
            throw new IllegalArgumentException("an outbox ordering key is at most 600 characters");
        }
        if (payload == null) {
            throw new IllegalArgumentException("an outbox message needs a payload");
        }
    }

    public static Message of(String kind, String payload) {
        return new Message(kind, null, null, payload);
    }

    public Message about(String subject) {
        return new Message(kind, subject, orderingKey, payload);
    }

    public Message orderedBy(String key) {
        return new Message(kind, subject, key, payload);
    }
}
