package dev.slipway.ci.model;

import java.util.List;

/** When a pipeline runs ({@code on:}). The API trigger always works; the others are wired by the trigger package. */
public record Triggers(Push push, boolean manual, List<String> cron) {
    public static final Triggers MANUAL_ONLY = new Triggers(null, true, List.of());

    public Triggers {
        cron = List.copyOf(cron);
    }

    /**
     * Push trigger: glob patterns on branch names, tag names and changed paths. With neither
     * branches nor tags, any push matches; with only one of them, pushes of the other kind do not
     * (as in GitHub Actions: {@code branches: [main]} alone does not run for tags). Empty paths
     * means any change.
     */
    public record Push(List<String> branches, List<String> tags, List<String> paths) {
        public Push {
            branches = List.copyOf(branches);
            tags = List.copyOf(tags);
            paths = List.copyOf(paths);
        }
    }
}
