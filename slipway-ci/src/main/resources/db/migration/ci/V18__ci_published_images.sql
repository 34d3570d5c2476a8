-- Images publish tasks pushed (dev.slipway.ci.release.PublishedImages): one row per task of a run;
-- a retried task's push replaces its row.
CREATE TABLE ci_published_images (
    run_id     BIGINT        NOT NULL,
    task       VARCHAR(64)   NOT NULL,
    image      VARCHAR(400)  NOT NULL,   -- host[:port]/path/name as users pull it
    tags       VARCHAR(4000) NOT NULL,   -- comma-separated, in the order pushed
    digest     VARCHAR(200)  NOT NULL,
    pushed_at  BIGINT        NOT NULL,
    PRIMARY KEY (run_id, task)
);
