-- Every admin and publishing action, built from the services' events.
CREATE TABLE audit_log (
    id           uuid PRIMARY KEY,          -- the event's id
    occurred_at  timestamptz NOT NULL,      -- when the producer says it happened
    source       text        NOT NULL,      -- /sora/<service>
    event_type   text        NOT NULL,
    actor        text        NOT NULL,
    action       text        NOT NULL,      -- e.g. extension.published, user.created
    subject_type text        NOT NULL,
    subject_id   text        NOT NULL,
    details      jsonb       NOT NULL DEFAULT '{}',
    trace_id     text,                      -- links the entry to its trace
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_occurred_at ON audit_log (occurred_at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor, occurred_at DESC);
CREATE INDEX audit_log_action ON audit_log (action, occurred_at DESC);
