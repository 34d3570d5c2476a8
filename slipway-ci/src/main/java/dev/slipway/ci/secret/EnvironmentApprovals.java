package dev.slipway.ci.secret;

import dev.slipway.core.Clock;
import dev.slipway.core.SlipwayException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Approvals of deployments to environments with reviewers (GitHub's pending deployments): a job
 * that uses such an environment waits until one of its reviewers approves or rejects, once per
 * run attempt and environment, so one decision serves every job of the attempt that uses it.
 *
 * <p>Layout. Table {@code ci_environment_approvals} (migration {@code V21__actions_variables.sql}),
 * one row per (run, attempt, environment): {@code environment} the lower-case key, the repository,
 * the reviewers when the wait began (user names separated by single spaces), {@code state}
 * {@code waiting}, {@code approved} or {@code rejected}, and who decided, when and why. The waiting
 * job polls its row, so a decision made through any server instance reaches it.
 */
public final class EnvironmentApprovals {
    private static final long POLL_MILLIS = 250;

    private final Jdbi jdbi;
    private final Clock clock;

    public EnvironmentApprovals(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** A deployment that waits for a decision, or has one. */
    public record Deployment(long run, int attempt, String owner, String repository, String environment, List<String> reviewers,
                             String state, String decidedBy, String comment) {
        public Deployment {
            reviewers = List.copyOf(reviewers);
        }

        public boolean waiting() {
            return state.equals("waiting");
        }

        public boolean approved() {
            return state.equals("approved");
        }
    }

    /**
     * Waits until a reviewer of {@code environment} approves or rejects its deployment in this
     * attempt of the run (at once if that has happened already), or {@code cancelled} says the
     * run was cancelled. Returns the deployment as decided, or empty when cancelled.
     */
    public Optional<Deployment> await(long run, int attempt, Environment environment, BooleanSupplier cancelled)
            throws InterruptedException {
        String key = environment.scope().environment();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO ci_environment_approvals(run_id, attempt, environment, owner, repository, "
                        + "reviewers, state, created_at) VALUES (:r, :a, :e, :o, :p, :v, 'waiting', :t) "
                        + "ON CONFLICT (run_id, attempt, environment) DO NOTHING")
                .bind("r", run).bind("a", attempt).bind("e", key).bind("o", environment.owner()).bind("p", environment.repository())
                .bind("v", String.join(" ", environment.reviewers())).bind("t", clock.millis()).execute());
        while (true) {
            Deployment d = find(run, attempt, key).orElseThrow();
            if (!d.waiting()) {
                return Optional.of(d);
            }
            if (cancelled.getAsBoolean()) {
                return Optional.empty();
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** The deployments of a run of {@code owner/repository} that wait for a decision, in its latest attempt. */
    public List<Deployment> waiting(String owner, String repository, long run) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE run_id = :r AND owner = :o AND repository = :p AND state = 'waiting' "
                        + "ORDER BY attempt, environment")
                .bind("r", run).bind("o", owner).bind("p", repository).map(EnvironmentApprovals::row).list());
    }

    /**
     * Approves or rejects the waiting deployment of a run of {@code owner/repository} to
     * {@code environment}, as {@code user}: 404 if none waits, 403 unless the user is one of its
     * reviewers.
     */
    public Deployment decide(String owner, String repository, long run, String environment, String user, boolean approve,
                             String comment) {
        String key = SecretScope.environmentKey(environment);
        return jdbi.inTransaction(h -> {
            Deployment d = h.createQuery(SELECT + " WHERE run_id = :r AND owner = :o AND repository = :p AND environment = :e "
                            + "AND state = 'waiting'")
                    .bind("r", run).bind("o", owner).bind("p", repository).bind("e", key).map(EnvironmentApprovals::row).findOne()
                    .orElseThrow(() -> new SlipwayException.NotFound("no deployment to environment '" + environment + "' waits for approval "
                            + "in run " + run + " of " + owner + "/" + repository));
            if (!d.reviewers().contains(user)) {
                throw new SlipwayException.Forbidden("only the reviewers of environment '" + environment + "' may decide: "
                        + String.join(", ", d.reviewers()));
            }
            String state = approve ? "approved" : "rejected";
            h.createUpdate("UPDATE ci_environment_approvals SET state = :s, decided_by = :u, comment = :c, decided_at = :t "
                            + "WHERE run_id = :r AND attempt = :a AND environment = :e")
                    .bind("s", state).bind("u", user).bind("c", comment).bind("t", clock.millis())
                    .bind("r", run).bind("a", d.attempt()).bind("e", key).execute();
            return new Deployment(d.run(), d.attempt(), owner, repository, d.environment(), d.reviewers(), state, user, comment);
        });
    }

    private Optional<Deployment> find(long run, int attempt, String key) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE run_id = :r AND attempt = :a AND environment = :e")
                .bind("r", run).bind("a", attempt).bind("e", key).map(EnvironmentApprovals::row).findOne());
    }

    private static final String SELECT = "SELECT run_id, attempt, owner, repository, environment, reviewers, state, decided_by, comment "
            + "FROM ci_environment_approvals";

    private static Deployment row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        String reviewers = rs.getString(6);
        return new Deployment(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                reviewers.isEmpty() ? List.of() : Arrays.asList(reviewers.split(" ")), rs.getString(7), rs.getString(8), rs.getString(9));
    }
}
