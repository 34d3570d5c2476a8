package dev.slipway.ci.model;

/** Where a task's image comes from: a registry reference, or a Dockerfile in a checked-out repository. */
public sealed interface ImageSpec {
    /** How a referenced image is fetched: only when missing locally (default), or before every use. */
    enum PullPolicy { IF_NOT_PRESENT, ALWAYS }

    record Reference(String ref, PullPolicy pull) implements ImageSpec {}

    /**
     * Built from {@code dockerfile} with build context {@code context}, both relative to the
     * checkout of {@code repository} (a mount name; null for the triggering repository). Built
     * once per context digest and reused.
     */
    record Build(String repository, String context, String dockerfile) implements ImageSpec {}
}
