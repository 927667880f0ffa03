-- Ending a user's sessions. Every access token carries its user's session
-- version (`ver`); ending the sessions raises the version and records the
-- lowest one still valid, which every service fetches (GET
-- /internal/revocations) and checks each token against. A deleted user's
-- row stays here with the highest version, so none of their tokens passes.
ALTER TABLE users ADD COLUMN token_version bigint NOT NULL DEFAULT 0;

CREATE TABLE revocations (
    user_id     uuid PRIMARY KEY,
    min_version bigint      NOT NULL,
    revoked_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX revocations_revoked_at ON revocations (revoked_at);
