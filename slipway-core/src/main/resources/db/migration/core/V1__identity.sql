-- Owners are the first component of every registry name: users and organizations share one namespace.
CREATE TABLE owners (
    name        VARCHAR(64)  PRIMARY KEY,
    kind        VARCHAR(8)   NOT NULL,          -- 'user' or 'org'
    quota_bytes BIGINT,                         -- registry storage quota; NULL = the configured default
    created_at  BIGINT       NOT NULL
);

CREATE TABLE users (
    name          VARCHAR(64)  PRIMARY KEY REFERENCES owners(name),
    password_hash VARCHAR(255) NOT NULL,
    email         VARCHAR(255),
    is_admin      BOOLEAN      NOT NULL DEFAULT FALSE
);

CREATE TABLE org_members (
    org      VARCHAR(64) NOT NULL REFERENCES owners(name),
    username VARCHAR(64) NOT NULL REFERENCES users(name),
    PRIMARY KEY (org, username)
);
CREATE INDEX org_members_user ON org_members(username);

-- Personal access tokens: only the SHA-256 of the secret is kept.
CREATE TABLE access_tokens (
    id           VARCHAR(32)  PRIMARY KEY,
    username     VARCHAR(64)  NOT NULL REFERENCES users(name),
    name         VARCHAR(128) NOT NULL,
    token_hash   VARCHAR(64)  NOT NULL UNIQUE,
    last_eight   VARCHAR(8)   NOT NULL,
    scopes       VARCHAR(512) NOT NULL,
    created_at   BIGINT       NOT NULL,
    last_used_at BIGINT,
    UNIQUE (username, name)
);
