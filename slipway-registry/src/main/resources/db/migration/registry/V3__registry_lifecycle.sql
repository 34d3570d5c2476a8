-- Registry lifecycle: immutable tags and retention (dev.slipway.registry.lifecycle; docs/gc.md).
-- Rules and policies apply to every repository of an owner (repository = '') or to one repository
-- (its full name). '' rather than NULL so that the unique constraints hold on both databases.
CREATE TABLE immutable_tag_rules (
    id         VARCHAR(32)  PRIMARY KEY,
    owner      VARCHAR(64)  NOT NULL REFERENCES owners(name),
    repository VARCHAR(255) NOT NULL,
    pattern    VARCHAR(512) NOT NULL,
    created_at BIGINT       NOT NULL,
    UNIQUE (owner, repository, pattern)
);

-- One policy per owner or repository; a repository's own policy replaces its owner's.
-- NULL means "not part of this policy"; durations are milliseconds.
CREATE TABLE retention_policies (
    owner                  VARCHAR(64)  NOT NULL REFERENCES owners(name),
    repository             VARCHAR(255) NOT NULL,
    keep_last              INTEGER,
    keep_within_ms         BIGINT,
    keep_pattern           VARCHAR(512),
    remove_pattern         VARCHAR(512),
    untagged_older_than_ms BIGINT,
    updated_at             BIGINT       NOT NULL,
    PRIMARY KEY (owner, repository)
);

-- Garbage collection looks for content by digest across repositories and for rows past the grace period.
CREATE INDEX manifests_digest ON manifests(digest);
CREATE INDEX repository_blobs_created ON repository_blobs(created_at);
CREATE INDEX blobs_created ON blobs(created_at);
