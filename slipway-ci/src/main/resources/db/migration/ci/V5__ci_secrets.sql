-- Secrets for CI runs, sealed with AES-256-GCM under <data>/secrets/secrets.key.
-- See dev.slipway.ci.secret.Secrets for the format of each column.
CREATE TABLE ci_secrets (
    scope      VARCHAR(200) NOT NULL,   -- 'global', 'owner:<owner>' or 'repo:<owner>/<name>'
    name       VARCHAR(128) NOT NULL,   -- upper case, [A-Z_][A-Z0-9_]*
    key_id     VARCHAR(16)  NOT NULL,   -- which secrets.key sealed the value
    sealed     TEXT         NOT NULL,   -- base64(nonce || ciphertext || tag)
    created_at BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL,
    PRIMARY KEY (scope, name)
);
