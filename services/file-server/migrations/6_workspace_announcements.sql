-- Every change to a workspace, its members or its team layouts is announced
-- on `file_server_workspaces` (payload: the workspace's name), so that each
-- replica drops what it keeps in memory of that workspace (its layouts list,
-- ready to send) within milliseconds. A trigger does it, so no write path
-- can forget to.
CREATE FUNCTION announce_workspace_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed record;
BEGIN
    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
    IF TG_TABLE_NAME = 'workspaces' THEN
        PERFORM pg_notify('file_server_workspaces', changed.name);
    ELSE
        PERFORM pg_notify('file_server_workspaces', changed.workspace);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER workspaces_announce AFTER INSERT OR UPDATE OR DELETE ON workspaces
    FOR EACH ROW EXECUTE FUNCTION announce_workspace_change();
CREATE TRIGGER workspace_members_announce AFTER INSERT OR UPDATE OR DELETE ON workspace_members
    FOR EACH ROW EXECUTE FUNCTION announce_workspace_change();
CREATE TRIGGER team_layouts_announce AFTER INSERT OR UPDATE OR DELETE ON team_layouts
    FOR EACH ROW EXECUTE FUNCTION announce_workspace_change();
