package dev.slipway.ci.scheduler;

import java.util.Locale;

/** A task's state; the API spells these in lower case. */
public enum TaskStatus {
    PENDING, RUNNING, SUCCESS, FAILURE, SKIPPED, CANCELLED, ERROR;

    public boolean finished() {
        return this != PENDING && this != RUNNING;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskStatus parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
