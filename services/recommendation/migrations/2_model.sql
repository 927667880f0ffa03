-- The learned model and what was served.
--
-- `changed_at` says when a row last changed (transaction time), so that
-- every replica can read only what changed since its last look.
ALTER TABLE items ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX items_changed_at ON items (changed_at);

-- Learned from feedback: how much a feature token (a topic, a schema, a
-- panel family) says for an item. The weight decays with age; `updated_at`
-- is when it was last decayed and moved.
CREATE TABLE weights (
    token      text             NOT NULL,
    kind       text             NOT NULL,
    item_id    text             NOT NULL,
    weight     double precision NOT NULL,
    updated_at timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (token, kind, item_id)
);
CREATE INDEX weights_updated_at ON weights (updated_at);

-- How far one install (by the short keyed hash feedback-api publishes) has
-- moved one item today: the bound on one client's influence.
CREATE TABLE influence (
    install text             NOT NULL,
    kind    text             NOT NULL,
    item_id text             NOT NULL,
    day     date             NOT NULL,
    used    double precision NOT NULL,
    granted double precision NOT NULL,
    PRIMARY KEY (install, kind, item_id, day)
);

-- What was served, for attribution: the feature tokens of the recording
-- and the items (`kind:id`), in order, as JSON arrays of strings (written
-- as they come, many rows per statement). Kept 90 days.
CREATE TABLE served (
    recommendation_id uuid        PRIMARY KEY,
    served_at         timestamptz NOT NULL DEFAULT now(),
    model_version     text        NOT NULL,
    tokens            jsonb       NOT NULL,
    items             jsonb       NOT NULL
);
CREATE INDEX served_served_at ON served (served_at);

-- One row: how much the model has learned.
CREATE TABLE model (
    id             boolean     PRIMARY KEY DEFAULT true CHECK (id),
    version        bigint      NOT NULL DEFAULT 0,
    events_seen    bigint      NOT NULL DEFAULT 0,
    events_learned bigint      NOT NULL DEFAULT 0,
    last_update    timestamptz
);
INSERT INTO model DEFAULT VALUES;
