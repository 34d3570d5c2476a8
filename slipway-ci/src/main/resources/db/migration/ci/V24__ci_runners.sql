-- Remote runners (issue 14): registration tokens, registered runners and the leases of tasks they
-- run. See dev.slipway.ci.runner.Runners and dev.slipway.ci.runner.Leases.
INSERT INTO ci_counters(name, value) VALUES ('runner', 0);
INSERT INTO ci_counters(name, value) VALUES ('lease', 0);

CREATE TABLE ci_runner_tokens (
    token_hash  VARCHAR(64)  PRIMARY KEY,  -- hex SHA-256 of the registration token (shown once)
    scope       VARCHAR(200) NOT NULL,     -- 'site', 'org:<org>' or 'repo:<owner>/<name>'
    created_by  VARCHAR(64)  NOT NULL,
    created_at  BIGINT       NOT NULL
);

CREATE TABLE ci_runners (
    id           BIGINT       PRIMARY KEY,
    name         VARCHAR(64)  NOT NULL UNIQUE,
    labels       TEXT         NOT NULL,   -- separated by single spaces
    scope        VARCHAR(200) NOT NULL,   -- as ci_runner_tokens.scope: which runs it may take
    token_hash   VARCHAR(64)  NOT NULL,   -- hex SHA-256 of the runner's own token
    capacity     INTEGER      NOT NULL,
    host_paths   INTEGER      NOT NULL,   -- 1: on the server's machine (slipway runner --local), given the server's paths
    created_at   BIGINT       NOT NULL,
    last_contact BIGINT                   -- NULL until it first polls
);

-- A task given to a runner. A lease outlives a restart of the server: the runner goes on and the
-- run resumes with it. 'attempt' is the lease's secret attempt id: updates naming another are stale.
CREATE TABLE ci_leases (
    id          BIGINT       PRIMARY KEY,
    run_id      BIGINT       NOT NULL,
    task        VARCHAR(255) NOT NULL,
    task_attempt INTEGER     NOT NULL,   -- ci_tasks.attempt of the task it runs (its log)
    runner_id   BIGINT       NOT NULL,
    attempt     VARCHAR(64)  NOT NULL,
    state       VARCHAR(16)  NOT NULL,   -- running, done, expired (silent too long), abandoned (its run ended without it)
    log_bytes   BIGINT       NOT NULL,   -- the task's output the server has, in bytes: where the runner resumes
    exit_code   INTEGER,
    cancel      INTEGER      NOT NULL,   -- 1 once the task is to be stopped
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL    -- last word from the runner
);
CREATE INDEX ci_leases_run ON ci_leases(run_id, task);
