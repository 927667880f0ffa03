-- Feedback events as kept: nothing raw (hashes in place of addresses and
-- install ids, comments redacted and sealed), partitioned by the UTC day
-- they occurred so that retention drops whole days. The partitions are made
-- ahead and dropped behind by the retention job.
CREATE TABLE events (
    event_id          uuid        NOT NULL,
    day               date        NOT NULL,
    occurred_at       timestamptz NOT NULL,
    received_at       timestamptz NOT NULL,
    type              text        NOT NULL,
    install_hash      bytea       NOT NULL,
    client_hash       bytea       NOT NULL,
    app_version       text,
    os                text,
    locale            text,
    item_kind         text,
    item_id           text,
    item_version      text,
    recommendation_id text,
    rating            smallint,
    comment_key       text,
    comment           bytea,
    mcap_features     json,
    -- A client's retry carries the same event_id (and day): stored once.
    PRIMARY KEY (event_id, day)
) PARTITION BY RANGE (day);

-- Moderation lists the events with a comment, newest first.
CREATE INDEX events_with_comment ON events (occurred_at) WHERE comment IS NOT NULL;

-- One random secret per UTC day, from which (with SORA_IP_SALT) that day's
-- key for client addresses is derived; deleted after the next day.
CREATE TABLE daily_secrets (
    day    date  PRIMARY KEY,
    secret bytea NOT NULL
);

-- Roll-ups, written in the transaction that stores the events they count,
-- kept after the events are dropped (they hold no one's data).
CREATE TABLE feedback_hourly (
    hour         timestamptz NOT NULL,
    type         text        NOT NULL,
    count        bigint      NOT NULL,
    rating_sum   bigint      NOT NULL DEFAULT 0,
    rating_count bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, type)
);

-- Unique installs per day, as a HyperLogLog sketch of the install hashes.
CREATE TABLE installs_daily (
    day    date  PRIMARY KEY,
    sketch bytea NOT NULL
);

-- Each recommendation once: when it was first shown, and whether accepted.
-- Acceptance is counted in the hour it was shown.
CREATE TABLE recommendations (
    recommendation_id text        PRIMARY KEY,
    shown_at          timestamptz,
    accepted          boolean     NOT NULL DEFAULT false,
    seen_on           date        NOT NULL
);
CREATE INDEX recommendations_seen_on ON recommendations (seen_on);

CREATE TABLE acceptance_hourly (
    hour     timestamptz PRIMARY KEY,
    shown    bigint      NOT NULL DEFAULT 0,
    accepted bigint      NOT NULL DEFAULT 0
);

-- Downloads, from file-server's events.
CREATE TABLE download_days (
    day     date   NOT NULL,
    kind    text   NOT NULL,
    item_id text   NOT NULL,
    version text   NOT NULL DEFAULT '',
    count   bigint NOT NULL,
    PRIMARY KEY (day, kind, item_id, version)
);

CREATE TABLE download_hours (
    hour  timestamptz PRIMARY KEY,
    count bigint      NOT NULL
);

CREATE TABLE download_totals (
    kind    text   NOT NULL,
    item_id text   NOT NULL,
    count   bigint NOT NULL,
    PRIMARY KEY (kind, item_id)
);

-- Names of the catalog's items, from file-server's events, for reports.
CREATE TABLE item_names (
    kind    text    NOT NULL,
    item_id text    NOT NULL,
    name    text    NOT NULL,
    removed boolean NOT NULL DEFAULT false,
    PRIMARY KEY (kind, item_id)
);
