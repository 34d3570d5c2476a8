-- Events to runs (dev.slipway.ci.trigger): what started each run, webhooks, polling, cron.

-- A run's event besides its ref and commit (trigger_kind holds the event's kind). dedupe_key makes
-- one event one run per pipeline, whichever source (webhook, poll) reported it first.
ALTER TABLE ci_runs ADD COLUMN before_sha VARCHAR(64);
ALTER TABLE ci_runs ADD COLUMN commit_message TEXT;
ALTER TABLE ci_runs ADD COLUMN commit_author VARCHAR(255);
ALTER TABLE ci_runs ADD COLUMN pr_number INTEGER;
ALTER TABLE ci_runs ADD COLUMN pr_head_ref VARCHAR(255);
ALTER TABLE ci_runs ADD COLUMN pr_base_ref VARCHAR(255);
ALTER TABLE ci_runs ADD COLUMN pr_fork BOOLEAN;
ALTER TABLE ci_runs ADD COLUMN event_payload TEXT;
ALTER TABLE ci_runs ADD COLUMN dedupe_key VARCHAR(600);
CREATE UNIQUE INDEX ci_runs_dedupe ON ci_runs(owner, repo, pipeline, dedupe_key);

-- Registrations: the webhook secret (sealed with data/secrets/credentials.key), the poll interval in
-- seconds (NULL: ci.poll-interval; 0: never), and where commit statuses go.
ALTER TABLE ci_repositories ADD COLUMN webhook_secret VARCHAR(1024);
ALTER TABLE ci_repositories ADD COLUMN poll_interval INTEGER;
ALTER TABLE ci_repositories ADD COLUMN forge VARCHAR(16);
ALTER TABLE ci_repositories ADD COLUMN forge_url VARCHAR(1000);
ALTER TABLE ci_repositories ADD COLUMN forge_repository VARCHAR(255);
ALTER TABLE ci_repositories ADD COLUMN status_token VARCHAR(128);

-- What the trigger sources last saw of a registration's remote: the heads polling compares with.
CREATE TABLE ci_known_heads (
    owner      VARCHAR(64)  NOT NULL,
    repo       VARCHAR(100) NOT NULL,
    ref        VARCHAR(500) NOT NULL,
    commit_sha VARCHAR(64)  NOT NULL,
    updated_at BIGINT       NOT NULL,
    PRIMARY KEY (owner, repo, ref)
);

-- Polling state per registration. next_poll_at doubles as a lease: a server takes a due poll by
-- moving it forward with a compare-and-set, so two servers on one database never poll twice.
CREATE TABLE ci_poll_state (
    owner           VARCHAR(64)  NOT NULL,
    repo            VARCHAR(100) NOT NULL,
    next_poll_at    BIGINT       NOT NULL,
    last_poll_at    BIGINT,
    last_poll_error TEXT,
    failures        INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (owner, repo)
);

-- Webhook deliveries: what each forge sent and what Slipway answered. A redelivery (same forge and
-- delivery id) gets the stored answer and creates nothing.
CREATE TABLE ci_hook_deliveries (
    forge       VARCHAR(16)  NOT NULL,
    delivery_id VARCHAR(128) NOT NULL,
    event       VARCHAR(64)  NOT NULL,
    owner       VARCHAR(64),
    repo        VARCHAR(100),
    received_at BIGINT       NOT NULL,
    status      INTEGER      NOT NULL,
    response    TEXT         NOT NULL,
    summary     TEXT,
    PRIMARY KEY (forge, delivery_id)
);
CREATE INDEX ci_hook_deliveries_repo ON ci_hook_deliveries(owner, repo, received_at);

-- Cron schedules of the pipelines on each registration's branches, and when each last fired.
-- branch '' is the default branch. last_fire is the slot (epoch millis) last fired; a server
-- fires a slot by moving last_fire forward with a compare-and-set (one fire across servers).
CREATE TABLE ci_schedules (
    owner     VARCHAR(64)  NOT NULL,
    repo      VARCHAR(100) NOT NULL,
    pipeline  VARCHAR(255) NOT NULL,
    cron      VARCHAR(100) NOT NULL,
    branch    VARCHAR(255) NOT NULL,
    timezone  VARCHAR(64)  NOT NULL,
    last_fire BIGINT       NOT NULL,
    PRIMARY KEY (owner, repo, pipeline, cron, branch, timezone)
);
