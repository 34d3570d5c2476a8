package dev.slipway.core.outbox;

/**
 * How an attempt went, as a {@link Handler} reports it.
 *
 * @see Delivered
 * @see Retry
 * @see Failed
 */
public sealed interface Result {
    /** The receiver's answer (an HTTP status), or null if it never answered. */
    Integer status();

    /** What the receiver said, or why the attempt failed: shown to users, so it should say what to do. */
    String answer();

    /** The receiver took it. */
    record Delivered(Integer status, String answer) implements Result {}

    /** Worth another try (no answer, a timeout, a 5xx, a 429): retried with backoff until the last attempt. */
    record Retry(Integer status, String answer) implements Result {}

    /** Never worth another try (a refused token, an unknown receiver): failed at once. */
    record Failed(Integer status, String answer) implements Result {}

    static Result delivered(Integer status, String answer) {
        return new Delivered(status, answer);
    }

    static Result retry(Integer status, String answer) {
        return new Retry(status, answer);
    }

    static Result failed(Integer status, String answer) {
        return new Failed(status, answer);
    }
}
