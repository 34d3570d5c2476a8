package dev.slipway.ci.scheduler;

import org.jdbi.v3.core.Handle;

/**
 * Ids of CI rows from the {@code ci_counters} table (portable: no sequences), taken in the caller's
 * transaction: runs, repositories, runners, leases.
 */
public final class CiCounters {
    private CiCounters() {}

    /** The next value of counter {@code name}, in {@code h}'s transaction. */
    public static long next(Handle h, String name) {
        h.createUpdate("UPDATE ci_counters SET value = value + 1 WHERE name = :n").bind("n", name).execute();
        return h.createQuery("SELECT value FROM ci_counters WHERE name = :n").bind("n", name).mapTo(Long.class).one();
    }
}
