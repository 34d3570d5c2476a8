package dev.slipway.ci.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.config.SlipwayConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keep policy's choice of runs to evict; the end-to-end behaviour is in CiEvictionIT. */
class RunEvictionTest {
    static final long NOW = 1_000_000_000L;
    static final long HOUR = Duration.ofHours(1).toMillis();
    static final long FREE = 1L << 40;

    /** Runs 5 (newest) to 1, finished an hour apart, 100 bytes each. */
    static final List<CiStore.KeptRun> RUNS = List.of(run(5, 0), run(4, 1), run(3, 2), run(2, 3), run(1, 4));

    static CiStore.KeptRun run(long id, long hoursAgo) {
        return new CiStore.KeptRun(id, NOW - hoursAgo * HOUR, 100L);
    }

    static SlipwayConfig.Keep keep(Duration age, int runs, long bytes, long minFree) {
        return new SlipwayConfig.Keep(age, runs, bytes, minFree);
    }

    @Test
    void lenientPolicyKeepsEverything() {
        assertThat(RunEviction.choose(RUNS, keep(Duration.ofDays(1), 50, -1, 0), NOW, FREE)).isEmpty();
        assertThat(RunEviction.choose(List.of(), keep(Duration.ZERO, 0, 0, Long.MAX_VALUE), NOW, 0)).isEmpty();
    }

    @Test
    void maxAgeEvictsRunsThatFinishedEarlier() {
        assertThat(RunEviction.choose(RUNS, keep(Duration.ofMinutes(150), -1, -1, 0), NOW, FREE)).containsExactly(2L, 1L);
        assertThat(RunEviction.choose(RUNS, keep(Duration.ZERO, -1, -1, 0), NOW, FREE)).containsExactly(4L, 3L, 2L, 1L);
    }

    @Test
    void maxRunsKeepsTheNewest() {
        assertThat(RunEviction.choose(RUNS, keep(Duration.ofDays(1), 2, -1, 0), NOW, FREE)).containsExactly(3L, 2L, 1L);
        assertThat(RunEviction.choose(RUNS, keep(Duration.ofDays(1), 0, -1, 0), NOW, FREE)).containsExactly(5L, 4L, 3L, 2L, 1L);
    }

    @Test
    void maxSizeEvictsOldestFirstUntilTheRestFits() {
        assertThat(RunEviction.choose(RUNS, keep(Duration.ofDays(1), -1, 250, 0), NOW, FREE)).containsExactly(1L, 2L, 3L);
        assertThat(RunEviction.choose(RUNS, keep(Duration.ofDays(1), -1, 500, 0), NOW, FREE)).isEmpty();
        // Runs evicted by count no longer count against the budget.
        assertThat(RunEviction.choose(RUNS, keep(Duration.ofDays(1), 3, 250, 0), NOW, FREE)).containsExactly(2L, 1L, 3L);
    }

    @Test
    void minFreeEvictsOldestFirstUntilEnoughWouldBeFree() {
        assertThat(RunEviction.choose(RUNS, keep(Duration.ofDays(1), -1, -1, 1000), NOW, 800)).containsExactly(1L, 2L);
        assertThat(RunEviction.choose(RUNS, keep(Duration.ofDays(1), -1, -1, 1000), NOW, 1000)).isEmpty();
        // Not even evicting everything is enough: everything goes.
        assertThat(RunEviction.choose(RUNS, keep(Duration.ofDays(1), -1, -1, 1L << 50), NOW, 0)).containsExactly(1L, 2L, 3L, 4L, 5L);
    }
}
