-- Configuration variables (GitHub's and Gitea's `vars`) and deployment environments.
-- See dev.slipway.ci.secret.Variables and dev.slipway.ci.secret.Environments.
CREATE TABLE ci_variables (
    scope       VARCHAR(200) NOT NULL,   -- as ci_secrets.scope, or 'env:<owner>/<name>/<environment>'
    name        VARCHAR(128) NOT NULL,   -- upper case, [A-Z_][A-Z0-9_]*
    data        TEXT         NOT NULL,   -- the value, in plain text (variables are not secret)
    description TEXT         NOT NULL,   -- '' when none
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL,
    PRIMARY KEY (scope, name)
);

CREATE TABLE ci_environments (
    owner        VARCHAR(64)  NOT NULL,
    repository   VARCHAR(100) NOT NULL,
    name         VARCHAR(50)  NOT NULL,  -- lower case: names are case-insensitive
    display_name VARCHAR(50)  NOT NULL,  -- as last set
    url          TEXT,                   -- where the environment is deployed, or NULL
    reviewers    TEXT         NOT NULL,  -- user names separated by single spaces; '' when no approval is needed
    created_at   BIGINT       NOT NULL,
    updated_at   BIGINT       NOT NULL,
    PRIMARY KEY (owner, repository, name)
);

-- Approvals of jobs that use an environment with reviewers (GitHub's pending deployments).
-- See dev.slipway.ci.secret.EnvironmentApprovals.
CREATE TABLE ci_environment_approvals (
    run_id      BIGINT       NOT NULL,
    attempt     INTEGER      NOT NULL,  -- a retry of the run needs approval again
    environment VARCHAR(50)  NOT NULL,  -- lower case, as ci_environments.name
    owner       VARCHAR(64)  NOT NULL,
    repository  VARCHAR(100) NOT NULL,
    reviewers   TEXT         NOT NULL,  -- user names separated by single spaces, when the wait began
    state       VARCHAR(16)  NOT NULL,  -- waiting, approved, rejected
    decided_by  VARCHAR(64),
    comment     TEXT,
    created_at  BIGINT       NOT NULL,
    decided_at  BIGINT,
    PRIMARY KEY (run_id, attempt, environment)
);
