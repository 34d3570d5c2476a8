package dev.slipway.registry.lifecycle;

/**
 * Tags matching {@code pattern} in {@code repository} (or in every repository of {@code owner}
 * when it is null) may be created but never moved to another manifest or deleted.
 */
public record ImmutableRule(String id, String owner, String repository, TagPattern pattern, long createdAt) {
    public boolean appliesTo(String repositoryName) {
        return repository == null ? repositoryName.startsWith(owner + "/") : repository.equals(repositoryName);
    }

    /** {@code OWNER} or {@code OWNER/NAME}, as the CLI takes it. */
    public String target() {
        return repository == null ? owner : repository;
    }

    /** How error messages name the rule. */
    public String describe() {
        return "immutable-tag rule " + id + " ('" + pattern + "' on " + (repository == null ? "every repository of " + owner : repository) + ")";
    }
}
