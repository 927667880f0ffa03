-- Publisher namespaces: the part of an extension id before the name belongs
-- to its members. Owners manage the members; owners and contributors
-- publish, yank and hide under it; an administrator may mark it verified.
CREATE TABLE publishers (
    id text PRIMARY KEY,
    verified boolean NOT NULL DEFAULT false,
    -- Who verified it (an admin's user id) and when; NULL when not verified.
    verified_by text,
    verified_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE publisher_members (
    publisher text NOT NULL REFERENCES publishers ON DELETE CASCADE,
    user_id text NOT NULL,
    role text NOT NULL CHECK (role IN ('owner', 'contributor')),
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (publisher, user_id)
);
CREATE INDEX publisher_members_user ON publisher_members (user_id);

-- Existing extensions keep their publishers. Whoever published the first
-- version of a publisher's first extension owns the namespace; whoever
-- published the first version of another of its extensions (an admin
-- publishing for someone, before namespaces) contributes to it.
INSERT INTO publishers (id, created_at)
SELECT publisher, min(created_at) FROM extensions GROUP BY publisher;

WITH firsts AS (
    SELECT DISTINCT ON (e.id) e.publisher, v.published_by, v.published_at
    FROM extensions e JOIN extension_versions v ON v.extension_id = e.id
    ORDER BY e.id, v.published_at, v.version
), ranked AS (
    SELECT publisher, published_by, min(published_at) AS first_at,
           rank() OVER (PARTITION BY publisher ORDER BY min(published_at)) AS n
    FROM firsts GROUP BY publisher, published_by
)
INSERT INTO publisher_members (publisher, user_id, role, added_at)
SELECT publisher, published_by, CASE WHEN n = 1 THEN 'owner' ELSE 'contributor' END, first_at
FROM ranked;

-- An extension whose versions were all deleted still names its creator.
INSERT INTO publisher_members (publisher, user_id, role, added_at)
SELECT DISTINCT ON (publisher) publisher, owner, 'owner', created_at
FROM extensions e
WHERE NOT EXISTS (SELECT 1 FROM publisher_members m WHERE m.publisher = e.publisher)
ORDER BY publisher, created_at;


-- A namespace's verified mark shows on each of its extensions: a change to
-- it announces them on `file_server_catalog`, as a change to an extension
-- does (so every replica's catalog follows).
CREATE FUNCTION announce_publisher_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('file_server_catalog', 'extension:' || e.id)
    FROM extensions e WHERE e.publisher = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER publishers_announce AFTER UPDATE OF verified ON publishers
    FOR EACH ROW EXECUTE FUNCTION announce_publisher_change();
