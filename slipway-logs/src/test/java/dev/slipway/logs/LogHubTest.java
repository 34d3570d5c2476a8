package dev.slipway.logs;

import static dev.slipway.logs.LogStream.STDERR;
import static dev.slipway.logs.LogStream.STDOUT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogHubTest {
    private static final String ID = "runs/7/test";

    @TempDir
    Path root;

    private LogStore store;
    private LogHub hub;

    @BeforeEach
    void setUp() throws IOException {
        store = new LogStore(root);
        // No polling: every test here hangs if a wake-up is ever lost.
        hub = new LogHub(store, TimeUnit.HOURS.toMillis(1));
    }

    @Test
    void followersJoiningAtAnyMomentGetEveryByteOnceWhileTwoThreadsAppend() throws Exception {
        List<CollectingListener> followers = new ArrayList<>();
        followers.add(follow(0, false)); // before the log exists
        LogWriter w = store.open(ID);
        List<Thread> pumps = new ArrayList<>();
        for (LogStream stream : List.of(STDOUT, STDERR)) {
            Random random = new Random(stream.ordinal());
            pumps.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 20_000; i++) {
                        byte[] b = new byte[1 + random.nextInt(300)];
                        random.nextBytes(b);
                        w.append(stream, b);
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        // Late followers join while the backlog grows, so their replay races the appends.
        for (long size = 100_000; size < 4_000_000 && pumps.getFirst().isAlive(); size *= 2) {
            while (w.size() < size && pumps.getFirst().isAlive()) {
                TimeUnit.MICROSECONDS.sleep(100);
            }
            followers.add(follow(0, false));
        }
        for (Thread t : pumps) {
            t.join();
        }
        w.finish(7);
        followers.add(follow(0, false));

        String raw = Logs.rawDigest(store, ID);
        assertThat(followers).hasSizeGreaterThan(3);
        for (CollectingListener f : followers) {
            assertThat(f.awaitEnd()).isEqualTo(7);
            assertThat(f.gaps).isEmpty();
            assertThat(f.next()).isEqualTo(store.size(ID));
            assertThat(f.digest()).isEqualTo(raw);
        }
    }

    @Test
    void aFollowerWaitingAtTheEndIsWokenByAnAppendWhenEverItComes() throws Exception {
        Random random = new Random(1);
        try (LogWriter w = store.open(ID)) {
            for (int i = 0; i < 300; i++) {
                CollectingListener f = new CollectingListener(w.size());
                try (LogHub.Subscription s = hub.follow(ID, w.size(), f)) {
                    TimeUnit.MICROSECONDS.sleep(random.nextInt(2000));
                    w.append(STDOUT, new byte[] {(byte) i});
                    waitUntil(() -> f.chunks() == 1);
                }
                assertThat(f.gaps).isEmpty();
            }
        }
    }

    @Test
    void smallChunksAreDeliveredInPagesOf64KiB() throws Exception {
        byte[] line = "a line of fifty bytes, as most of a build log is.\n".getBytes(UTF_8);
        try (LogWriter w = store.open(ID)) {
            for (int i = 0; i < 10_000; i++) {
                w.append(i % 3 == 0 ? STDERR : STDOUT, line);
            }
            w.finish(0);
        }
        CollectingListener f = follow(0);
        assertThat(f.awaitEnd()).isZero();
        assertThat(f.gaps).isEmpty();
        assertThat(f.chunks()).isEqualTo(10_000 + 7); // 7 lines cut in two by page bounds
        assertThat(f.pages()).isEqualTo(8); // 500,000 bytes / 64 KiB
        assertThat(f.bytes()).isEqualTo(Logs.raw(store, ID));
    }

    @Test
    void aFollowStartsAtItsOffset() throws Exception {
        try (LogWriter w = store.open(ID)) {
            w.append(STDOUT, "hello world".getBytes(UTF_8));
            w.finish(0);
        }
        CollectingListener f = follow(6);
        assertThat(f.awaitEnd()).isZero();
        assertThat(f.gaps).isEmpty();
        assertThat(f.bytes()).asString(UTF_8).isEqualTo("world");

        CollectingListener past = follow(100);
        assertThat(past.awaitEnd()).isZero();
        assertThat(past.bytes()).isEmpty();
        assertThatThrownBy(() -> hub.follow(ID, -1, new CollectingListener(0)))
                .isInstanceOf(SlipwayException.BadRequest.class);
    }

    @Test
    void aFollowerThatNeverReturnsHoldsUpNeitherTheWriterNorOtherFollowers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        LogListener stuck = new LogListener() {
            @Override
            public void onChunks(List<LogChunk> chunks) {
                calls.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onEnd(int exitCode) {
                calls.incrementAndGet();
            }
        };
        LogWriter w = store.open(ID);
        w.append(STDOUT, "first".getBytes(UTF_8));
        LogHub.Subscription subscription = hub.follow(ID, 0, stuck);
        CollectingListener healthy = follow(0, false);

        long start = System.nanoTime();
        byte[] piece = new byte[64 * 1024];
        for (int i = 0; i < 320; i++) { // 20 MiB
            w.append(STDOUT, piece);
        }
        w.finish(0);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(healthy.awaitEnd()).isZero();
        assertThat(healthy.next()).isEqualTo(5 + 320 * piece.length);
        assertThat(healthy.digest()).isEqualTo(Logs.rawDigest(store, ID));

        subscription.cancel();
        subscription.cancel();
        release.countDown();
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(calls).hasValue(1);
    }

    @Test
    void aCancelledFollowHearsNothingMore() throws Exception {
        LogWriter w = store.open(ID);
        w.append(STDOUT, "one".getBytes(UTF_8));
        CollectingListener f = new CollectingListener(0);
        try (LogHub.Subscription s = hub.follow(ID, 0, f)) {
            waitUntil(() -> f.chunks() == 1);
        }
        w.append(STDOUT, "two".getBytes(UTF_8));
        w.finish(0);
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(f.end).isNotDone();
        assertThat(f.bytes()).asString(UTF_8).isEqualTo("one");
    }

    @Test
    void aDeletedLogEndsItsFollowsWithAnError() throws Exception {
        try (LogWriter w = store.open(ID)) {
            w.append(STDOUT, "one".getBytes(UTF_8));
        }
        CollectingListener f = follow(0);
        waitUntil(() -> f.chunks() == 1);
        store.delete(ID);
        assertThatThrownBy(f::awaitEnd).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SlipwayException.NotFound.class);
    }

    @Test
    void aListenerThatThrowsIsToldWhyItsFollowEnded() throws Exception {
        IOException gone = new IOException("client went away");
        CollectingListener f = new CollectingListener(0) {
            @Override
            public synchronized void onChunks(List<LogChunk> chunks) throws IOException {
                throw gone;
            }
        };
        hub.follow(ID, 0, f);
        try (LogWriter w = store.open(ID)) {
            w.append(STDOUT, "one".getBytes(UTF_8));
        }
        assertThatThrownBy(f::awaitEnd).isInstanceOf(ExecutionException.class).cause().isSameAs(gone);
    }

    private CollectingListener follow(long from) {
        return follow(from, true);
    }

    private CollectingListener follow(long from, boolean keepBytes) {
        CollectingListener f = new CollectingListener(from, keepBytes);
        hub.follow(ID, from, f);
        return f;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            TimeUnit.MICROSECONDS.sleep(100);
        }
    }
}
