package dev.slipway.actions.engine;

/**
 * One table between Slipway's run triggers ({@code push}, {@code tag}, {@code pull_request},
 * {@code cron}, {@code manual}, {@code api}) and GitHub's event names, both ways: a run records
 * Slipway's, a workflow's {@code github.event_name} is GitHub's.
 */
public final class EventNames {
    private EventNames() {}

    /** GitHub's event name for a run's trigger. */
    public static String github(String trigger) {
        return switch (trigger) {
            case "push", "tag" -> "push";
            case "pull_request" -> "pull_request";
            case "cron" -> "schedule";
            default -> "workflow_dispatch"; // api, manual
        };
    }

    /** The run trigger Slipway records for a GitHub event (as {@code slipway exec --event} names it). */
    public static String trigger(String githubEvent) {
        return switch (githubEvent) {
            case "push", "pull_request" -> githubEvent;
            case "pull_request_target" -> "pull_request";
            case "schedule" -> "cron";
            default -> "manual";
        };
    }
}
