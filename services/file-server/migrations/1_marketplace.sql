-- The marketplace: extensions with their versions, layouts, and download
-- counts per day. Files live in object storage under content-addressed keys;
-- these tables hold their metadata.

CREATE FUNCTION catalog_search_vector(name text, display_name text, description text, words text[])
RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(display_name, '')), 'A')
        || setweight(to_tsvector('simple', array_to_string(coalesce(words, '{}'), ' ')), 'A')
        || setweight(to_tsvector('english', coalesce(description, '')), 'B')
$$;

CREATE TABLE extensions (
    id text PRIMARY KEY,
    publisher text NOT NULL,
    name text NOT NULL,
    -- The user who published the first version; only they (or an admin) publish more.
    owner text NOT NULL,
    -- Metadata of the latest non-yanked version; NULL version when all are yanked.
    latest_version text,
    display_name text,
    description text,
    keywords text[] NOT NULL DEFAULT '{}',
    license text,
    homepage text,
    sha256 text,
    size bigint,
    downloads bigint NOT NULL DEFAULT 0,
    featured boolean NOT NULL DEFAULT false,
    hidden boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search tsvector NOT NULL,
    -- Lower-case words for trigram (typo-tolerant) matching.
    search_text text NOT NULL
);

CREATE INDEX extensions_search ON extensions USING gin (search);
CREATE INDEX extensions_search_text ON extensions USING gin (search_text gin_trgm_ops);
CREATE INDEX extensions_keywords ON extensions USING gin (keywords);
CREATE INDEX extensions_publisher ON extensions (publisher);
CREATE INDEX extensions_downloads ON extensions (downloads DESC, id);
CREATE INDEX extensions_updated ON extensions (updated_at DESC, id);

CREATE TABLE extension_versions (
    extension_id text NOT NULL REFERENCES extensions (id) ON DELETE CASCADE,
    version text NOT NULL,
    display_name text,
    description text,
    keywords text[] NOT NULL DEFAULT '{}',
    license text,
    homepage text,
    sha256 text NOT NULL,
    size bigint NOT NULL,
    storage_key text NOT NULL,
    readme text,
    changelog text,
    published_by text NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    yanked boolean NOT NULL DEFAULT false,
    downloads bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (extension_id, version)
);

CREATE TABLE layouts (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    tags text[] NOT NULL DEFAULT '{}',
    panels text[] NOT NULL DEFAULT '{}',
    topics text[] NOT NULL DEFAULT '{}',
    owner text NOT NULL,
    sha256 text NOT NULL,
    size bigint NOT NULL,
    storage_key text NOT NULL,
    downloads bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search tsvector NOT NULL,
    search_text text NOT NULL
);

CREATE INDEX layouts_search ON layouts USING gin (search);
CREATE INDEX layouts_search_text ON layouts USING gin (search_text gin_trgm_ops);
CREATE INDEX layouts_tags ON layouts USING gin (tags);
CREATE INDEX layouts_panels ON layouts USING gin (panels);
CREATE INDEX layouts_downloads ON layouts (downloads DESC, id);

-- Downloads per item, version ('' for layouts) and UTC day.
CREATE TABLE downloads_daily (
    kind text NOT NULL CHECK (kind IN ('extension', 'layout')),
    item_id text NOT NULL,
    version text NOT NULL,
    day date NOT NULL,
    count bigint NOT NULL,
    PRIMARY KEY (kind, item_id, version, day)
);
