-- The PostgreSQL event bus: a broker in its own schema (`bus`, role sora_bus),
-- with SQS semantics: visibility timeout, receive count, dead letters.

CREATE TABLE queues (
    name         text PRIMARY KEY,
    max_receives integer     NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE messages (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue         text        NOT NULL REFERENCES queues (name),
    body          text        NOT NULL,
    event_type    text,
    traceparent   text,
    enqueued_at   timestamptz NOT NULL DEFAULT now(),
    visible_at    timestamptz NOT NULL DEFAULT now(),
    receive_count integer     NOT NULL DEFAULT 0,
    receipt       uuid
);
CREATE INDEX messages_ready ON messages (queue, visible_at, id);

CREATE TABLE dead_letters (
    id            bigint PRIMARY KEY,
    queue         text        NOT NULL,
    body          text        NOT NULL,
    event_type    text,
    traceparent   text,
    enqueued_at   timestamptz NOT NULL,
    receive_count integer     NOT NULL,
    dead_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letters_queue ON dead_letters (queue);
