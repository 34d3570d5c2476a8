package dev.slipway.ci.scheduler;

import org.jdbi.v3.core.Handle;

/**
 * Told of every change of a run's state (see {@link RunChange.Kind}), wherever it is made: a
 * trigger creating it, the queue starting and finishing it, a user approving, cancelling or
 * retrying it, a restart ending it. Commit statuses and notifications hang off this hook, so the
 * trigger and scheduler code never know about forges or chat services. Register with
 * {@link CiStore#observe}.
 *
 * <p>{@link #changed} is called inside the transaction that makes the change, with its handle:
 * what the observer writes there (an outbox message) commits with the change or not at all, and
 * the changes of one run reach it in the order they were made, also across servers. It must be
 * quick and write only through {@code tx} (no I/O: an outbox does that later). An exception it
 * throws is logged and undoes only its own writes (a savepoint), never the change.
 */
public interface RunObserver {
    void changed(Handle tx, RunChange change);

    /** After the transaction of {@code change} committed (wake a dispatcher). */
    default void committed(RunChange change) {}
}
