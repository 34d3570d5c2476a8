-- Job tokens (dev.slipway.core.identity.JobTokens): SLIPWAY_TOKEN of a running CI run. A row lives
-- from the run's start to its end; only the SHA-256 of the secret is kept.
CREATE TABLE job_tokens (
    id         VARCHAR(32)  PRIMARY KEY,
    token_hash VARCHAR(64)  NOT NULL UNIQUE,
    username   VARCHAR(64)  NOT NULL,   -- the run's user (an organization for runs its repository's webhooks started)
    run_id     BIGINT       NOT NULL,
    repository VARCHAR(200) NOT NULL,   -- owner/name of the run's CI repository
    scopes     VARCHAR(512) NOT NULL,
    created_at BIGINT       NOT NULL
);
CREATE INDEX job_tokens_run ON job_tokens(run_id);
