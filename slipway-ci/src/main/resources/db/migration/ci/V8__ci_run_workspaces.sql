-- The workspace of a finished run (its kept containers, overlay volumes and run directory) is
-- evicted by the keep policy (ci.keep.*); see dev.slipway.ci.scheduler.RunEviction.
-- workspace_bytes: the run directory's size, measured once the run has finished (NULL: not yet).
-- evicted_at: when the workspace was evicted; such a run can no longer be retried.
ALTER TABLE ci_runs ADD COLUMN workspace_bytes BIGINT;
ALTER TABLE ci_runs ADD COLUMN evicted_at BIGINT;
CREATE INDEX ci_runs_kept ON ci_runs(evicted_at, status);
