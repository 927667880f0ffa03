-- Personal access tokens: what a user hands a script or the `sora` command
-- line instead of their password. Shown once; only their SHA-256 digest is
-- kept. A token is exchanged at POST /api/admin/auth/token for a 15-minute
-- access token of its own audience, carrying its scopes and its id; revoking
-- it records its id in `revocations` (with a version no token reaches), so
-- every service refuses what was exchanged for it within seconds, as for any
-- ended session.
CREATE TABLE personal_tokens (
    id           uuid PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    token_hash   bytea       NOT NULL UNIQUE,
    -- The first characters of the token, to recognise it in a list.
    prefix       text        NOT NULL,
    scopes       text[]      NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX personal_tokens_user ON personal_tokens (user_id, created_at);
