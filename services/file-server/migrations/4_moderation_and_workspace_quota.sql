-- Who hid an extension: 'moderator' (an admin) or 'owner'. A moderator's
-- takedown stays until a moderator reverses it; the owner's own hiding the
-- owner may undo.
ALTER TABLE extensions ADD COLUMN hidden_by text
    CHECK (hidden_by IN ('moderator', 'owner'));
UPDATE extensions SET hidden_by = 'owner' WHERE hidden;

-- Who may upload and remove a workspace's extensions, whose code runs in
-- every member's Lichtblick: its owners (the default, as Foxglove does for
-- organisation extensions) or its writers too.
ALTER TABLE workspaces ADD COLUMN extension_uploaders text NOT NULL DEFAULT 'owner'
    CHECK (extension_uploaders IN ('owner', 'writer'));
