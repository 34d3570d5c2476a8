package dev.slipway.actions.workflow;

import dev.slipway.actions.workflow.Permissions.Access;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.stream.Collectors;

/**
 * What a job's token ({@code secrets.GITHUB_TOKEN}, {@code secrets.GITEA_TOKEN}) may do, scope
 * by scope: {@code contents} (read the repository, push commits and tags), {@code packages}
 * (pull from and push to Slipway's registry), and GitHub's other scopes.
 *
 * <p>A job's {@code permissions:} replaces the workflow's. When neither says anything, the token
 * gets {@link #DEFAULT}: GitHub's "permissive" defaults (write to every scope but id-token and the
 * read-only ones), which is what repositories created on GitHub before February 2023 still have
 * and what Gitea's and Forgejo's tokens allow, so that a workflow written for them (seed 000 pushes
 * a tag and images without a {@code permissions:} key) runs unchanged. A pull request from a fork
 * gets read access at most, whatever the workflow asks, as in GitHub.
 */
public record TokenScopes(SequencedMap<String, Access> scopes) {
    /** When neither the workflow nor the job has {@code permissions:}. */
    public static final TokenScopes DEFAULT;

    static {
        SequencedMap<String, Access> scopes = new LinkedHashMap<>();
        Permissions.SCOPES.forEach((scope, allowed) -> scopes.put(scope,
                scope.equals("id-token") || scope.equals("copilot-requests") ? Access.NONE
                        : allowed.contains(Access.WRITE) ? Access.WRITE : Access.READ));
        DEFAULT = new TokenScopes(scopes);
    }

    public TokenScopes {
        scopes = Ordered.copy(scopes);
    }

    /** The scopes of {@code job}'s token in {@code workflow}. */
    public static TokenScopes of(Workflow workflow, Job job, boolean forkPullRequest) {
        return of(workflow.permissions(), job.permissions(), forkPullRequest);
    }

    /**
     * @param workflow the workflow's {@code permissions:}, or null
     * @param job the job's, or null
     * @param forkPullRequest whether the run is for a pull request from a fork: write becomes read (none where a scope cannot be read)
     */
    public static TokenScopes of(Permissions workflow, Permissions job, boolean forkPullRequest) {
        Permissions given = job != null ? job : workflow;
        SequencedMap<String, Access> scopes = new LinkedHashMap<>(given == null ? DEFAULT.scopes : given.scopes());
        if (forkPullRequest) {
            scopes.replaceAll((scope, access) -> access != Access.WRITE ? access
                    : Permissions.SCOPES.getOrDefault(scope, List.of()).contains(Access.READ) ? Access.READ : Access.NONE);
        }
        return new TokenScopes(scopes);
    }

    public Access access(String scope) {
        return scopes.getOrDefault(Objects.requireNonNull(scope), Access.NONE);
    }

    public boolean canRead(String scope) {
        return access(scope) != Access.NONE;
    }

    public boolean canWrite(String scope) {
        return access(scope) == Access.WRITE;
    }

    /** {@code contents: write, packages: read, ...}: the scopes with any access, for logs and the run's details. */
    public String summary() {
        List<String> parts = scopes.entrySet().stream().filter(e -> e.getValue() != Access.NONE)
                .map(e -> e.getKey() + ": " + e.getValue().word()).toList();
        return parts.isEmpty() ? "none" : parts.stream().collect(Collectors.joining(", "));
    }
}
