package dev.slipway.ci.trigger;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * When each registration was last polled, how that went, and when it is due again (table
 * {@code ci_poll_state}, V10). Taking a due poll moves {@code next_poll_at} forward with a
 * compare-and-set, so two servers on one database never poll the same registration at once.
 */
final class PollState {
    record State(String owner, String repo, long nextPollAt, Long lastPollAt, String lastPollError, int failures) {}

    private final Jdbi jdbi;

    PollState(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Optional<State> of(String owner, String repo) {
        return jdbi.withHandle(h -> h.createQuery("SELECT owner, repo, next_poll_at, last_poll_at, last_poll_error, failures FROM ci_poll_state "
                        + "WHERE owner = :o AND repo = :r").bind("o", owner).bind("r", repo)
                .map((rs, ctx) -> state(rs)).findOne());
    }

    List<State> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT owner, repo, next_poll_at, last_poll_at, last_poll_error, failures FROM ci_poll_state")
                .map((rs, ctx) -> state(rs)).list());
    }

    private static State state(java.sql.ResultSet rs) throws java.sql.SQLException {
        long last = rs.getLong(4);
        Long lastPoll = rs.wasNull() ? null : last;
        return new State(rs.getString(1), rs.getString(2), rs.getLong(3), lastPoll, rs.getString(5), rs.getInt(6));
    }

    /** Creates the row of a registration polled for the first time, due at {@code due}; nothing if it exists. */
    void ensure(String owner, String repo, long due) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO ci_poll_state(owner, repo, next_poll_at, failures) VALUES (:o, :r, :t, 0) "
                + "ON CONFLICT (owner, repo) DO NOTHING").bind("o", owner).bind("r", repo).bind("t", due).execute());
    }

    /** Takes a due poll: moves next_poll_at from {@code seen} to {@code lease}; false if another server took it. */
    boolean claim(String owner, String repo, long seen, long lease) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE ci_poll_state SET next_poll_at = :lease WHERE owner = :o AND repo = :r "
                + "AND next_poll_at = :seen").bind("lease", lease).bind("o", owner).bind("r", repo).bind("seen", seen).execute()) > 0;
    }

    /** The rows due at {@code now}. */
    List<State> due(long now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT owner, repo, next_poll_at, last_poll_at, last_poll_error, failures FROM ci_poll_state "
                + "WHERE next_poll_at <= :now").bind("now", now).map((rs, ctx) -> state(rs)).list());
    }

    /** Brings a registration's next poll forward to {@code at} (its interval was shortened); an earlier due time stays. */
    void dueBy(String owner, String repo, long at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_poll_state SET next_poll_at = :t WHERE owner = :o AND repo = :r AND next_poll_at > :t")
                .bind("t", at).bind("o", owner).bind("r", repo).execute());
    }

    /**
     * Records a poll that listed the remote: when ({@code last_poll_at} is the last time the
     * remote's refs were read, so a registration never read is told apart), the error of a run
     * that could not be started (null when all went well), and the next due time.
     */
    void listed(String owner, String repo, long at, String error, long next) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_poll_state SET last_poll_at = :t, last_poll_error = :e, failures = 0, next_poll_at = :n "
                        + "WHERE owner = :o AND repo = :r").bind("t", at).bind("e", error).bind("n", next).bind("o", owner).bind("r", repo)
                .execute());
    }

    /** Records a poll that could not list the remote: why, the failures in a row, and when to try again. */
    void failed(String owner, String repo, String error, int failures, long next) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_poll_state SET last_poll_error = :e, failures = :f, next_poll_at = :n "
                        + "WHERE owner = :o AND repo = :r").bind("e", error).bind("f", failures).bind("n", next)
                .bind("o", owner).bind("r", repo).execute());
    }

    /** Gives a lease back unfinished (the server stops mid-poll): due at {@code at}, unless it changed hands. */
    void release(String owner, String repo, long lease, long at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_poll_state SET next_poll_at = :t WHERE owner = :o AND repo = :r AND next_poll_at = :lease")
                .bind("t", at).bind("o", owner).bind("r", repo).bind("lease", lease).execute());
    }
}
