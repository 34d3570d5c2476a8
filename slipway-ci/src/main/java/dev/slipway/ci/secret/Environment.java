package dev.slipway.ci.secret;

import java.util.List;

/**
 * A deployment environment of a repository (GitHub's): a name jobs refer to with
 * {@code environment:}, its own secrets and variables, an optional URL, and the users of whom one
 * must approve before a job that uses it runs.
 *
 * @param name the name as last set (names compare case-insensitively; {@link #scope()} holds the key)
 * @param url where the environment is deployed, or null
 * @param reviewers user names, in the order given; empty when jobs need no approval
 * @param createdAt epoch milliseconds
 * @param updatedAt epoch milliseconds
 */
public record Environment(String owner, String repository, String name, String url, List<String> reviewers, long createdAt,
                          long updatedAt) {
    public Environment {
        reviewers = List.copyOf(reviewers);
    }

    /** Where the environment's own secrets and variables live. */
    public SecretScope.Environment scope() {
        return SecretScope.environment(owner, repository, name);
    }

    /** Whether a job that uses the environment waits for a reviewer's approval before it runs. */
    public boolean requiresApproval() {
        return !reviewers.isEmpty();
    }

    /** Whether {@code username} may approve a job that uses the environment: one of its reviewers. */
    public boolean mayApprove(String username) {
        return username != null && reviewers.contains(username);
    }
}
