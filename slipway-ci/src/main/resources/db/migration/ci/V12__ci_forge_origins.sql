-- Commit statuses (dev.slipway.ci.status): what webhook deliveries taught about a registration's
-- forge, for registrations whose forge, forge_url or forge_repository are not set. Kept so that a
-- run a poll or the API starts, also after a restart, knows where its statuses go.
CREATE TABLE ci_forge_origins (
    owner      VARCHAR(64)   NOT NULL,
    repo       VARCHAR(100)  NOT NULL,
    forge      VARCHAR(16)   NOT NULL,   -- gitea, forgejo or github, from the delivery's headers
    api_url    VARCHAR(1000),            -- the forge API's base URL, from the payload's repository
    repository VARCHAR(255)  NOT NULL,   -- the repository's owner/name on the forge (full_name)
    learned_at BIGINT        NOT NULL,
    PRIMARY KEY (owner, repo)
);
