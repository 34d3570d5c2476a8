package dev.slipway.registry.oci;

/**
 * The error codes of the OCI Distribution Spec (and the Docker Registry API), each with the
 * HTTP status Slipway answers with. A few codes appear twice with a different status, as the spec
 * prescribes for those cases (413 for oversize manifests, 416 for out-of-order chunks).
 */
public enum OciError {
    BLOB_UNKNOWN("BLOB_UNKNOWN", 404, "blob unknown to registry"),
    BLOB_UPLOAD_INVALID("BLOB_UPLOAD_INVALID", 400, "blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN("BLOB_UPLOAD_UNKNOWN", 404, "blob upload unknown to registry"),
    DIGEST_INVALID("DIGEST_INVALID", 400, "provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN("MANIFEST_BLOB_UNKNOWN", 400, "manifest references a manifest or blob unknown to registry"),
    MANIFEST_INVALID("MANIFEST_INVALID", 400, "manifest invalid"),
    MANIFEST_UNKNOWN("MANIFEST_UNKNOWN", 404, "manifest unknown to registry"),
    NAME_INVALID("NAME_INVALID", 400, "invalid repository name"),
    NAME_UNKNOWN("NAME_UNKNOWN", 404, "repository name not known to registry"),
    SIZE_INVALID("SIZE_INVALID", 400, "provided length did not match content length"),
    TOO_LARGE("SIZE_INVALID", 413, "content too large"),
    RANGE_INVALID("RANGE_INVALID", 416, "invalid content range"),
    TAG_INVALID("TAG_INVALID", 400, "manifest tag did not match URI"),
    UNAUTHORIZED("UNAUTHORIZED", 401, "authentication required"),
    DENIED("DENIED", 403, "requested access to the resource is denied"),
    UNSUPPORTED("UNSUPPORTED", 405, "the operation is unsupported"),
    PAGINATION_NUMBER_INVALID("PAGINATION_NUMBER_INVALID", 400, "invalid number of results requested"),
    /** The pull-through cache's upstream failed and nothing cached can stand in (502, or 504 for a timeout). */
    UPSTREAM_UNAVAILABLE("UNAVAILABLE", 502, "upstream registry unavailable"),
    UPSTREAM_TIMEOUT("UNAVAILABLE", 504, "upstream registry did not answer in time"),
    ;

    private final String code;
    private final int status;
    private final String message;

    OciError(String code, int status, String message) {
        this.code = code;
        this.status = status;
        this.message = message;
    }

    public String code() { return code; }

    public int status() { return status; }

    public String message() { return message; }

    public RegistryException with(String detail) {
        return new RegistryException(this, detail);
    }
}
