package dev.slipway.ci.model;

import java.util.List;

/**
 * When a pipeline runs ({@code on:}). The API trigger always works; the others are fired by the
 * trigger package (webhooks and polling for pushes and pull requests, the cron scheduler).
 */
public record Triggers(Push push, PullRequest pullRequest, boolean manual, List<Schedule> schedules) {
    public static final Triggers MANUAL_ONLY = new Triggers(null, null, true, List.of());

    public Triggers {
        schedules = List.copyOf(schedules);
    }

    /** A pipeline with push, manual and plain cron triggers only. */
    public Triggers(Push push, boolean manual, List<String> cron) {
        this(push, null, manual, cron.stream().map(c -> new Schedule(c, null, null)).toList());
    }

    /** The cron expressions of the schedules. */
    public List<String> cron() {
        return schedules.stream().map(Schedule::cron).toList();
    }

    /**
     * Push trigger: glob patterns on branch names, tag names and changed paths. With neither
     * branches nor tags, any push matches; with only one of them, pushes of the other kind do not
     * (as in GitHub Actions: {@code branches: [main]} alone does not run for tags). Empty paths
     * means any change. {@code skip}: markers besides the standard ones ({@code [skip ci]} ...)
     * that skip the pipeline when the pushed head commit's message contains them.
     */
    public record Push(List<String> branches, List<String> tags, List<String> paths, List<String> skip) {
        public Push {
            branches = List.copyOf(branches);
            tags = List.copyOf(tags);
            paths = List.copyOf(paths);
            skip = List.copyOf(skip);
        }

        public Push(List<String> branches, List<String> tags, List<String> paths) {
            this(branches, tags, paths, List.of());
        }
    }

    /**
     * Pull request trigger: {@code branches} are glob patterns on the base branch (where the pull
     * request would merge), {@code paths} on the files it changes, {@code types} the actions that
     * start a run (by default opened, synchronize and reopened; closed must be asked for).
     */
    public record PullRequest(List<String> branches, List<String> paths, List<String> types) {
        public static final List<String> DEFAULT_TYPES = List.of("opened", "synchronize", "reopened");
        public static final List<String> KNOWN_TYPES = List.of("opened", "synchronize", "reopened", "closed");

        public PullRequest {
            branches = List.copyOf(branches);
            paths = List.copyOf(paths);
            types = List.copyOf(types);
        }
    }

    /**
     * A cron schedule: five-field {@code cron} (UTC unless {@code timezone} names an IANA zone),
     * fired on {@code branch} (null: the repository's default branch).
     */
    public record Schedule(String cron, String branch, String timezone) {}
}
