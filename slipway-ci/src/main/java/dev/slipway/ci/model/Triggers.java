package dev.slipway.ci.model;

import java.util.List;

/** When a pipeline runs ({@code on:}). The API trigger always works; the others are wired by the trigger package. */
public record Triggers(Push push, boolean manual, List<String> cron) {
    public static final Triggers MANUAL_ONLY = new Triggers(null, true, List.of());

    public Triggers {
        cron = List.copyOf(cron);
    }

    /** Push trigger: glob patterns on branch names, tag names and changed paths (empty means any). */
    public record Push(List<String> branches, List<String> tags, List<String> paths) {
        public Push {
            branches = List.copyOf(branches);
            tags = List.copyOf(tags);
            paths = List.copyOf(paths);
        }
    }
}
