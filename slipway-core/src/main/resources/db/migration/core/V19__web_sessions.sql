-- Web UI sign-in sessions (dev.slipway.core.identity.Sessions). Only the SHA-256 of the session id
-- (the cookie's value, 256 random bits) is kept, as for access tokens: a copy of the database does
-- not let anyone sign in.
CREATE TABLE web_sessions (
    id_hash      VARCHAR(64)  PRIMARY KEY,
    username     VARCHAR(64)  NOT NULL REFERENCES users(name),
    created_at   BIGINT       NOT NULL,   -- the absolute expiry counts from here
    last_seen_at BIGINT       NOT NULL    -- the idle expiry counts from here (updated at most once a minute)
);
CREATE INDEX web_sessions_user ON web_sessions(username);
CREATE INDEX web_sessions_seen ON web_sessions(last_seen_at);
