package dev.slipway.registry.proxy;

/** The upstream could not give what was asked, and why; {@link PullThroughCache} turns it into an OCI error or a cache hit. */
final class UpstreamException extends RuntimeException {
    enum Kind {
        /** 404: the upstream does not have it. */
        NOT_FOUND,
        /** 401 or 403 after authenticating (Docker Hub also answers this for names that do not exist). */
        DENIED,
        /** No answer in time. */
        TIMEOUT,
        /** Connection refused or reset, 5xx, 429. */
        UNAVAILABLE,
        /** An answer that makes no sense: wrong digest, not a manifest, unexpected status. */
        BAD_RESPONSE
    }

    private final Kind kind;

    UpstreamException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    UpstreamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
