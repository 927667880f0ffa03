-- The catalog as the recommender sees it, kept from file-server's events:
-- what each layout displays (its panel types and the topics its panels
-- name) and what each extension is about (its keywords and the terms of its
-- name and description). An item removed from the catalog stays, marked, so
-- that what was learned about it is not lost if it comes back.
CREATE TABLE items (
    kind       text        NOT NULL,
    item_id    text        NOT NULL,
    version    text,
    name       text        NOT NULL,
    panels     text[]      NOT NULL DEFAULT '{}',
    topics     text[]      NOT NULL DEFAULT '{}',
    keywords   text[]      NOT NULL DEFAULT '{}',
    terms      text[]      NOT NULL DEFAULT '{}',
    removed    boolean     NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, item_id)
);
