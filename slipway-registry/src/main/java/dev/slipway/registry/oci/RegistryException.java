package dev.slipway.registry.oci;

import java.util.Map;

/** A registry failure, answered as the spec's JSON error body with the code's status. */
public final class RegistryException extends RuntimeException {
    private final OciError error;
    private final Map<String, String> headers;

    public RegistryException(OciError error, String detail) {
        this(error, detail, Map.of());
    }

    public RegistryException(OciError error, String detail, Map<String, String> headers) {
        super(detail == null ? error.message() : detail);
        this.error = error;
        this.headers = Map.copyOf(headers);
    }

    public OciError error() { return error; }

    /** Extra response headers, such as {@code WWW-Authenticate} on a 401. */
    public Map<String, String> headers() { return headers; }
}
