-- Trusted publishing: a namespace's owners register CI identities (an OIDC
-- issuer, a repository by its immutable id, a workflow file, optionally an
-- environment); admin-api exchanges a CI job's OIDC token that matches one
-- for a short-lived token that publishes under that namespace only.
CREATE TABLE trusted_publishers (
    id uuid PRIMARY KEY,
    publisher text NOT NULL REFERENCES publishers ON DELETE CASCADE,
    issuer text NOT NULL,
    -- The repository's id, which a deleted and re-created repository of
    -- the same name does not keep; its name is only shown.
    repository_id text NOT NULL,
    repository text NOT NULL,
    -- The workflow's file name under .github/workflows, e.g. release.yml.
    workflow text NOT NULL,
    -- '' matches a job of any environment (or none).
    environment text NOT NULL DEFAULT '',
    -- The owner who registered it: tokens it yields act as them.
    added_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (publisher, issuer, repository_id, workflow, environment)
);
CREATE INDEX trusted_publishers_match ON trusted_publishers (issuer, repository_id);

-- Each OIDC token is exchanged once: its `jti`, kept until it expires.
CREATE TABLE oidc_tokens_spent (
    issuer text NOT NULL,
    jti text NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (issuer, jti)
);

-- Where a version published by trusted publishing was built (repository,
-- commit, workflow run); NULL for any other publish.
ALTER TABLE extension_versions ADD COLUMN provenance jsonb;
