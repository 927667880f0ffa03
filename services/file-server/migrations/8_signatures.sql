-- Signed packages: a namespace's Ed25519 public keys (rotated by adding a
-- new one and revoking the old), the signature each version was published
-- with, and whether a namespace takes signed packages only.
CREATE TABLE publisher_keys (
    -- The first 16 hex digits of the SHA-256 of the raw public key.
    id text PRIMARY KEY,
    publisher text NOT NULL REFERENCES publishers ON DELETE CASCADE,
    -- The raw 32-byte Ed25519 public key, base64.
    public_key text NOT NULL UNIQUE,
    added_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX publisher_keys_publisher ON publisher_keys (publisher);

ALTER TABLE publishers ADD COLUMN require_signatures boolean NOT NULL DEFAULT false;

-- The Ed25519 signature (base64) of the package's SHA-256 digest, and the
-- key that made it; NULL for an unsigned version.
ALTER TABLE extension_versions ADD COLUMN signature text, ADD COLUMN signed_by text;
