-- Envelopes are short-lived here (deleted once relayed): keep large ones out
-- of line without compressing them, which cost more CPU than the rows save.
ALTER TABLE outbox ALTER COLUMN envelope SET STORAGE EXTERNAL;
