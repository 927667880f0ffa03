-- A year of feedback-api's roll-ups, for `make bench`'s summary row: every
-- hour of the last 365 days with feedback of each type, recommendations and
-- downloads; a unique-install sketch for each day; 200 items' daily
-- downloads. Roughly what a busy deployment accumulates in a year.
SET search_path = feedback;

INSERT INTO feedback_hourly (hour, type, count, rating_sum, rating_count)
SELECT h, t, 20 + (random() * 200)::int,
       CASE WHEN t = 'rating' THEN 80 ELSE 0 END,
       CASE WHEN t = 'rating' THEN 20 ELSE 0 END
FROM generate_series(date_trunc('hour', now()) - interval '365 days',
                     date_trunc('hour', now()) - interval '1 hour', interval '1 hour') AS h,
     unnest(ARRAY['layout_applied', 'extension_installed', 'extension_uninstalled',
                  'recommendation_shown', 'recommendation_accepted',
                  'recommendation_dismissed', 'rating', 'session_started']) AS t
ON CONFLICT (hour, type) DO UPDATE SET count = feedback_hourly.count + EXCLUDED.count;

INSERT INTO acceptance_hourly (hour, shown, accepted)
SELECT h, 100, 30
FROM generate_series(date_trunc('hour', now()) - interval '365 days',
                     date_trunc('hour', now()) - interval '1 hour', interval '1 hour') AS h
ON CONFLICT (hour) DO NOTHING;

INSERT INTO download_hours (hour, count)
SELECT h, 500
FROM generate_series(date_trunc('hour', now()) - interval '365 days',
                     date_trunc('hour', now()) - interval '1 hour', interval '1 hour') AS h
ON CONFLICT (hour) DO NOTHING;

INSERT INTO download_days (day, kind, item_id, version, count)
SELECT d::date, 'extension', 'bench.item-' || i, '1.0.0', 10 + i
FROM generate_series(current_date - 365, current_date - 1, interval '1 day') AS d,
     generate_series(1, 200) AS i
ON CONFLICT DO NOTHING;

-- Sketches of 4,096 one-byte registers, as a day of a few thousand installs
-- leaves them (the subquery refers to `d`, so each day draws its own).
INSERT INTO installs_daily (day, sketch)
SELECT d::date,
       (SELECT decode(string_agg(lpad(to_hex(1 + (random() * 3)::int), 2, '0'), ''), 'hex')
        FROM generate_series(1, 4096) WHERE d IS NOT NULL)
FROM generate_series(current_date - 365, current_date - 1, interval '1 day') AS d
ON CONFLICT (day) DO NOTHING;

-- As a year-old deployment's tables would be: vacuumed and analysed, so
-- that neither the planner's guesses nor autovacuum catching up with the
-- ingestion rows above land in the measurement.
VACUUM ANALYZE;
