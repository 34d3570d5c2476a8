-- Registry metadata. Blob and manifest bytes live in the BlobStore, addressed by digest; these
-- tables say which repository may see which content. See dev.slipway.registry.metadata.
CREATE TABLE repositories (
    name       VARCHAR(255) PRIMARY KEY,
    owner      VARCHAR(64)  NOT NULL REFERENCES owners(name),
    is_public  BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at BIGINT       NOT NULL
);
CREATE INDEX repositories_owner ON repositories(owner);

-- Every blob committed to the store, once, whoever pushed it.
CREATE TABLE blobs (
    digest     VARCHAR(160) PRIMARY KEY,
    size       BIGINT       NOT NULL,
    created_at BIGINT       NOT NULL
);

-- A blob is visible in a repository only through a link (pushed or mounted there).
CREATE TABLE repository_blobs (
    repository VARCHAR(255) NOT NULL REFERENCES repositories(name),
    digest     VARCHAR(160) NOT NULL REFERENCES blobs(digest),
    created_at BIGINT       NOT NULL,
    PRIMARY KEY (repository, digest)
);
CREATE INDEX repository_blobs_digest ON repository_blobs(digest);

CREATE TABLE manifests (
    repository    VARCHAR(255) NOT NULL REFERENCES repositories(name),
    digest        VARCHAR(160) NOT NULL,
    media_type    VARCHAR(255) NOT NULL,
    size          BIGINT       NOT NULL,
    artifact_type VARCHAR(255),
    subject       VARCHAR(160),
    created_at    BIGINT       NOT NULL,
    PRIMARY KEY (repository, digest)
);
CREATE INDEX manifests_subject ON manifests(repository, subject);

-- What a manifest points at: 'blob' (config, layers) or 'manifest' (index children).
CREATE TABLE manifest_references (
    repository      VARCHAR(255) NOT NULL,
    manifest_digest VARCHAR(160) NOT NULL,
    child_digest    VARCHAR(160) NOT NULL,
    kind            VARCHAR(8)   NOT NULL,
    PRIMARY KEY (repository, manifest_digest, child_digest)
);
CREATE INDEX manifest_references_child ON manifest_references(repository, child_digest);

CREATE TABLE tags (
    repository VARCHAR(255) NOT NULL REFERENCES repositories(name),
    name       VARCHAR(128) NOT NULL,
    digest     VARCHAR(160) NOT NULL,
    updated_at BIGINT       NOT NULL,
    PRIMARY KEY (repository, name)
);
CREATE INDEX tags_digest ON tags(repository, digest);

CREATE TABLE upload_sessions (
    id         VARCHAR(64)  PRIMARY KEY,
    repository VARCHAR(255) NOT NULL,
    created_at BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL
);
