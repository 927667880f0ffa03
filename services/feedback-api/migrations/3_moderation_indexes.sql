-- Moderation lists events newest first, at any size: a key every partition
-- carries (occurred_at, event_id) read in order and continued from the
-- last one seen (keyset pagination), and the same order per type and per
-- item so that the filters read only what they keep.
CREATE INDEX events_newest ON events (occurred_at DESC, event_id DESC);
CREATE INDEX events_type_newest ON events (type, occurred_at DESC, event_id DESC);
CREATE INDEX events_item_newest ON events (item_id, occurred_at DESC, event_id DESC)
    WHERE item_id IS NOT NULL;
