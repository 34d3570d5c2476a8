-- The outbox (dev.slipway.core.outbox.Outbox): messages to other systems (commit statuses to forges,
-- notifications), written in the transaction of the change that causes them and sent afterwards by a
-- dispatcher with retries, so a change and its messages commit together and a slow or failing
-- receiver never holds the change up.
CREATE TABLE outbox (
    id              BIGINT        PRIMARY KEY,  -- from outbox_sequence, taken in the enqueuing transaction: the order of enqueueing
    kind            VARCHAR(64)   NOT NULL,     -- which handler sends it (commit-status, ...)
    subject         VARCHAR(255),               -- what it is about (run:42), to list a run's deliveries
    ordering_key    VARCHAR(600),               -- messages with one key are sent one at a time, in id order
    payload         TEXT          NOT NULL,     -- the handler's input
    state           VARCHAR(16)   NOT NULL,     -- pending, delivered, failed
    attempts        INTEGER       NOT NULL,
    next_attempt_at BIGINT        NOT NULL,     -- when it is due; moved forward by a lease while it is being sent
    created_at      BIGINT        NOT NULL,
    updated_at      BIGINT        NOT NULL,
    last_status     INTEGER,                    -- the receiver's last answer (an HTTP status), if it answered
    last_answer     VARCHAR(1000)               -- what it said, or why the last attempt failed
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_key ON outbox(ordering_key, state, id);
CREATE INDEX outbox_subject ON outbox(subject, id);

CREATE TABLE outbox_sequence (
    value BIGINT NOT NULL
);
INSERT INTO outbox_sequence(value) VALUES (0);
