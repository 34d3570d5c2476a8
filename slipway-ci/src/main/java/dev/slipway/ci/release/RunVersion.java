package dev.slipway.ci.release;

/**
 * A run's version, as tasks see it and the run JSON shows it.
 *
 * @param version the version tag's name, such as {@code v1.3.0}
 * @param bump major, minor or patch
 * @param previous the version tag it was computed from, or null when there was none yet
 * @param tag whether the pipeline pushes the tag when the run succeeds ({@code version.tag})
 * @param pushed whether the tag push succeeded (the remote has the tag at the run's commit)
 * @param error why the tag push failed, or null
 */
public record RunVersion(String version, String bump, String previous, boolean tag, boolean pushed, String error) {}
