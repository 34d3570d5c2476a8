package dev.slipway.ci.trigger;

import dev.slipway.ci.definition.Cron;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.Triggers;
import dev.slipway.ci.registration.Registration;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code on: cron}: keeps {@link Schedules} in line with the pipelines on each registration's
 * default branch, and fires the slots that fall due.
 *
 * <p>Schedules come from the default branch only (as in GitHub Actions); a schedule's
 * {@code branch} says where it runs: that branch's head and its version of the pipeline. Each
 * schedule fires at most once per slot: the slot is taken with a compare-and-set on the schedule's
 * last fire before anything starts, so neither a restart nor a second server on the same
 * database fires it again. Slots missed while no server ran are owed one fire, the latest
 * (a server down over three nightly slots starts one run when it comes back, not three). A new
 * schedule starts from the time it was read.
 */
final class CronScheduler implements TriggerService.PipelinesListener {
    private static final Logger LOG = LoggerFactory.getLogger(CronScheduler.class);
    /** A slot whose fire failed (the repository could not be fetched) is tried again after this long, until the next slot. */
    static final long RETRY_MS = 60_000;

    private final TriggerService triggers;
    private final Schedules schedules;
    private final Map<String, Cron> parsed = new ConcurrentHashMap<>();
    private final Map<String, Long> retryAt = new ConcurrentHashMap<>();
    /** Per schedule: the last fire seen and the first slot after it (epoch millis; MAX_VALUE: never). */
    private final Map<String, long[]> nextSlot = new ConcurrentHashMap<>();

    CronScheduler(TriggerService triggers, Schedules schedules) {
        this.triggers = triggers;
        this.schedules = schedules;
    }

    /** A slot that is due: the schedule as read (with the last fire the slot replaces) and the slot. */
    record Due(Schedules.Schedule schedule, long slot) {
        /** Which schedule and slot: the run's dedupe key, so a slot never starts two runs of its pipeline. */
        String occurrence() {
            return schedule.cron() + "@" + slot + (schedule.branch().isEmpty() ? "" : "@" + schedule.branch())
                    + (schedule.timezone().equals("UTC") ? "" : "@" + schedule.timezone());
        }
    }

    @Override
    public void pipelines(Registration r, String branch, Map<String, List<Triggers.Schedule>> byPipeline) {
        if (!branch.equals(r.defaultBranch())) {
            return;
        }
        Set<Schedules.Key> wanted = new LinkedHashSet<>();
        byPipeline.forEach((pipeline, list) -> {
            for (Triggers.Schedule s : list) {
                wanted.add(new Schedules.Key(pipeline, s.cron(), s.branch() == null ? "" : s.branch(),
                        s.timezone() == null ? "UTC" : s.timezone()));
            }
        });
        if (schedules.sync(r.owner(), r.name(), wanted, triggers.clock().millis())) {
            LOG.info("schedules of {} at {}: {}", r.fullName(), branch, wanted.isEmpty() ? "none" : wanted.stream()
                    .map(k -> k.pipeline() + " '" + k.cron() + "'" + (k.branch().isEmpty() ? "" : " on " + k.branch())
                            + (k.timezone().equals("UTC") ? "" : " " + k.timezone())).toList());
        }
    }

    /** The slots due at {@code now}: for each schedule, the latest slot after its last fire, if one has come. */
    List<Due> due(long now) {
        List<Due> due = new ArrayList<>();
        Set<String> ids = new java.util.HashSet<>();
        for (Schedules.Schedule s : schedules.all()) {
            ids.add(s.id());
            Long retry = retryAt.get(s.id());
            if (retry != null && retry > now) {
                continue;
            }
            try {
                Cron expression = parsed.computeIfAbsent(s.cron(), Cron::parse);
                ZoneId zone = ZoneId.of(s.timezone());
                // The first slot after the last fire, worked out once per last fire: a pass every second only compares.
                long[] next = nextSlot.get(s.id());
                if (next == null || next[0] != s.lastFire()) {
                    next = new long[] {s.lastFire(), CronSlots.next(expression, zone, Instant.ofEpochMilli(s.lastFire()))
                            .map(Instant::toEpochMilli).orElse(Long.MAX_VALUE)};
                    nextSlot.put(s.id(), next);
                }
                if (next[1] > now) {
                    continue;
                }
                CronSlots.latest(expression, zone, Instant.ofEpochMilli(s.lastFire()), Instant.ofEpochMilli(now))
                        .ifPresent(at -> due.add(new Due(s, at.toEpochMilli())));
            } catch (IllegalArgumentException | DateTimeException e) {
                // The reader checks both, so only a row from another version of the grammar gets here.
                LOG.debug("schedule '{}' ({}) of {}/{} is not understood: {}", s.cron(), s.timezone(), s.owner(), s.repo(), e.getMessage());
            }
        }
        nextSlot.keySet().retainAll(ids);
        retryAt.keySet().retainAll(ids);
        return due;
    }

    /** Takes a due slot; false when another pass or server took it first. */
    boolean claim(Due d) {
        return schedules.advance(d.schedule(), d.schedule().lastFire(), d.slot());
    }

    /** Undoes {@link #claim}: the slot is due again (unless a later one was taken meanwhile). */
    void giveBack(Due d) {
        Schedules.Schedule s = d.schedule();
        schedules.advance(new Schedules.Schedule(s.owner(), s.repo(), s.pipeline(), s.cron(), s.branch(), s.timezone(), d.slot()), d.slot(),
                s.lastFire());
    }

    /**
     * Starts the run of a slot this server claimed. A slot that cannot start (the repository cannot
     * be fetched) is given back, to be tried again after {@link #RETRY_MS}, until a later slot
     * replaces it.
     */
    void fire(Registration r, Due d) {
        Schedules.Schedule s = d.schedule();
        String branch = s.branch().isEmpty() ? r.defaultBranch() : s.branch();
        Event e = new Event(Event.Kind.CRON, "refs/heads/" + branch, null, null, null, null, null, null, null, "cron", null,
                d.occurrence());
        try {
            TriggerService.Outcome o = triggers.fire(r, e, s.pipeline());
            retryAt.remove(s.id());
            if (o.runs().isEmpty()) {
                LOG.warn("cron '{}' of {} pipeline {} on {}: no run; {}", s.cron(), r.fullName(), s.pipeline(), branch,
                        o.notes().isEmpty() ? "the branch has no pipeline " + s.pipeline() : String.join("; ", o.notes()));
            }
        } catch (RuntimeException ex) {
            giveBack(d);
            retryAt.put(s.id(), triggers.clock().millis() + RETRY_MS);
            LOG.warn("cron '{}' of {} pipeline {} on {} could not start (tried again in {} s): {}", s.cron(), r.fullName(), s.pipeline(), branch,
                    RETRY_MS / 1000, Poller.why(ex));
        }
    }
}
