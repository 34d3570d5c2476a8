-- Pull-through cache (dev.slipway.registry.proxy) and registry events (dev.slipway.registry.events).

-- An owner whose repositories are a cache of an upstream registry's.
CREATE TABLE registry_proxies (
    owner        VARCHAR(64)   PRIMARY KEY REFERENCES owners(name),
    upstream_url VARCHAR(1024) NOT NULL,
    username     VARCHAR(255),
    password     VARCHAR(2048),            -- sealed with data/secrets/credentials.key
    ttl_seconds  BIGINT        NOT NULL,   -- how long a cached tag is served before it is revalidated
    is_public    BOOLEAN       NOT NULL DEFAULT FALSE,
    created_at   BIGINT        NOT NULL
);

-- When a cached tag was last fetched or confirmed against the upstream.
CREATE TABLE proxy_tags (
    repository VARCHAR(255) NOT NULL,
    name       VARCHAR(128) NOT NULL,
    checked_at BIGINT       NOT NULL,
    PRIMARY KEY (repository, name)
);

-- The outbox: one row per event, written in the transaction of the change it reports.
-- Ids are time-ordered text, so ORDER BY id is commit order within one server.
CREATE TABLE registry_events (
    id         VARCHAR(40)  PRIMARY KEY,
    kind       VARCHAR(32)  NOT NULL,
    repository VARCHAR(255) NOT NULL,
    owner      VARCHAR(64)  NOT NULL,
    payload    TEXT         NOT NULL,      -- the JSON body webhooks receive
    created_at BIGINT       NOT NULL,
    fanned_out BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX registry_events_pending ON registry_events(fanned_out, id);

CREATE TABLE webhooks (
    id         VARCHAR(32)   PRIMARY KEY,
    url        VARCHAR(2048) NOT NULL,
    secret     VARCHAR(1024) NOT NULL,     -- sealed
    owner      VARCHAR(64),                -- NULL: events of every owner
    created_at BIGINT        NOT NULL
);

-- One row per event and webhook: pending until delivered, or failed after the last attempt.
CREATE TABLE webhook_deliveries (
    event_id        VARCHAR(40)  NOT NULL REFERENCES registry_events(id),
    webhook_id      VARCHAR(32)  NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    attempts        INT          NOT NULL DEFAULT 0,
    next_attempt_at BIGINT       NOT NULL,
    last_status     INT,
    last_error      VARCHAR(512),
    updated_at      BIGINT       NOT NULL,
    PRIMARY KEY (event_id, webhook_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id);
