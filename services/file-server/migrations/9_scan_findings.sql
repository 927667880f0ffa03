-- What the pre-publish scan found in each version (sora_package::scan):
-- shown to its publisher's members and to admins.
ALTER TABLE extension_versions ADD COLUMN scan_findings jsonb NOT NULL DEFAULT '[]';
