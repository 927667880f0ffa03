-- Team workspaces for Lichtblick's remote API (/api/lichtblick): members and
-- their roles, the team's shared layouts with every version kept, the
-- organisation's extensions, and sessions (recordings to open together).

CREATE TABLE workspaces (
    name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    -- Anyone may read its shared layouts and extensions, without signing in.
    anonymous_read boolean NOT NULL DEFAULT false,
    -- The layout `default_data` answers with, when an owner chose one.
    default_layout uuid,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workspace_members (
    workspace text NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    user_id text NOT NULL,
    role text NOT NULL CHECK (role IN ('reader', 'writer', 'owner')),
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace, user_id)
);
CREATE INDEX workspace_members_user ON workspace_members (user_id);

-- A shared layout as it is now; every saved state is in team_layout_versions.
-- Times are kept to the millisecond, as they are shown (the client compares
-- `updatedAt` as a string). `data` is `json`, the text as written: nothing
-- queries into it, and lists send it back without converting it.
CREATE TABLE team_layouts (
    id uuid PRIMARY KEY,
    workspace text NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    -- The client's own id of the layout.
    layout_id text NOT NULL CHECK (length(layout_id) BETWEEN 1 AND 200),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    data json NOT NULL,
    permission text NOT NULL CHECK (permission IN ('CREATOR_WRITE', 'ORG_READ', 'ORG_WRITE')),
    creator text NOT NULL,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz
);
CREATE UNIQUE INDEX team_layouts_client_id ON team_layouts (workspace, layout_id)
    WHERE deleted_at IS NULL;
CREATE INDEX team_layouts_workspace ON team_layouts (workspace) WHERE deleted_at IS NULL;

CREATE TABLE team_layout_versions (
    layout uuid NOT NULL REFERENCES team_layouts ON DELETE CASCADE,
    version integer NOT NULL,
    name text NOT NULL,
    data json NOT NULL,
    permission text NOT NULL,
    saved_by text NOT NULL,
    saved_at timestamptz NOT NULL,
    PRIMARY KEY (layout, version)
);

-- An extension of the organisation: one per id in a workspace, replaced by a
-- new upload. The package is in the object store under its content address.
CREATE TABLE team_extensions (
    id uuid PRIMARY KEY,
    workspace text NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    extension_id text NOT NULL,
    version text NOT NULL,
    publisher text NOT NULL,
    name text NOT NULL,
    display_name text,
    description text,
    homepage text,
    license text,
    keywords text[] NOT NULL DEFAULT '{}',
    readme text,
    changelog text,
    sha256 text NOT NULL,
    size bigint NOT NULL,
    storage_key text NOT NULL,
    uploaded_by text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (workspace, extension_id)
);

-- Recordings to open together (`?session=` in Lichtblick).
CREATE TABLE team_sessions (
    id uuid PRIMARY KEY,
    workspace text NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    mcaps jsonb NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
