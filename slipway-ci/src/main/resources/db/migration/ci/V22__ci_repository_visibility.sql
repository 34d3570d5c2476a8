-- A CI repository's visibility (dev.slipway.ci.registration.Registration#isPublic): a public one's
-- runs and logs are readable without signing in, in the UI and the API. Private is the default.
ALTER TABLE ci_repositories ADD COLUMN is_public BOOLEAN NOT NULL DEFAULT FALSE;
