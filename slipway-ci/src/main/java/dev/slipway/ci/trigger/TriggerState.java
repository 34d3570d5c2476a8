package dev.slipway.ci.trigger;

import dev.slipway.ci.registration.Registration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * How a registration's triggers fare, read without starting anything (the API and the CLI show
 * it): its last poll and the webhook deliveries it received.
 */
public final class TriggerState {
    private final PollState polls;
    private final HookDeliveries deliveries;
    private final int defaultPollInterval;

    public TriggerState(Jdbi jdbi, int defaultPollInterval) {
        this.polls = new PollState(jdbi);
        this.deliveries = new HookDeliveries(jdbi);
        this.defaultPollInterval = defaultPollInterval;
    }

    /** The registration's last poll (time and error, if it failed) and its newest delivery. */
    public record Status(int pollInterval, Long lastPoll, String lastPollError, HookDeliveries.Delivery lastDelivery) {}

    public Status status(Registration r) {
        Optional<PollState.State> poll = polls.of(r.owner(), r.name());
        return new Status(pollInterval(r), poll.map(PollState.State::lastPollAt).orElse(null),
                poll.map(PollState.State::lastPollError).orElse(null), deliveries(r, 1).stream().findFirst().orElse(null));
    }

    /** Seconds between polls of {@code r}: its own setting, else {@code ci.poll-interval}; 0 means never. */
    public int pollInterval(Registration r) {
        return r.triggers().pollInterval() != null ? r.triggers().pollInterval() : defaultPollInterval;
    }

    /** The newest deliveries for a registration, newest first. */
    public List<HookDeliveries.Delivery> deliveries(Registration r, int limit) {
        return deliveries.recent(r.owner(), r.name(), limit);
    }

    PollState polls() {
        return polls;
    }

    HookDeliveries hookDeliveries() {
        return deliveries;
    }
}
