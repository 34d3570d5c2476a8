package dev.slipway.actions.workflow;

/** Checks {@code on.schedule} cron expressions. */
final class Schedules {
    private Schedules() {}

    /** What is wrong with the expression, or null when it is valid. */
    static String check(String cron) {
        return null; // PENDING: the native cron grammar
    }
}
