-- Search moved into each replica's in-memory catalog: the full-text and
-- trigram columns go. Every change to the catalog is announced on the
-- channel `file_server_catalog` (payload `extension:<id>` or `layout:<id>`),
-- so every replica's catalog follows it; a trigger does it, so no write path
-- can forget to.

DROP INDEX extensions_search;
DROP INDEX extensions_search_text;
DROP INDEX layouts_search;
DROP INDEX layouts_search_text;
ALTER TABLE extensions DROP COLUMN search, DROP COLUMN search_text;
ALTER TABLE layouts DROP COLUMN search, DROP COLUMN search_text;
DROP FUNCTION catalog_search_vector(text, text, text, text[]);

CREATE FUNCTION announce_catalog_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed record;
BEGIN
    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
    IF TG_TABLE_NAME = 'extensions' THEN
        PERFORM pg_notify('file_server_catalog', 'extension:' || changed.id);
    ELSIF TG_TABLE_NAME = 'extension_versions' THEN
        PERFORM pg_notify('file_server_catalog', 'extension:' || changed.extension_id);
    ELSE
        PERFORM pg_notify('file_server_catalog', 'layout:' || changed.id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER extensions_announce AFTER INSERT OR UPDATE OR DELETE ON extensions
    FOR EACH ROW EXECUTE FUNCTION announce_catalog_change();
CREATE TRIGGER extension_versions_announce AFTER INSERT OR UPDATE OR DELETE ON extension_versions
    FOR EACH ROW EXECUTE FUNCTION announce_catalog_change();
CREATE TRIGGER layouts_announce AFTER INSERT OR UPDATE OR DELETE ON layouts
    FOR EACH ROW EXECUTE FUNCTION announce_catalog_change();
