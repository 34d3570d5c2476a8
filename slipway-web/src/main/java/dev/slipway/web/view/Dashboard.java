package dev.slipway.web.view;

import java.util.List;

/**
 * The dashboard: the newest runs across the repositories the user can see.
 *
 * @param repositories how many repositories that is (none: the page explains how to register one)
 */
public record Dashboard(List<RunItem> runs, int repositories) {
    public Dashboard {
        runs = List.copyOf(runs);
    }
}
