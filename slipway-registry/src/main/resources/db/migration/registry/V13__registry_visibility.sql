-- The visibility an owner's new repositories get when their first push creates them
-- (dev.slipway.registry.metadata.Visibility). No row: private.
CREATE TABLE registry_owner_defaults (
    owner      VARCHAR(64) PRIMARY KEY REFERENCES owners(name),
    is_public  BOOLEAN     NOT NULL,
    updated_at BIGINT      NOT NULL
);
