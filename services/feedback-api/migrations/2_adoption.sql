-- Extension installs and uninstalls per UTC day and extension, written in
-- the transaction that stores the events (and taken off when moderation
-- deletes one), kept after the events are dropped: adoption over time and
-- each extension's net installs outlive the 90 days of raw events.
CREATE TABLE extension_installs_daily (
    day        date   NOT NULL,
    item_id    text   NOT NULL,
    installs   bigint NOT NULL DEFAULT 0,
    uninstalls bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, item_id)
);
CREATE INDEX extension_installs_daily_item ON extension_installs_daily (item_id);

-- The events already kept count from the start.
INSERT INTO extension_installs_daily (day, item_id, installs, uninstalls)
SELECT day, item_id,
       count(*) FILTER (WHERE type = 'extension_installed'),
       count(*) FILTER (WHERE type = 'extension_uninstalled')
FROM events
WHERE type IN ('extension_installed', 'extension_uninstalled')
  AND item_kind = 'extension' AND item_id IS NOT NULL
GROUP BY day, item_id;
