-- The last outcome of each pipeline on each ref, for notifications sent when a run fixed it
-- (dev.slipway.ci.notify.Outcomes).
CREATE TABLE ci_run_outcomes (
    owner    VARCHAR(64)  NOT NULL,
    repo     VARCHAR(100) NOT NULL,
    pipeline VARCHAR(255) NOT NULL,
    ref      VARCHAR(300) NOT NULL,   -- refs/heads/main, refs/tags/v1, refs/pull/7/head, or a commit
    run_id   BIGINT       NOT NULL,   -- the run that ended last (by id: the newest)
    status   VARCHAR(16)  NOT NULL,   -- success, failure or error
    PRIMARY KEY (owner, repo, pipeline, ref)
);
