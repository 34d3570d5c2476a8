-- Versions from commit messages (dev.slipway.ci.release): a run's version, computed when it starts,
-- and the outcome of its tag push. A retry of the run keeps the row (and so its version).
CREATE TABLE ci_run_versions (
    run_id   BIGINT       PRIMARY KEY REFERENCES ci_runs(id) ON DELETE CASCADE,
    version  VARCHAR(300) NOT NULL,   -- the tag name, prefix included (v1.3.0)
    bump     VARCHAR(8)   NOT NULL,   -- major, minor, patch
    previous VARCHAR(300),            -- the version tag it was computed from; NULL with none yet
    tag      BOOLEAN      NOT NULL,   -- whether the pipeline pushes the tag (version.tag)
    pushed   BOOLEAN      NOT NULL,
    error    TEXT                     -- why the push failed
);
