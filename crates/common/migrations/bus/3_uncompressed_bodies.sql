-- Message bodies are short-lived (deleted once consumed): keep large ones out
-- of line without compressing them, which cost more CPU than the rows save.
ALTER TABLE messages ALTER COLUMN body SET STORAGE EXTERNAL;
