package dev.slipway.registry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SingleFlightTest {
    /** Starts callers on platform threads and returns once each is parked waiting for the running flight. */
    private static List<Thread> parkedCallers(int n, SingleFlight<String, Integer> flights, Supplier<Integer> work, List<Object> results)
            throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                try {
                    results.add(flights.run("k", work));
                } catch (RuntimeException e) {
                    results.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                assertThat(t.isAlive()).as("a caller finished without waiting for the flight").isTrue();
                Thread.sleep(1);
            }
        }
        return threads;
    }

    @Test
    void callersThatArriveWhileTheWorkRunsGetItsResultWithoutRunningIt() throws Exception {
        SingleFlight<String, Integer> flights = new SingleFlight<>();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Object> results = new CopyOnWriteArrayList<>();
        Thread leader = new Thread(() -> results.add(flights.run("k", () -> {
            runs.incrementAndGet();
            started.countDown();
            await(release);
            return 42;
        })));
        leader.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        List<Thread> waiters = parkedCallers(5, flights, () -> {
            throw new AssertionError("a waiter ran the work again");
        }, results);
        // Another key runs on its own, even while "k" is held.
        assertThat(flights.run("other", () -> 7)).isEqualTo(7);
        release.countDown();
        leader.join();
        for (Thread t : waiters) {
            t.join();
        }
        assertThat(results).hasSize(6).containsOnly(42);
        assertThat(runs.get()).isEqualTo(1);
        // Nothing is remembered once the flight is over.
        assertThat(flights.run("k", () -> 9)).isEqualTo(9);
    }

    @Test
    void aFailureReachesTheWaitersAndTheNextCallerTriesAgain() throws Exception {
        SingleFlight<String, Integer> flights = new SingleFlight<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Object> results = new CopyOnWriteArrayList<>();
        Thread leader = new Thread(() -> {
            try {
                flights.run("k", () -> {
                    started.countDown();
                    await(release);
                    throw new IllegalStateException("upstream down");
                });
            } catch (IllegalStateException e) {
                results.add(e);
            }
        });
        leader.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        List<Thread> waiters = parkedCallers(3, flights, () -> 1, results);
        release.countDown();
        leader.join();
        for (Thread t : waiters) {
            t.join();
        }
        assertThat(results).hasSize(4).allSatisfy(r -> assertThat(r).isInstanceOf(IllegalStateException.class)
                .hasFieldOrPropertyWithValue("message", "upstream down"));
        assertThat(flights.run("k", () -> 2)).isEqualTo(2);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
