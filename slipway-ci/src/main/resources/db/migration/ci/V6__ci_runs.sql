-- CI: registered repositories, the persistent run queue, tasks, deploy targets and caches.
-- See dev.slipway.ci.scheduler.CiStore.
CREATE TABLE ci_repositories (
    owner          VARCHAR(64)   NOT NULL REFERENCES owners(name),
    name           VARCHAR(100)  NOT NULL,
    clone_url      VARCHAR(1000) NOT NULL,
    default_branch VARCHAR(255)  NOT NULL,
    key_name       VARCHAR(128),
    created_at     BIGINT        NOT NULL,
    PRIMARY KEY (owner, name)
);

-- Run ids come from this counter, updated in the run's own transaction (portable, no sequences).
CREATE TABLE ci_counters (
    name  VARCHAR(32) PRIMARY KEY,
    value BIGINT      NOT NULL
);
INSERT INTO ci_counters(name, value) VALUES ('run', 0);

CREATE TABLE ci_runs (
    id          BIGINT        PRIMARY KEY,
    owner       VARCHAR(64)   NOT NULL,
    repo        VARCHAR(100)  NOT NULL,
    pipeline    VARCHAR(255)  NOT NULL,
    ref         VARCHAR(255)  NOT NULL,
    commit_sha  VARCHAR(64),
    status      VARCHAR(16)   NOT NULL,   -- queued, running, success, failure, cancelled, error
    trigger_kind VARCHAR(16)  NOT NULL,   -- api, push, cron, manual
    variables   TEXT          NOT NULL,   -- JSON object
    definition  TEXT          NOT NULL,   -- the pipeline file as it was when the run was created
    message     TEXT,
    created_by  VARCHAR(64),
    created_at  BIGINT        NOT NULL,
    started_at  BIGINT,
    finished_at BIGINT
);
CREATE INDEX ci_runs_repo ON ci_runs(owner, repo, id);
CREATE INDEX ci_runs_status ON ci_runs(status);

CREATE TABLE ci_tasks (
    run_id      BIGINT      NOT NULL REFERENCES ci_runs(id),
    name        VARCHAR(64) NOT NULL,
    position    INTEGER     NOT NULL,
    status      VARCHAR(16) NOT NULL,     -- pending, running, success, failure, skipped, cancelled, error
    exit_code   INTEGER,
    attempt     INTEGER     NOT NULL,
    started_at  BIGINT,
    finished_at BIGINT,
    PRIMARY KEY (run_id, name)
);

-- The base worktrees a run used, so a retry reuses exactly them.
CREATE TABLE ci_run_worktrees (
    run_id     BIGINT        NOT NULL REFERENCES ci_runs(id),
    mount      VARCHAR(255)  NOT NULL,
    path       VARCHAR(1000) NOT NULL,
    commit_sha VARCHAR(64),
    PRIMARY KEY (run_id, mount)
);

CREATE TABLE ci_deploy_targets (
    name       VARCHAR(64)   PRIMARY KEY,
    path       VARCHAR(1000) NOT NULL,
    created_at BIGINT        NOT NULL
);
-- branch '' means any branch.
CREATE TABLE ci_deploy_target_allows (
    target     VARCHAR(64)  NOT NULL REFERENCES ci_deploy_targets(name),
    repository VARCHAR(200) NOT NULL,
    branch     VARCHAR(255) NOT NULL,
    PRIMARY KEY (target, repository, branch)
);

-- Caches: id is 'repo:<owner>/<repo>:<name>' (private) or 'shared:<name>'.
CREATE TABLE ci_caches (
    id          VARCHAR(400) PRIMARY KEY,
    name        VARCHAR(100) NOT NULL,
    shared      BOOLEAN      NOT NULL,
    quota_bytes BIGINT,
    size_bytes  BIGINT       NOT NULL,
    created_at  BIGINT       NOT NULL,
    measured_at BIGINT
);
CREATE TABLE ci_cache_owners (
    cache_id   VARCHAR(400) NOT NULL REFERENCES ci_caches(id),
    repository VARCHAR(200) NOT NULL,
    PRIMARY KEY (cache_id, repository)
);
