-- What was served, partitioned by the UTC day of its id (a UUIDv7 carries
-- the millisecond it was made), so that retention drops whole days (as
-- feedback events are) instead of deleting billions of rows one by one,
-- and a lookup by id reads one day's partition. The partitions are made
-- ahead and dropped behind by the sweep job.
ALTER TABLE served RENAME TO served_unpartitioned;
ALTER INDEX served_served_at RENAME TO served_unpartitioned_served_at;
ALTER TABLE served_unpartitioned RENAME CONSTRAINT served_pkey TO served_unpartitioned_pkey;

CREATE TABLE served (
    recommendation_id uuid        NOT NULL,
    day               date        NOT NULL,
    served_at         timestamptz NOT NULL DEFAULT now(),
    model_version     text        NOT NULL,
    tokens            jsonb       NOT NULL,
    items             jsonb       NOT NULL,
    best_rank         smallint,
    PRIMARY KEY (recommendation_id, day)
) PARTITION BY RANGE (day);

-- The day of each id kept: a UUIDv7's first 48 bits are Unix milliseconds.
DO $$
DECLARE
    d date;
BEGIN
    FOR d IN SELECT DISTINCT (to_timestamp(('x' || lpad(substr(replace(recommendation_id::text, '-', ''), 1, 12), 16, '0'))::bit(64)::bigint / 1000.0) AT TIME ZONE 'UTC')::date FROM served_unpartitioned LOOP
        EXECUTE format('CREATE TABLE served_%s PARTITION OF served FOR VALUES FROM (%L) TO (%L)',
                       to_char(d, 'YYYYMMDD'), d, d + 1);
    END LOOP;
END
$$;

INSERT INTO served (recommendation_id, day, served_at, model_version, tokens, items, best_rank)
SELECT recommendation_id, (to_timestamp(('x' || lpad(substr(replace(recommendation_id::text, '-', ''), 1, 12), 16, '0'))::bit(64)::bigint / 1000.0) AT TIME ZONE 'UTC')::date, served_at, model_version, tokens, items, best_rank
FROM served_unpartitioned;

DROP TABLE served_unpartitioned;
