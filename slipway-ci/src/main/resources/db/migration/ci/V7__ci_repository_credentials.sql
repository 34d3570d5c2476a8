-- The secret that holds user:token (or a token) for a repository cloned over http(s).
-- See dev.slipway.ci.scheduler.CiStore.
ALTER TABLE ci_repositories ADD COLUMN credentials_name VARCHAR(128);
