-- Downloads of a workspace's extensions, per extension and UTC day: for the
-- workspace's owners and administrators only (never in public statistics
-- or events). Kept while the workspace exists, also for an extension since
-- removed.
CREATE TABLE team_extension_downloads (
    workspace    text   NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    extension_id text   NOT NULL,
    day          date   NOT NULL,
    count        bigint NOT NULL,
    PRIMARY KEY (workspace, extension_id, day)
);
