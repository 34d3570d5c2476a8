package dev.slipway.ci.scheduler;

import dev.slipway.ci.definition.Variables;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The built-in {@code SLIPWAY_*} values of one run, as every task sees them in its environment and
 * in {@code ${NAME}} references. Every built-in is present; those that do not apply are empty.
 *
 * @param ref the full ref ({@code refs/heads/main}, {@code refs/tags/v1}, {@code refs/pull/7/head}),
 *            or a commit id for a bare commit
 * @param before the commit the pushed ref pointed at before, or null
 * @param pullRequest the pull request, or null
 * @param version the run's version ({@code version:}), or null for a pipeline without one
 */
public record RunValues(String runId, String repo, String event, String ref, String commit, String before, String message,
                        String author, CiStore.PullRequest pullRequest, Version version) {
    /** A run with no event details (exec, tests). */
    public RunValues(String runId, String repo, String event, String ref, String commit) {
        this(runId, repo, event, ref, commit, null, null, null, null, null);
    }

    /** A run without a version. */
    public RunValues(String runId, String repo, String event, String ref, String commit, String before, String message,
                     String author, CiStore.PullRequest pullRequest) {
        this(runId, repo, event, ref, commit, before, message, author, pullRequest, null);
    }

    /**
     * SLIPWAY_VERSION, SLIPWAY_VERSION_BUMP and SLIPWAY_PREVIOUS_VERSION.
     *
     * @param previous null when there was no version tag yet
     */
    public record Version(String version, String bump, String previous) {}

    public RunValues withVersion(Version v) {
        return new RunValues(runId, repo, event, ref, commit, before, message, author, pullRequest, v);
    }

    /** The values as environment variables, every built-in present (SLIPWAY_PIPELINE and SLIPWAY_TASK are the engine's, per task). */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        Variables.BUILT_INS.forEach(b -> env.put(b, ""));
        env.remove("SLIPWAY_PIPELINE");
        env.remove("SLIPWAY_TASK");
        env.put("SLIPWAY_RUN_ID", runId);
        env.put("SLIPWAY_REPO", repo);
        env.put("SLIPWAY_EVENT", event);
        env.put("SLIPWAY_REF", orEmpty(ref));
        env.put("SLIPWAY_BRANCH", ref != null && ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : "");
        env.put("SLIPWAY_TAG", ref != null && ref.startsWith("refs/tags/") ? ref.substring("refs/tags/".length()) : "");
        env.put("SLIPWAY_COMMIT", orEmpty(commit));
        env.put("SLIPWAY_COMMIT_SHORT", commit == null ? "" : commit.substring(0, Math.min(8, commit.length())));
        env.put("SLIPWAY_COMMIT_MESSAGE", orEmpty(message));
        env.put("SLIPWAY_COMMIT_AUTHOR", orEmpty(author));
        env.put("SLIPWAY_BEFORE", orEmpty(before));
        if (pullRequest != null) {
            env.put("SLIPWAY_PULL_REQUEST", Integer.toString(pullRequest.number()));
            env.put("SLIPWAY_PR_HEAD_REF", orEmpty(pullRequest.headRef()));
            env.put("SLIPWAY_PR_BASE_REF", orEmpty(pullRequest.baseRef()));
        }
        if (version != null) {
            env.put("SLIPWAY_VERSION", version.version());
            env.put("SLIPWAY_VERSION_BUMP", version.bump());
            env.put("SLIPWAY_PREVIOUS_VERSION", orEmpty(version.previous()));
        }
        return env;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
