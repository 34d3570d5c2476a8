package dev.slipway.ci.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When polls fall due: each registration at its own phase of the interval, and backoff after failures. */
class PollerTest {
    @Test
    void pollsAreDueAtTheRegistrationsOwnPhaseWithinOneInterval() {
        long interval = 60_000;
        long now = 1_767_225_600_123L;
        Set<Long> phases = new HashSet<>();
        for (long id = 1; id <= 100; id++) {
            long due = Poller.nextDue(id, interval, now);
            assertThat(due).isGreaterThan(now).isLessThanOrEqualTo(now + interval);
            // The same phase whenever it is asked: the next due time after this one is one interval later.
            assertThat(Poller.nextDue(id, interval, due)).isEqualTo(due + interval);
            assertThat(Poller.nextDue(id, interval, due - 1)).isEqualTo(due);
            phases.add(Math.floorMod(due, interval) / 1000);
        }
        // 100 registrations spread over the minute's 60 seconds, not bunched at one instant.
        assertThat(phases).hasSizeGreaterThan(45);
    }

    @Test
    void failingRemotesBackOffDoublingUpToAnHour() {
        assertThat(Poller.backoff(10_000, 1)).isEqualTo(20_000);
        assertThat(Poller.backoff(10_000, 2)).isEqualTo(40_000);
        assertThat(Poller.backoff(10_000, 8)).isEqualTo(2_560_000);
        assertThat(Poller.backoff(10_000, 9)).isEqualTo(3_600_000);
        assertThat(Poller.backoff(10_000, 1_000)).isEqualTo(3_600_000);
        // An interval longer than the cap is never shortened by a failure.
        assertThat(Poller.backoff(86_400_000, 3)).isEqualTo(86_400_000);
    }
}
