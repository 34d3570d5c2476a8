package dev.slipway.ci.model;

/**
 * A pipeline's {@code concurrency:}: its runs with the same group (per repository) run one at a
 * time, and a newer run replaces the one that waited; with {@code cancelInProgress} it also
 * cancels the running one (GitHub Actions' rules).
 *
 * @param group the group's name; may hold {@code ${VARIABLE}} references, substituted per run
 */
public record Concurrency(String group, boolean cancelInProgress) {
    public Concurrency {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("a concurrency group needs a name");
        }
    }
}
