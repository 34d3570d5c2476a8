package dev.slipway.ci.trigger;

import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * The cron schedules of each registration's pipelines and the slot each last fired (table
 * {@code ci_schedules}, V10). A row's key is the schedule itself (pipeline, cron, branch, time
 * zone), so a changed schedule is a new row that starts from the time it was read. {@code branch}
 * is '' for the registration's default branch; {@code timezone} is an IANA zone id or UTC.
 *
 * <p>A slot is fired by moving {@code last_fire} forward with a compare-and-set: of two servers on
 * one database (or two passes of one server) only one wins a slot.
 */
final class Schedules {
    /** One schedule and the slot (epoch millis) it last fired, or the time it was first read. */
    record Schedule(String owner, String repo, String pipeline, String cron, String branch, String timezone, long lastFire) {
        Key key() {
            return new Key(pipeline, cron, branch, timezone);
        }

        /** The schedule's identity across registrations. */
        String id() {
            return owner + "/" + repo + " " + key();
        }
    }

    /** A schedule of a registration, without its state. */
    record Key(String pipeline, String cron, String branch, String timezone) {}

    private static final String SELECT = "SELECT owner, repo, pipeline, cron, branch, timezone, last_fire FROM ci_schedules";

    private final Jdbi jdbi;

    Schedules(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    List<Schedule> all() {
        return jdbi.withHandle(h -> h.createQuery(SELECT)
                .map(Schedules::row).list());
    }

    List<Schedule> of(String owner, String repo) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE owner = :o AND repo = :r").bind("o", owner).bind("r", repo)
                .map(Schedules::row).list());
    }

    /**
     * Makes a registration's schedules {@code wanted}: new ones start from {@code now} (they do not
     * fire for slots before they were read), ones no longer wanted go, the others keep their state.
     *
     * @return whether anything changed
     */
    boolean sync(String owner, String repo, Set<Key> wanted, long now) {
        return jdbi.inTransaction(h -> {
            boolean changed = false;
            for (Schedule s : h.createQuery(SELECT + " WHERE owner = :o AND repo = :r").bind("o", owner).bind("r", repo)
                    .map(Schedules::row).list()) {
                if (!wanted.contains(s.key())) {
                    h.createUpdate("DELETE FROM ci_schedules WHERE owner = :o AND repo = :r AND pipeline = :p AND cron = :c AND branch = :b "
                                    + "AND timezone = :z").bind("o", owner).bind("r", repo).bind("p", s.pipeline()).bind("c", s.cron())
                            .bind("b", s.branch()).bind("z", s.timezone()).execute();
                    changed = true;
                }
            }
            for (Key k : wanted) {
                changed |= h.createUpdate("INSERT INTO ci_schedules(owner, repo, pipeline, cron, branch, timezone, last_fire) "
                                + "VALUES (:o, :r, :p, :c, :b, :z, :t) ON CONFLICT (owner, repo, pipeline, cron, branch, timezone) DO NOTHING")
                        .bind("o", owner).bind("r", repo).bind("p", k.pipeline()).bind("c", k.cron()).bind("b", k.branch())
                        .bind("z", k.timezone()).bind("t", now).execute() > 0;
            }
            return changed;
        });
    }

    private static Schedule row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        return new Schedule(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getLong(7));
    }

    /** Moves a schedule's last fire from {@code seen} to {@code slot}; false if another pass or server moved it first. */
    boolean advance(Schedule s, long seen, long slot) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE ci_schedules SET last_fire = :slot WHERE owner = :o AND repo = :r AND pipeline = :p "
                        + "AND cron = :c AND branch = :b AND timezone = :z AND last_fire = :seen")
                .bind("slot", slot).bind("seen", seen).bind("o", s.owner()).bind("r", s.repo()).bind("p", s.pipeline()).bind("c", s.cron())
                .bind("b", s.branch()).bind("z", s.timezone()).execute()) > 0;
    }
}
