package dev.slipway.ci.trigger;

import dev.slipway.ci.registration.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll of a registration's remote: the pushes a webhook did not report (seed 001 lost deploys
 * to silently dropped webhooks), and those made while the server was down.
 *
 * <p>The remote's branch and tag heads are listed and compared with the heads last seen
 * ({@link KnownHeads}, which webhook pushes update too). Each ref whose head is new or changed
 * becomes a push event with {@code before} set to the head last seen, so a server that was down
 * starts one run for the newest head of each ref, and a paths filter sees every file changed in
 * between. Refs that are gone are forgotten. The first poll of a registration (its remote never
 * listed) only records the heads: registering a repository with 50 branches starts nothing.
 *
 * <p>A remote that cannot be listed is tried again after {@code interval * 2^failures}, at most
 * {@link #MAX_BACKOFF_MS} (or the interval, when that is longer). Polls of many registrations are
 * spread over the interval: each registration is due at its own phase of it, from its id.
 */
final class Poller {
    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
    static final long MAX_BACKOFF_MS = 3_600_000;
    /** How long a claimed poll may take before another server (or this one, restarted) takes it over. */
    static final long LEASE_MS = 5 * 60_000;

    private final TriggerService triggers;
    private final PollState state;

    Poller(TriggerService triggers) {
        this.triggers = triggers;
        this.state = triggers.pollState();
    }

    /**
     * Polls {@code r}, whose poll this server claimed (moved its due time from {@code claimed} to
     * {@code lease}). Records the outcome and the next due time; never throws.
     */
    void poll(Registration r, PollState.State claimed, long lease) {
        boolean recorded = false;
        try {
            long intervalMs = triggers.state().pollInterval(r) * 1000L;
            Map<String, String> remote;
            try {
                remote = triggers.remoteHeads(r);
            } catch (RuntimeException e) {
                int failures = claimed.failures() + 1;
                long retry = triggers.clock().millis() + backoff(intervalMs, failures);
                state.failed(r.owner(), r.name(), why(e), failures, retry);
                recorded = true;
                if (failures == 1) {
                    LOG.warn("poll of {} failed: {}; retrying with backoff", r.fullName(), why(e));
                } else {
                    LOG.debug("poll of {} failed {} times in a row: {}", r.fullName(), failures, why(e));
                }
                return;
            }
            if (claimed.failures() > 0) {
                LOG.info("poll of {} works again after {} failures", r.fullName(), claimed.failures());
            }
            String error = compare(r, remote, claimed.lastPollAt() == null);
            long now = triggers.clock().millis();
            state.listed(r.owner(), r.name(), now, error, nextDue(r.id(), intervalMs, now));
            recorded = true;
        } finally {
            if (!recorded) {
                // Stopped (or failed unexpectedly) mid-poll: due again at once rather than when the lease ends.
                state.release(r.owner(), r.name(), lease, triggers.clock().millis());
            }
        }
    }

    /** Starts the pushes that {@code remote} shows against the heads last seen; the errors of those that could not start, or null. */
    private String compare(Registration r, Map<String, String> remote, boolean first) {
        Map<String, String> known = triggers.knownHeads(r);
        for (String ref : known.keySet()) {
            if (!remote.containsKey(ref)) {
                triggers.rememberHead(r, ref, null);
            }
        }
        if (first) {
            remote.forEach((ref, commit) -> triggers.rememberHead(r, ref, commit));
            LOG.info("first poll of {}: {} branch and tag heads recorded; pushes from now on start runs", r.fullName(), remote.size());
            return null;
        }
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, String> head : remote.entrySet()) {
            String before = known.get(head.getKey());
            if (head.getValue().equals(before)) {
                continue;
            }
            Event e = Event.push(head.getKey(), head.getValue(), before, null, null, null, "poll");
            try {
                TriggerService.Outcome o = triggers.fire(r, e, null);
                if (o.runs().isEmpty()) {
                    LOG.info("poll of {}: {} at {}: no run; {}", r.fullName(), e.shortRef(), TriggerService.shortId(head.getValue()),
                            o.notes().isEmpty() ? "no pipeline wants it" : String.join("; ", o.notes()));
                }
            } catch (RuntimeException ex) {
                // Not remembered, so the next poll tries again.
                errors.add(e.shortRef() + " at " + TriggerService.shortId(head.getValue()) + ": " + why(ex));
                LOG.warn("poll of {}: {} at {} could not be started: {}", r.fullName(), e.shortRef(), TriggerService.shortId(head.getValue()),
                        why(ex));
            }
        }
        return errors.isEmpty() ? null : String.join("\n", errors);
    }

    /** What went wrong, for the registration's status: the message, or the kind of failure when there is none. */
    static String why(RuntimeException e) {
        return e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** The next time after {@code now} at the registration's own phase of the interval, so polls of many registrations spread out. */
    static long nextDue(long id, long intervalMs, long now) {
        long phase = Math.floorMod(id * 0x9E3779B97F4A7C15L, intervalMs);
        return now + intervalMs - Math.floorMod(now - phase, intervalMs);
    }

    /** The wait after {@code failures} failed polls in a row: the interval doubled each time, at most an hour (or one interval). */
    static long backoff(long intervalMs, int failures) {
        long cap = Math.max(MAX_BACKOFF_MS, intervalMs);
        return failures >= 31 ? cap : Math.min(cap, intervalMs << failures);
    }
}
