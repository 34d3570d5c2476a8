-- Runs of pipeline formats besides Slipway's own (dev.slipway.ci.format): GitHub Actions workflows.
-- format names the format ('slipway' for .slipway/*.yml); definition_file is the file the run's
-- definition came from (.gitea/workflows/build.yaml), for formats whose runs need it.
ALTER TABLE ci_runs ADD COLUMN format VARCHAR(16) NOT NULL DEFAULT 'slipway';
ALTER TABLE ci_runs ADD COLUMN definition_file VARCHAR(500);

-- What a task's format records beyond its status, as JSON (a GitHub Actions job's steps, outputs
-- and annotations): shown in the run JSON, and a retry reuses what succeeded.
ALTER TABLE ci_tasks ADD COLUMN details TEXT;
