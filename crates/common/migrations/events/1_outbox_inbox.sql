-- The transactional outbox and the consumer inbox, created in every service's
-- own schema (the service's search_path).

-- Events waiting to be published: written in the same transaction as the state
-- change they describe, deleted once the relay has handed them to the bus.
CREATE TABLE outbox (
    id              uuid PRIMARY KEY,
    event_type      text        NOT NULL,
    envelope        text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id);

-- Events this service has already applied: a redelivered event is skipped.
CREATE TABLE inbox (
    event_id     uuid PRIMARY KEY,
    event_type   text        NOT NULL,
    queue        text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbox_processed_at ON inbox (processed_at);
