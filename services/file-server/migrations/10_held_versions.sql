-- A version held for review: published while the pre-publish scan found
-- something `high` under `marketplace.scan_policy = hold`. It is not listed,
-- downloaded or announced until an admin releases it (with a reason); its
-- publisher may appeal meanwhile. Both are audited.
ALTER TABLE extension_versions
    ADD COLUMN held boolean NOT NULL DEFAULT false,
    ADD COLUMN appeal text,
    ADD COLUMN appealed_at timestamptz,
    ADD COLUMN released_by text,
    ADD COLUMN released_at timestamptz,
    ADD COLUMN release_reason text;
CREATE INDEX extension_versions_held ON extension_versions (extension_id) WHERE held;
