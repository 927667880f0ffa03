-- Who hid an extension: 'moderator' (an admin) or 'owner'. A moderator's
-- takedown stays until a moderator reverses it; the owner's own hiding the
-- owner may undo.
ALTER TABLE extensions ADD COLUMN hidden_by text
    CHECK (hidden_by IN ('moderator', 'owner'));
UPDATE extensions SET hidden_by = 'owner' WHERE hidden;
