package dev.slipway.woodpecker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code CI_*} variables Woodpecker documents, from a run's built-in values ({@code SLIPWAY_*},
 * see ci's RunValues): they are substituted into the files and set in every step. The pipeline
 * number is the run's id (unique on the server, growing), which is also the number Woodpecker's API
 * routes take.
 */
final class CiVariables {
    private CiVariables() {}

    /** Woodpecker's event for a Slipway run's event ({@code api} and {@code manual} are both manual). */
    static String event(String slipwayEvent, boolean pullRequestClosed) {
        return switch (slipwayEvent) {
            case "api", "manual" -> "manual";
            case "pull_request" -> pullRequestClosed ? "pull_request_closed" : "pull_request";
            default -> slipwayEvent;
        };
    }

    /**
     * @param builtIns the run's {@code SLIPWAY_*} values
     * @param event the Woodpecker event
     * @param workspace where steps start ({@code /src/<repository>})
     * @param serverUrl this server as users reach it (its external URL), else as tasks reach it, or null
     */
    static Map<String, String> of(Map<String, String> builtIns, String event, String workspace, String serverUrl, long createdSeconds) {
        Map<String, String> v = new LinkedHashMap<>();
        String repo = builtIns.getOrDefault("SLIPWAY_REPO", "");
        int slash = repo.indexOf('/');
        String ref = builtIns.getOrDefault("SLIPWAY_REF", "");
        String branch = builtIns.getOrDefault("SLIPWAY_BRANCH", "");
        String pr = builtIns.getOrDefault("SLIPWAY_PULL_REQUEST", "");
        String author = builtIns.getOrDefault("SLIPWAY_COMMIT_AUTHOR", "");
        String email = author.matches(".*<[^>]*>\\s*$") ? author.replaceAll(".*<([^>]*)>\\s*$", "$1") : "";
        String number = builtIns.getOrDefault("SLIPWAY_RUN_ID", "0");
        v.put("CI", "woodpecker");
        v.put("CI_SYSTEM_NAME", "slipway");
        v.put("CI_SYSTEM_URL", serverUrl == null ? "" : serverUrl);
        v.put("CI_SYSTEM_HOST", host(serverUrl));
        v.put("CI_SYSTEM_PLATFORM", When.Facts.ownPlatform());
        v.put("CI_FORGE_TYPE", "");
        v.put("CI_REPO", repo);
        v.put("CI_REPO_OWNER", slash < 0 ? "" : repo.substring(0, slash));
        v.put("CI_REPO_NAME", slash < 0 ? repo : repo.substring(slash + 1));
        v.put("CI_REPO_PRIVATE", "");
        v.put("CI_COMMIT_SHA", builtIns.getOrDefault("SLIPWAY_COMMIT", ""));
        v.put("CI_COMMIT_REF", pr.isEmpty() ? ref : "refs/pull/" + pr + "/head");
        v.put("CI_COMMIT_REFSPEC", "");
        v.put("CI_COMMIT_BRANCH", pr.isEmpty() ? branch : builtIns.getOrDefault("SLIPWAY_PR_BASE_REF", ""));
        v.put("CI_COMMIT_SOURCE_BRANCH", pr.isEmpty() ? "" : builtIns.getOrDefault("SLIPWAY_PR_HEAD_REF", ""));
        v.put("CI_COMMIT_TARGET_BRANCH", pr.isEmpty() ? "" : builtIns.getOrDefault("SLIPWAY_PR_BASE_REF", ""));
        v.put("CI_COMMIT_TAG", builtIns.getOrDefault("SLIPWAY_TAG", ""));
        v.put("CI_COMMIT_PULL_REQUEST", pr);
        v.put("CI_COMMIT_PULL_REQUEST_LABELS", ""); // the forges' labels do not reach Slipway
        v.put("CI_COMMIT_MESSAGE", builtIns.getOrDefault("SLIPWAY_COMMIT_MESSAGE", ""));
        v.put("CI_COMMIT_AUTHOR", email.isEmpty() ? author : author.replaceAll("\\s*<[^>]*>\\s*$", ""));
        v.put("CI_COMMIT_AUTHOR_EMAIL", email);
        v.put("CI_PREV_COMMIT_SHA", builtIns.getOrDefault("SLIPWAY_BEFORE", ""));
        v.put("CI_PIPELINE_NUMBER", number);
        v.put("CI_PIPELINE_EVENT", event);
        v.put("CI_PIPELINE_URL", serverUrl == null ? "" : serverUrl.replaceAll("/$", "") + "/api/v1/runs/" + number);
        v.put("CI_PIPELINE_DEPLOY_TARGET", ""); // a manual pipeline sets it with its variables
        v.put("CI_PIPELINE_CREATED", Long.toString(createdSeconds));
        v.put("CI_PIPELINE_STARTED", Long.toString(System.currentTimeMillis() / 1000));
        v.put("CI_WORKSPACE", workspace);
        return v;
    }

    /** The host name of {@code url} ({@code when.instance} matches it); empty without one. */
    static String host(String url) {
        if (url == null || url.isEmpty()) {
            return "";
        }
        try {
            String host = java.net.URI.create(url).getHost();
            return host == null ? "" : host;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
