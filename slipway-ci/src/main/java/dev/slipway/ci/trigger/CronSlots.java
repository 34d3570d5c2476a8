package dev.slipway.ci.trigger;

import dev.slipway.ci.definition.Cron;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * When a cron expression fires: its slots, the whole minutes it names, on the wall clock of a time
 * zone. Across a daylight-saving change a slot that does not exist (02:30 when clocks jump from
 * 02:00 to 03:00) is skipped, and one that happens twice (01:30 when clocks fall back) fires once,
 * at its first occurrence. Mapping each wall-clock slot to its earliest instant keeps slots in
 * order, so the first slot after an instant is the next one and the last before it the latest.
 */
final class CronSlots {
    /** How far to look: 8 years and a day covers February 29 on any weekday rule. */
    private static final int MAX_DAYS = 8 * 366 + 1;
    /** Wall-clock offsets change by at most this much; instants are compared, wall clocks only bound the search. */
    private static final long MARGIN_HOURS = 3;

    private CronSlots() {}

    /** The first slot strictly after {@code after}, or empty when the expression never fires again (within 8 years). */
    static Optional<Instant> next(Cron cron, ZoneId zone, Instant after) {
        LocalDateTime from = LocalDateTime.ofInstant(after, zone).minusHours(MARGIN_HOURS).truncatedTo(ChronoUnit.MINUTES);
        LocalDate day = from.toLocalDate();
        for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
            if (!cron.day(day)) {
                continue;
            }
            for (int h = 0; h < 24; h++) {
                for (int m = 0; cron.hour(h) && m < 60; m++) {
                    if (!cron.minute(m)) {
                        continue;
                    }
                    LocalDateTime t = day.atTime(h, m);
                    Optional<Instant> at = t.isBefore(from) ? Optional.empty() : instant(t, zone);
                    if (at.isPresent() && at.get().isAfter(after)) {
                        return at;
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The last slot at or before {@code now} and strictly after {@code after}: the one fire owed for (after, now]. */
    static Optional<Instant> latest(Cron cron, ZoneId zone, Instant after, Instant now) {
        if (!now.isAfter(after)) {
            return Optional.empty();
        }
        LocalDateTime to = LocalDateTime.ofInstant(now, zone).plusHours(MARGIN_HOURS);
        LocalDateTime stop = LocalDateTime.ofInstant(after, zone).minusHours(MARGIN_HOURS);
        LocalDate day = to.toLocalDate();
        for (int i = 0; i < MAX_DAYS && !day.isBefore(stop.toLocalDate()); i++, day = day.minusDays(1)) {
            if (!cron.day(day)) {
                continue;
            }
            for (int h = 23; h >= 0; h--) {
                for (int m = 59; cron.hour(h) && m >= 0; m--) {
                    if (!cron.minute(m)) {
                        continue;
                    }
                    LocalDateTime t = day.atTime(h, m);
                    if (t.isAfter(to)) {
                        continue;
                    }
                    Optional<Instant> at = instant(t, zone);
                    if (at.isEmpty() || at.get().isAfter(now)) {
                        continue;
                    }
                    return at.get().isAfter(after) ? at : Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The wall-clock time's first instant in {@code zone}; empty inside a gap (the time does not exist that day). */
    private static Optional<Instant> instant(LocalDateTime t, ZoneId zone) {
        if (zone.getRules().getValidOffsets(t).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ZonedDateTime.ofLocal(t, zone, null).toInstant());
    }
}
