-- Generated feedback events for sizing runs (the restore drill's
-- SORA_DRILL_EVENTS): :events events spread over the 90 days of retention
-- that end yesterday, in feedback-api's day partitions (made here, owned by
-- feedback-api's role as the service's own would be). Mostly layouts applied
-- and extensions installed, some ratings and recommendations; none with a
-- comment. Deterministic apart from the event ids. Type and item follow
-- n / 90, the day n % 90: every day has every type and item (with both
-- from n, a day held one type and a tenth of the items).
--   psql -v events=1000000 -f scripts/bench/feedback_events.sql
SET search_path = feedback;
SET client_min_messages = warning;
SELECT tableowner AS owner FROM pg_tables
WHERE schemaname = 'feedback' AND tablename = 'events' \gset
SET ROLE :"owner";

DO $$
DECLARE d date;
BEGIN
  FOR d IN SELECT generate_series(current_date - 90, current_date - 1, interval '1 day')::date LOOP
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                   'events_' || to_char(d, 'YYYYMMDD'), d, d + 1);
  END LOOP;
END $$;

INSERT INTO events (event_id, day, occurred_at, received_at, type, install_hash, client_hash,
                    app_version, os, locale, item_kind, item_id, item_version,
                    recommendation_id, rating)
SELECT gen_random_uuid(), e.day, e.at, e.at + interval '2 seconds', e.type,
       decode(md5('install' || (n % 20000)), 'hex'), decode(md5('client' || (n % 15000)), 'hex'),
       '1.' || (n % 12), (ARRAY['linux', 'macos', 'windows'])[1 + n % 3], 'en-US',
       CASE WHEN e.type IN ('layout_applied', 'extension_installed', 'extension_uninstalled')
            THEN CASE WHEN e.type = 'layout_applied' THEN 'layout' ELSE 'extension' END END,
       CASE WHEN e.type IN ('layout_applied', 'extension_installed', 'extension_uninstalled')
            THEN 'bench-item-' || (n / 90 % 400) END,
       CASE WHEN e.type LIKE 'extension_%' THEN '1.' || (n % 5) || '.0' END,
       CASE WHEN e.type LIKE 'recommendation_%' THEN 'bench-rec-' || (n / 3) END,
       CASE WHEN e.type = 'rating' THEN (1 + n % 5)::smallint END
FROM generate_series(1::bigint, :events) AS n,
     LATERAL (SELECT current_date - 1 - (n % 90)::int AS day) AS d,
     LATERAL (SELECT d.day, d.day + make_interval(secs => (n * 7919) % 86400) AS at,
                     (ARRAY['layout_applied', 'layout_applied', 'extension_installed',
                            'session_started', 'session_started', 'recommendation_shown',
                            'recommendation_accepted', 'extension_uninstalled', 'rating',
                            'recommendation_dismissed'])[1 + n / 90 % 10] AS type) AS e;
RESET ROLE;
ANALYZE events;
