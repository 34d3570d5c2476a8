package dev.slipway.ci.release;

import dev.slipway.core.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Where each run's publish tasks pushed (table {@code ci_published_images}): image, tags and
 * digest per task, for the run's JSON ({@code published}) and, later, links from packages to runs.
 */
public final class PublishedImages {
    private final Jdbi jdbi;
    private final Clock clock;

    public PublishedImages(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Records a push; a retry of the same task replaces what it pushed before. */
    public void record(long runId, Publisher.Published p) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM ci_published_images WHERE run_id = :r AND task = :t").bind("r", runId).bind("t", p.task()).execute();
            h.createUpdate("INSERT INTO ci_published_images(run_id, task, image, tags, digest, pushed_at) VALUES (:r, :t, :i, :tags, :d, :at)")
                    .bind("r", runId).bind("t", p.task()).bind("i", p.image()).bind("tags", String.join(",", p.tags()))
                    .bind("d", p.digest()).bind("at", clock.millis()).execute();
        });
    }

    /** What the run's tasks published, in the order they pushed. */
    public List<Publisher.Published> of(long runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT task, image, tags, digest FROM ci_published_images WHERE run_id = :r "
                        + "ORDER BY pushed_at, task")
                .bind("r", runId)
                .map((rs, ctx) -> new Publisher.Published(rs.getString(1), rs.getString(2), List.of(rs.getString(3).split(",")),
                        rs.getString(4)))
                .list());
    }
}
