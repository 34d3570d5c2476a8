package dev.slipway.ci.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.definition.Cron;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When schedules fire: every field form of the grammar, cron(8)'s day rule, time zones and daylight-saving changes. */
class CronSlotsTest {
    /** expression, zone, after, the next slot after it (null: none). */
    record Case(String cron, String zone, String after, String next) {}

    @Test
    void nextSlotAfterAnInstant() {
        List<Case> table = List.of(
                // plain values; a slot is strictly after the instant
                new Case("0 3 * * *", "UTC", "2026-01-10T02:59:59Z", "2026-01-10T03:00:00Z"),
                new Case("0 3 * * *", "UTC", "2026-01-10T03:00:00Z", "2026-01-11T03:00:00Z"),
                // lists, ranges and steps
                new Case("0,30 * * * *", "UTC", "2026-01-01T10:10:00Z", "2026-01-01T10:30:00Z"),
                new Case("*/15 9-17 * * 1-5", "UTC", "2026-01-09T17:44:00Z", "2026-01-09T17:45:00Z"),
                new Case("*/15 9-17 * * 1-5", "UTC", "2026-01-09T17:50:00Z", "2026-01-12T09:00:00Z"), // Friday evening -> Monday
                new Case("0-59/20 0-23/6 * * *", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T00:20:00Z"),
                new Case("0-59/20 0-23/6 * * *", "UTC", "2026-01-01T06:40:00Z", "2026-01-01T12:00:00Z"),
                new Case("5/15 * * * *", "UTC", "2026-01-01T10:05:00Z", "2026-01-01T10:20:00Z"), // a/n: from a to the field's end
                new Case("5/15 * * * *", "UTC", "2026-01-01T10:50:00Z", "2026-01-01T11:05:00Z"),
                // names, and 7 for Sunday
                new Case("0 0 1 JAN-MAR sun", "UTC", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"), // a Sunday
                new Case("0 0 1 JAN-MAR sun", "UTC", "2026-01-25T00:00:00Z", "2026-02-01T00:00:00Z"),
                new Case("0 0 1 JAN-MAR sun", "UTC", "2026-03-29T00:00:00Z", "2027-01-01T00:00:00Z"), // April is not chosen
                new Case("0 12 * * 7", "UTC", "2026-01-05T00:00:00Z", "2026-01-11T12:00:00Z"),
                // day-of-month OR day-of-week when both are restricted (cron(8))
                new Case("0 0 13 * 5", "UTC", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"), // a Friday
                new Case("0 0 13 * 5", "UTC", "2026-01-10T00:00:00Z", "2026-01-13T00:00:00Z"), // a Tuesday, the 13th
                // ... AND when one of them starts with * (even */2)
                new Case("0 0 */2 * 1", "UTC", "2026-01-06T00:00:00Z", "2026-01-19T00:00:00Z"), // the 12th is a Monday but even
                new Case("0 0 * * 1", "UTC", "2026-01-06T00:00:00Z", "2026-01-12T00:00:00Z"),
                // months and years
                new Case("0 0 1 1 *", "UTC", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z"),
                new Case("0 0 31 * *", "UTC", "2026-04-01T00:00:00Z", "2026-05-31T00:00:00Z"),
                new Case("0 0 29 2 *", "UTC", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
                // nicknames, expanded by the parser
                new Case("@weekly", "UTC", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"),
                new Case("@hourly", "UTC", "2026-01-01T00:00:01Z", "2026-01-01T01:00:00Z"),
                // time zones: the wall clock of the zone
                new Case("0 9 * * 1-5", "America/New_York", "2026-01-09T15:00:00Z", "2026-01-12T14:00:00Z"),
                new Case("0 9 * * *", "America/New_York", "2026-07-01T00:00:00Z", "2026-07-01T13:00:00Z"),
                // spring forward (Berlin, 2026-03-29 02:00 -> 03:00): 02:30 does not exist that day and is skipped
                new Case("30 2 * * *", "Europe/Berlin", "2026-03-28T01:30:00Z", "2026-03-30T00:30:00Z"),
                new Case("0,30 * * * *", "Europe/Berlin", "2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z"),
                // fall back (Berlin, 2026-10-25 03:00 -> 02:00): 02:30 happens twice and fires once, the first time
                new Case("30 2 * * *", "Europe/Berlin", "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z"),
                new Case("30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
                new Case("30 2 * * *", "Europe/Berlin", "2026-10-25T01:00:00Z", "2026-10-26T01:30:00Z"),
                new Case("0,30 * * * *", "Europe/Berlin", "2026-10-25T00:45:00Z", "2026-10-25T02:00:00Z"));
        for (Case c : table) {
            Optional<Instant> next = CronSlots.next(Cron.parse(c.cron()), ZoneId.of(c.zone()), Instant.parse(c.after()));
            assertThat(next).as(c.toString()).isEqualTo(Optional.ofNullable(c.next()).map(Instant::parse));
        }
    }

    /** expression, zone, last fire, now, the one slot owed (null: none). */
    record Owed(String cron, String zone, String after, String now, String slot) {}

    @Test
    void latestSlotOwedForAPeriod() {
        List<Owed> table = List.of(
                // three nightly slots missed: the latest only
                new Owed("0 3 * * *", "UTC", "2026-01-01T03:00:00Z", "2026-01-04T10:00:00Z", "2026-01-04T03:00:00Z"),
                new Owed("0 3 * * *", "UTC", "2026-01-04T03:00:00Z", "2026-01-04T10:00:00Z", null),
                new Owed("0 3 * * *", "UTC", "2026-01-04T02:00:00Z", "2026-01-04T03:00:00Z", "2026-01-04T03:00:00Z"),
                new Owed("0 3 * * *", "UTC", "2026-01-04T03:00:00Z", "2026-01-04T03:00:00Z", null),
                new Owed("* * * * *", "UTC", "2025-01-01T00:00:00Z", "2026-01-04T10:00:30Z", "2026-01-04T10:00:00Z"),
                // fall back: the second 02:30 is not owed
                new Owed("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-25T01:10:00Z", "2026-10-25T00:30:00Z"),
                new Owed("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-25T01:45:00Z", "2026-10-25T00:30:00Z"),
                new Owed("30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-25T01:45:00Z", null),
                // spring forward: nothing owed on the day 02:30 does not exist
                new Owed("30 2 * * *", "Europe/Berlin", "2026-03-28T01:30:00Z", "2026-03-29T12:00:00Z", null),
                new Owed("0 9 * * 1-5", "America/New_York", "2026-01-08T14:00:00Z", "2026-01-12T13:00:00Z", "2026-01-09T14:00:00Z"));
        for (Owed o : table) {
            Optional<Instant> slot = CronSlots.latest(Cron.parse(o.cron()), ZoneId.of(o.zone()), Instant.parse(o.after()), Instant.parse(o.now()));
            assertThat(slot).as(o.toString()).isEqualTo(Optional.ofNullable(o.slot()).map(Instant::parse));
        }
    }

    @Test
    void slotsFollowEachOtherAcrossDaylightSavingChanges() {
        // Three days around each change in Berlin, every 30 minutes of wall-clock time: each slot once, none that does not exist.
        Cron halfHourly = Cron.parse("0,30 * * * *");
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertThat(walk(halfHourly, berlin, "2026-03-27T23:00:00Z", "2026-03-30T22:00:00Z")).isEqualTo(3 * 48 - 2); // 02:00, 02:30 skipped
        assertThat(walk(halfHourly, berlin, "2026-10-23T22:00:00Z", "2026-10-26T23:00:00Z")).isEqualTo(3 * 48); // 02:00, 02:30 once
    }

    /** Counts the slots in (from, to], checking that next and latest agree at each. */
    private static int walk(Cron cron, ZoneId zone, String from, String to) {
        Instant at = Instant.parse(from);
        int slots = 0;
        while (true) {
            Instant next = CronSlots.next(cron, zone, at).orElseThrow();
            if (next.isAfter(Instant.parse(to))) {
                return slots;
            }
            assertThat(next).isAfter(at);
            assertThat(CronSlots.latest(cron, zone, at, next)).contains(next);
            at = next;
            slots++;
        }
    }
}
