package dev.slipway.ci.trigger;

import dev.slipway.ci.registration.Registration;
import dev.slipway.core.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trigger sources that run on their own: polling ({@link Poller}) and cron
 * ({@link CronScheduler}). Only the server starts them, never a CLI command.
 *
 * <p>A loop wakes every {@link #TICK_MS} ms (poll intervals may be as short as a second): it takes
 * the polls that are due and the cron slots that have come, and hands the work to
 * {@link #WORKERS} worker threads, so a slow remote delays no other. Every
 * {@link #DISCOVERY_MS} ms it also looks for new and changed registrations: it reads their
 * schedules, and gives a new one its first poll at once. Everything it takes is taken with a compare-and-set in the database,
 * so servers sharing a PostgreSQL database share the work without doing any of it twice.
 *
 * <p>At start every registration counts as new: its schedules are read (a push missed while the
 * server was down may have changed them), and polls that fell due meanwhile run at once.
 */
public final class BackgroundTriggers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundTriggers.class);
    static final long TICK_MS = 1_000;
    static final long DISCOVERY_MS = 5_000;
    static final int WORKERS = 4;

    private final TriggerService triggers;
    private final Clock clock;
    private final PollState pollState;
    private final Poller poller;
    private final CronScheduler cron;
    /** What each registration looked like when last seen: a change means its schedules are read again. */
    private final Map<Long, Seen> seen = new ConcurrentHashMap<>();
    /** Work handed to the workers and not finished, by what it is ({@code poll:owner/name}, ...): never twice at once. */
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private ScheduledExecutorService loop;
    private volatile ThreadPoolExecutor workers;
    private volatile boolean closed;
    private final Object pass = new Object();
    /** The registrations as last listed, by owner/name; and when (System.nanoTime). */
    private Map<String, Registration> registrations = Map.of();
    private long listedAt;

    private record Seen(String cloneUrl, String defaultBranch, String key, String credentials, int pollInterval) {
        static Seen of(Registration r, int pollInterval) {
            return new Seen(r.cloneUrl(), r.defaultBranch(), r.keyName(), r.credentialsName(), pollInterval);
        }
    }

    /** A unit of work for the workers; {@code dropped} runs instead when the server stops before it started. */
    private record Job(String key, Runnable work, Runnable dropped, CompletableFuture<Void> done) implements Runnable {
        @Override
        public void run() {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed", key, e);
            } finally {
                done.complete(null);
            }
        }
    }

    /** @param jdbi the database of {@code triggers} (the schedules' table) */
    public BackgroundTriggers(TriggerService triggers, Jdbi jdbi) {
        this.triggers = triggers;
        this.clock = triggers.clock();
        this.pollState = triggers.pollState();
        this.poller = new Poller(triggers);
        this.cron = new CronScheduler(triggers, new Schedules(jdbi));
        triggers.addListener(cron);
    }

    /** Starts the loop; {@link #close()} stops it. */
    public synchronized BackgroundTriggers start() {
        if (loop != null) {
            return this;
        }
        AtomicInteger n = new AtomicInteger();
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "slipway-triggers-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        loop = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slipway-triggers");
            t.setDaemon(true);
            return t;
        });
        loop.scheduleWithFixedDelay(() -> {
            try {
                tick(false);
            } catch (RuntimeException e) {
                // The next tick tries again; a failure (the database away for a moment) must not end the loop.
                LOG.error("polling and cron: a pass failed", e);
            }
        }, 0, TICK_MS, TimeUnit.MILLISECONDS);
        LOG.info("polling and cron schedules are on (a pass every {} s, {} at once)", TICK_MS / 1000, WORKERS);
        return this;
    }

    /**
     * Takes what is due now, as the loop does every few seconds, and waits until it and anything
     * already running has finished. For tests that step an injected clock, and for anyone who
     * wants a new registration looked at now.
     */
    public void runDue() {
        tick(true);
        for (CompletableFuture<Void> f : List.copyOf(inFlight.values())) {
            f.join();
        }
    }

    /** One pass at a time (the loop's and {@link #runDue}'s), so a pass that returns has handed over all it took. */
    private void tick(boolean listRegistrations) {
        synchronized (pass) {
            if (!closed && workers != null) {
                takeDue(listRegistrations || System.nanoTime() - listedAt >= DISCOVERY_MS * 1_000_000);
            }
        }
    }

    private void takeDue(boolean listRegistrations) {
        long now = clock.millis();
        if (listRegistrations) {
            Map<String, Registration> byName = new HashMap<>();
            Set<Long> ids = new HashSet<>();
            for (Registration r : triggers.registrations().all()) {
                byName.put(r.fullName(), r);
                ids.add(r.id());
                noticeChanges(r, now);
            }
            seen.keySet().retainAll(ids);
            registrations = byName;
            listedAt = System.nanoTime();
        }
        Map<String, Registration> byName = registrations;
        for (PollState.State due : pollState.due(now)) {
            Registration r = byName.get(due.owner() + "/" + due.repo());
            String key = "poll:" + due.owner() + "/" + due.repo();
            if (r == null || triggers.state().pollInterval(r) == 0 || inFlight.containsKey(key)) {
                continue;
            }
            long lease = now + Poller.LEASE_MS;
            if (pollState.claim(r.owner(), r.name(), due.nextPollAt(), lease)) {
                submit(key, () -> poller.poll(r, due, lease), () -> pollState.release(r.owner(), r.name(), lease, clock.millis()));
            }
        }
        for (CronScheduler.Due due : cron.due(now)) {
            Registration r = byName.get(due.schedule().owner() + "/" + due.schedule().repo());
            String key = "cron:" + due.schedule().id();
            if (r == null || inFlight.containsKey(key)) {
                continue;
            }
            if (cron.claim(due)) {
                submit(key, () -> cron.fire(r, due), () -> cron.giveBack(due));
            }
        }
    }

    /** A registration seen for the first time (or changed): read its schedules; a first poll is due at once, a shortened interval applies now. */
    private void noticeChanges(Registration r, long now) {
        int interval = triggers.state().pollInterval(r);
        Seen current = Seen.of(r, interval);
        Seen before = seen.put(r.id(), current);
        if (current.equals(before)) {
            return;
        }
        if (interval > 0) {
            pollState.ensure(r.owner(), r.name(), now);
            if (before != null && before.pollInterval() != interval) {
                pollState.dueBy(r.owner(), r.name(), Poller.nextDue(r.id(), interval * 1000L, now));
            }
        }
        submit("read:" + r.fullName(), () -> {
            try {
                triggers.readPipelines(r);
            } catch (RuntimeException e) {
                // An empty repository, or one that cannot be fetched now: its schedules are read at its next push to the default branch.
                LOG.info("schedules of {} not read: {}", r.fullName(), Poller.why(e));
            }
        }, () -> {});
    }

    private void submit(String key, Runnable work, Runnable dropped) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (inFlight.putIfAbsent(key, done) != null) {
            dropped.run();
            return;
        }
        done.whenComplete((v, e) -> inFlight.remove(key, done));
        Job job = new Job(key, work, dropped, done);
        try {
            workers.execute(job);
        } catch (RejectedExecutionException stopping) {
            dropped.run();
            done.complete(null);
        }
    }

    /** Stops the loop; work that has started may finish (briefly), work that has not is given back for the next server. */
    @Override
    public synchronized void close() {
        closed = true;
        if (loop == null) {
            return;
        }
        loop.shutdownNow();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
            List<Runnable> waiting = new java.util.ArrayList<>();
            workers.getQueue().drainTo(waiting);
            for (Runnable r : waiting) {
                Job job = (Job) r;
                job.dropped().run();
                job.done().complete(null);
            }
            workers.shutdown();
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("polls or cron fires still running after 10 s; interrupting them");
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
    }
}
