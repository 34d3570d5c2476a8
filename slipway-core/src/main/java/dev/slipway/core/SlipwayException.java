package dev.slipway.core;

/**
 * A failure that a client caused or may fix. Each subtype maps to one HTTP status in one place
 * (the server's exception mapping); handlers never write status codes by hand.
 */
public sealed class SlipwayException extends RuntimeException
        permits SlipwayException.BadRequest, SlipwayException.Unauthorized, SlipwayException.Forbidden,
                SlipwayException.NotFound, SlipwayException.Conflict {

    private final int status;

    SlipwayException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static final class BadRequest extends SlipwayException {
        public BadRequest(String message) { super(400, message); }
    }

    public static final class Unauthorized extends SlipwayException {
        public Unauthorized(String message) { super(401, message); }
    }

    public static final class Forbidden extends SlipwayException {
        public Forbidden(String message) { super(403, message); }
    }

    public static final class NotFound extends SlipwayException {
        public NotFound(String message) { super(404, message); }
    }

    public static final class Conflict extends SlipwayException {
        public Conflict(String message) { super(409, message); }
    }
}
