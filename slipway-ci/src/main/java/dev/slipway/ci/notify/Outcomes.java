package dev.slipway.ci.notify;

import dev.slipway.ci.scheduler.CiStore;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The last outcome of each pipeline on each ref (table {@code ci_run_outcomes},
 * {@code db/migration/ci/V16__ci_run_outcomes.sql}): what {@code fixed} compares a success with.
 * Kept per ref rather than looked up among earlier runs so that a retried run counts: a run that
 * failed and succeeds on a retry has fixed its branch. Cancelled runs leave it alone, and a run
 * that ends after a newer one of the same pipeline and ref (an older commit finishing late) does
 * not change it.
 */
final class Outcomes {
    private Outcomes() {}

    private record Last(long runId, String status) {}

    /**
     * Records how {@code run} ended, inside its transaction, and says whether that fixed the ref:
     * a success whose ref's last outcome was a failure or an error.
     *
     * @param ref the run's full ref ({@code refs/heads/main}), or what it was started with
     */
    static boolean record(Handle tx, CiStore.RunRow run, String ref) {
        if (run.status().equals("cancelled")) {
            return false;
        }
        Optional<Last> last = tx.createQuery("SELECT run_id, status FROM ci_run_outcomes WHERE owner = :o AND repo = :r AND pipeline = :p "
                        + "AND ref = :ref").bind("o", run.owner()).bind("r", run.repo()).bind("p", run.pipeline()).bind("ref", ref)
                .map((rs, ctx) -> new Last(rs.getLong(1), rs.getString(2))).findOne();
        if (last.isPresent() && last.get().runId() > run.id()) {
            return false; // a newer run has spoken for the ref already
        }
        tx.createUpdate("INSERT INTO ci_run_outcomes(owner, repo, pipeline, ref, run_id, status) VALUES (:o, :r, :p, :ref, :id, :s) "
                        + "ON CONFLICT (owner, repo, pipeline, ref) DO UPDATE SET run_id = excluded.run_id, status = excluded.status")
                .bind("o", run.owner()).bind("r", run.repo()).bind("p", run.pipeline()).bind("ref", ref).bind("id", run.id())
                .bind("s", run.status()).execute();
        return run.status().equals("success") && last.map(l -> l.status().equals("failure") || l.status().equals("error")).orElse(false);
    }
}
