package dev.slipway.core.outbox;

/** Sends the messages of one kind: the I/O of a delivery (an HTTP request to a forge, a notification service). */
@FunctionalInterface
public interface Handler {
    /**
     * Makes one attempt. Runs on a virtual thread of its own and must end well within the lease
     * ({@link Outbox.Policy#lease()}, 30 s): a longer attempt may be made a second time by another
     * dispatcher. An exception counts as a failed attempt worth retrying.
     *
     * @throws InterruptedException when the server stops: the attempt is not counted and is made again later
     */
    Result deliver(Delivery delivery) throws InterruptedException;
}
