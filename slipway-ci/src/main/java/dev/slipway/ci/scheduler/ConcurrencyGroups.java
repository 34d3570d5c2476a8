package dev.slipway.ci.scheduler;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Concurrency groups, as GitHub Actions defines them: in one group of a repository at most one
 * member (a run, or a job of a run) is running and at most one is pending. A member that enters a
 * busy group becomes the pending one, and the member that was pending is cancelled (replaced);
 * with {@code cancel-in-progress} the running member is cancelled too. When the running member
 * leaves, the pending one runs. Group names compare case-insensitively. Groups are this server's
 * (one run queue), held in memory: after a restart, queued runs enter their groups again.
 *
 * <p>Runs wait in the run queue without a slot or a thread ({@link Ticket#running} is polled by
 * the dispatcher); jobs wait inside their run ({@link Ticket#await}).
 */
public final class ConcurrencyGroups {
    /** A group as a definition gives it for one run or job: its name, evaluated, and whether it cancels the running member. */
    public record Request(String group, boolean cancelInProgress) {
        public Request {
            if (group == null || group.isBlank()) {
                throw new IllegalArgumentException("a concurrency group needs a name");
            }
        }
    }

    private enum State { PENDING, RUNNING, CANCELLED, LEFT }

    private final Map<String, Group> groups = new HashMap<>();

    private static final class Group {
        Ticket running;
        Ticket pending;
    }

    /**
     * A member's place in its group.
     */
    public final class Ticket implements AutoCloseable {
        private final String key;
        private final String group;
        private final String who;
        private final Consumer<String> cancel;
        private State state;
        private String blockedBy;

        private Ticket(String key, String group, String who, Consumer<String> cancel) {
            this.key = key;
            this.group = group;
            this.who = who;
            this.cancel = cancel;
        }

        /** The group's name as the definition gave it. */
        public String group() {
            return group;
        }

        /** True once the member may run (the group was free, or the one before it left). */
        public boolean running() {
            synchronized (ConcurrencyGroups.this) {
                return state == State.RUNNING;
            }
        }

        /** True when a newer member replaced this pending one (it has been told through its cancel callback). */
        public boolean replaced() {
            synchronized (ConcurrencyGroups.this) {
                return state == State.CANCELLED;
            }
        }

        /** Who runs in the group while this one is pending ({@code run 12}), or null. */
        public String blockedBy() {
            synchronized (ConcurrencyGroups.this) {
                return blockedBy;
            }
        }

        /**
         * Waits until the member may run; false when it was replaced or {@code cancelled} says so
         * (looked at every 200 ms).
         */
        public boolean await(BooleanSupplier cancelled) throws InterruptedException {
            synchronized (ConcurrencyGroups.this) {
                while (state == State.PENDING && !cancelled.getAsBoolean()) {
                    ConcurrencyGroups.this.wait(200);
                }
                return state == State.RUNNING;
            }
        }

        /** Leaves the group: the pending member runs if this one was running. Idempotent. */
        @Override
        public void close() {
            synchronized (ConcurrencyGroups.this) {
                Group g = groups.get(key);
                if (g != null) {
                    if (g.running == this) {
                        g.running = g.pending;
                        g.pending = null;
                        if (g.running != null) {
                            g.running.state = State.RUNNING;
                            g.running.blockedBy = null;
                        }
                    } else if (g.pending == this) {
                        g.pending = null;
                    }
                    if (g.running == null && g.pending == null) {
                        groups.remove(key);
                    }
                }
                if (state != State.CANCELLED) {
                    state = State.LEFT;
                }
                ConcurrencyGroups.this.notifyAll();
            }
        }
    }

    /**
     * Enters a group. The member that was pending there is cancelled (its callback gets why, naming
     * {@code who}); with {@code cancelInProgress}, so is the running one. Callbacks run on this
     * thread, outside the groups' lock.
     *
     * @param repository groups are per repository ({@code owner/name})
     * @param who the member as a message names it ({@code run 12}, {@code job deploy of run 12})
     * @param cancel cancels this member, given why
     */
    public Ticket enter(String repository, Request request, String who, Consumer<String> cancel) {
        String key = repository + "\0" + request.group().toLowerCase(Locale.ROOT);
        Ticket ticket = new Ticket(key, request.group(), who, cancel);
        Ticket replaced;
        Ticket stopped = null;
        synchronized (this) {
            Group g = groups.computeIfAbsent(key, k -> new Group());
            replaced = g.pending;
            if (replaced != null) {
                replaced.state = State.CANCELLED;
                g.pending = null;
            }
            if (g.running == null) {
                g.running = ticket;
                ticket.state = State.RUNNING;
            } else {
                g.pending = ticket;
                ticket.state = State.PENDING;
                ticket.blockedBy = g.running.who;
                if (request.cancelInProgress()) {
                    stopped = g.running;
                }
            }
            notifyAll();
        }
        String in = " in concurrency group " + request.group();
        if (replaced != null) {
            replaced.cancel.accept("replaced by " + who + in + ", which waits for the same group");
        }
        if (stopped != null) {
            stopped.cancel.accept("cancelled by " + who + in + " (cancel-in-progress)");
        }
        return ticket;
    }
}
