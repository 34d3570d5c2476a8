package dev.slipway.core.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.Clock;
import dev.slipway.core.db.Database;
import dev.slipway.core.db.TestDatabases;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The outbox on a real database (SQLite, and PostgreSQL where the test script provides it), driven
 * by a clock the test moves: backoff, giving up, failing at once, order per key, leases between two
 * servers, and the dispatcher's own thread.
 */
class OutboxTest {
    static final long T0 = 1_000_000L;

    final AtomicLong now = new AtomicLong(T0);
    final Clock clock = now::get;
    final List<Database> opened = new ArrayList<>();
    /** The payloads of the attempts made, in order. */
    final List<String> attempts = Collections.synchronizedList(new ArrayList<>());

    static List<String> databases() {
        return TestDatabases.kinds();
    }

    Database db(String kind) throws Exception {
        Database d = TestDatabases.open(kind);
        opened.add(d);
        return d;
    }

    @AfterEach
    void close() {
        opened.forEach(Database::close);
    }

    /** A handler that answers from a script (then delivers) and records each attempt's payload. */
    Handler scripted(Result... script) {
        Deque<Result> left = new ArrayDeque<>(List.of(script));
        return d -> {
            attempts.add(d.payload());
            Result r = left.poll();
            return r == null ? Result.delivered(201, "created") : r;
        };
    }

    Delivery delivery(Outbox o, long id) {
        return o.delivery(id).orElseThrow();
    }

    @Test
    void backoffStartsAtOneSecondAndDoublesUpToFifteenMinutes() {
        Outbox.Policy p = Outbox.Policy.DEFAULT;
        assertThat(List.of(1, 2, 3, 4, 10, 11, 12, 40).stream().map(p::retryDelayMillis).toList())
                .containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 512_000L, 900_000L, 900_000L, 900_000L);
        Outbox.Policy small = new Outbox.Policy(Duration.ofMillis(300), Duration.ofSeconds(1), 5, Duration.ofSeconds(30), Duration.ofDays(1), 2);
        assertThat(List.of(1, 2, 3, 4).stream().map(small::retryDelayMillis).toList()).containsExactly(300L, 600L, 1_000L, 1_000L);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void failedAttemptsAreRetriedWithBackoffUntilDelivered(String kind) throws Exception {
        Outbox o = new Outbox(db(kind).jdbi(), clock);
        o.handle("test", scripted(Result.retry(500, "answered 500"), Result.retry(null, "connection refused")));
        long id = o.enqueue(Message.of("test", "m1").about("run:1"));

        assertThat(o.deliverDue()).isEqualTo(1);
        Delivery after1 = delivery(o, id);
        assertThat(after1.state()).isEqualTo(Delivery.State.PENDING);
        assertThat(after1.attempts()).isEqualTo(1);
        assertThat(after1.lastStatus()).isEqualTo(500);
        assertThat(after1.lastAnswer()).isEqualTo("answered 500");
        assertThat(after1.nextAttemptAt()).isEqualTo(T0 + 1_000);

        now.addAndGet(999);
        assertThat(o.deliverDue()).as("not due before its backoff").isZero();
        now.addAndGet(1);
        assertThat(o.deliverDue()).isEqualTo(1);
        Delivery after2 = delivery(o, id);
        assertThat(after2.attempts()).isEqualTo(2);
        assertThat(after2.lastStatus()).isNull();
        assertThat(after2.nextAttemptAt()).isEqualTo(now.get() + 2_000);

        now.addAndGet(2_000);
        assertThat(o.deliverDue()).isEqualTo(1);
        Delivery done = delivery(o, id);
        assertThat(done.state()).isEqualTo(Delivery.State.DELIVERED);
        assertThat(done.attempts()).isEqualTo(3);
        assertThat(done.lastStatus()).isEqualTo(201);
        assertThat(done.lastAnswer()).isEqualTo("created");
        now.addAndGet(3_600_000);
        assertThat(o.deliverDue()).as("a delivered message is not sent again").isZero();
        assertThat(attempts).containsExactly("m1", "m1", "m1");
        assertThat(o.deliveries("run:1")).extracting(Delivery::id).containsExactly(id);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aMessageFailsAfterTheLastAttempt(String kind) throws Exception {
        Outbox.Policy three = new Outbox.Policy(Duration.ofSeconds(1), Duration.ofMinutes(15), 3, Duration.ofSeconds(30), Duration.ofDays(30), 4);
        Outbox o = new Outbox(db(kind).jdbi(), clock, three);
        o.handle("test", d -> {
            attempts.add(d.payload());
            return Result.retry(503, "answered 503");
        });
        long id = o.enqueue(Message.of("test", "m"));
        for (int i = 0; i < 5; i++) {
            o.deliverDue();
            now.addAndGet(60_000);
        }
        Delivery d = delivery(o, id);
        assertThat(d.state()).isEqualTo(Delivery.State.FAILED);
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.lastAnswer()).isEqualTo("answered 503 (gave up after 3 attempts)");
        assertThat(attempts).hasSize(3);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aHandlerFailsAMessageAtOnceAndAnExceptionIsRetried(String kind) throws Exception {
        Outbox o = new Outbox(db(kind).jdbi(), clock);
        o.handle("refused", scripted(Result.failed(401, "the token was refused")));
        o.handle("broken", d -> {
            throw new IllegalStateException("bug");
        });
        long refused = o.enqueue(Message.of("refused", "r"));
        long broken = o.enqueue(Message.of("broken", "b"));
        assertThat(o.deliverDue()).isEqualTo(2);
        now.addAndGet(3_600_000);
        o.deliverDue();
        assertThat(delivery(o, refused).state()).isEqualTo(Delivery.State.FAILED);
        assertThat(delivery(o, refused).attempts()).isEqualTo(1);
        assertThat(delivery(o, refused).lastAnswer()).isEqualTo("the token was refused");
        assertThat(delivery(o, broken).state()).isEqualTo(Delivery.State.PENDING);
        assertThat(delivery(o, broken).attempts()).isEqualTo(2);
        assertThat(delivery(o, broken).lastAnswer()).contains("IllegalStateException: bug");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void messagesOfOneKeyGoOneAtATimeInOrderWhileOtherKeysGoOn(String kind) throws Exception {
        Outbox o = new Outbox(db(kind).jdbi(), clock);
        // a1 fails twice; a2 must wait for it, b1 and the unkeyed message must not.
        o.handle("test", d -> {
            attempts.add(d.payload());
            boolean fail = d.payload().equals("a1") && d.attempts() < 2;
            return fail ? Result.retry(500, "answered 500") : Result.delivered(201, "ok");
        });
        long a1 = o.enqueue(Message.of("test", "a1").orderedBy("a"));
        long a2 = o.enqueue(Message.of("test", "a2").orderedBy("a"));
        long b1 = o.enqueue(Message.of("test", "b1").orderedBy("b"));
        long free = o.enqueue(Message.of("test", "free"));

        o.deliverDue();
        assertThat(attempts).containsExactly("a1", "b1", "free");
        assertThat(delivery(o, a2).attempts()).as("a2 waits while a1 is retried").isZero();
        assertThat(delivery(o, b1).state()).isEqualTo(Delivery.State.DELIVERED);
        assertThat(delivery(o, free).state()).isEqualTo(Delivery.State.DELIVERED);

        now.addAndGet(1_000);
        o.deliverDue(); // a1's second attempt fails too
        now.addAndGet(1_000);
        assertThat(o.deliverDue()).as("a2 is not due: a1 waits for its next attempt").isZero();
        now.addAndGet(1_000);
        o.deliverDue(); // a1 delivered
        o.deliverDue(); // then a2
        assertThat(attempts).containsExactly("a1", "b1", "free", "a1", "a1", "a2");
        assertThat(delivery(o, a1).state()).isEqualTo(Delivery.State.DELIVERED);
        assertThat(delivery(o, a2).state()).isEqualTo(Delivery.State.DELIVERED);
        assertThat(a1).isLessThan(a2);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aFailedMessageNoLongerHoldsItsKeyBack(String kind) throws Exception {
        Outbox o = new Outbox(db(kind).jdbi(), clock);
        o.handle("test", d -> {
            attempts.add(d.payload());
            return d.payload().equals("first") ? Result.failed(404, "no such repository") : Result.delivered(201, "ok");
        });
        o.enqueue(Message.of("test", "first").orderedBy("k"));
        long second = o.enqueue(Message.of("test", "second").orderedBy("k"));
        o.deliverDue();
        o.deliverDue();
        assertThat(attempts).containsExactly("first", "second");
        assertThat(delivery(o, second).state()).isEqualTo(Delivery.State.DELIVERED);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aMessageEnqueuedInATransactionThatRollsBackNeverExists(String kind) throws Exception {
        Database db = db(kind);
        Outbox o = new Outbox(db.jdbi(), clock);
        o.handle("test", scripted());
        assertThatThrownBy(() -> db.jdbi().useTransaction(h -> {
            o.enqueue(h, Message.of("test", "lost").about("run:9"));
            throw new IllegalStateException("the change failed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(o.deliverDue()).isZero();
        assertThat(o.deliveries("run:9")).isEmpty();
        long kept = db.jdbi().inTransaction(h -> o.enqueue(h, Message.of("test", "kept").about("run:9")));
        assertThat(o.deliveries("run:9")).extracting(Delivery::id).containsExactly(kept);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void kindsWithoutAHandlerAreLeftForAServerThatHasOne(String kind) throws Exception {
        Database db = db(kind);
        Outbox here = new Outbox(db.jdbi(), clock);
        here.handle("mine", scripted());
        long other = here.enqueue(Message.of("theirs", "x"));
        assertThat(here.deliverDue()).isZero();
        Outbox there = new Outbox(db.jdbi(), clock);
        there.handle("theirs", scripted());
        assertThat(there.deliverDue()).isEqualTo(1);
        assertThat(delivery(here, other).state()).isEqualTo(Delivery.State.DELIVERED);
    }

    /**
     * Two servers on one database: while one makes an attempt, its lease keeps the other off the
     * message; an attempt that outlasts the lease may be made by the other, and the late result of
     * the first is then dropped.
     */
    @ParameterizedTest
    @MethodSource("databases")
    void aLeaseKeepsAnotherServerOffUntilItRunsOut(String kind) throws Exception {
        Database db = db(kind);
        Outbox second = new Outbox(db.jdbi(), clock);
        second.handle("test", scripted());
        List<Integer> madeBySecondMeanwhile = new ArrayList<>();
        Outbox first = new Outbox(db.jdbi(), clock);
        first.handle("test", d -> {
            madeBySecondMeanwhile.add(second.deliverDue()); // within the lease: nothing to take
            now.addAndGet(first.policy().lease().toMillis() + 1);
            madeBySecondMeanwhile.add(second.deliverDue()); // the lease ran out: the second server makes the attempt
            return Result.retry(500, "too late to count");
        });
        long id = first.enqueue(Message.of("test", "slow"));
        first.deliverDue();
        assertThat(madeBySecondMeanwhile).containsExactly(0, 1);
        Delivery d = delivery(first, id);
        assertThat(d.state()).as("the second server's result stands").isEqualTo(Delivery.State.DELIVERED);
        assertThat(d.attempts()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theDispatcherDeliversWhatIsEnqueuedOnItsOwnThread(String kind) throws Exception {
        Outbox o = new Outbox(db(kind).jdbi(), Clock.system());
        CountDownLatch delivered = new CountDownLatch(2);
        o.handle("test", d -> {
            attempts.add(d.payload());
            delivered.countDown();
            return Result.delivered(200, "ok");
        });
        o.start();
        try {
            o.enqueue(Message.of("test", "one").orderedBy("k"));
            o.enqueue(Message.of("test", "two").orderedBy("k"));
            assertThat(delivered.await(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            o.close();
        }
        assertThat(attempts).containsExactly("one", "two");
    }

    @Test
    void messagesAreChecked() {
        assertThatThrownBy(() -> Message.of("", "x")).hasMessageContaining("kind");
        assertThatThrownBy(() -> Message.of("k", null)).hasMessageContaining("payload");
        assertThatThrownBy(() -> Message.of("k", "x").orderedBy("k".repeat(601))).hasMessageContaining("ordering key");
    }
}
