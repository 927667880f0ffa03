#!/usr/bin/env bash
# A logical backup of Sora: every schema of the database in one consistent
# snapshot (pg_dump, custom format), then the object store (extensions,
# layouts). docs/operations.md has the schedule, retention and restore steps.
#
#   scripts/ops/backup.sh DEST
#
# The database is reached with libpq's variables (PGHOST, PGPORT, PGUSER,
# PGPASSWORD or ~/.pgpass, PGSSLMODE); PGDATABASE defaults to `sora`. The
# user needs to read every schema: a superuser, or a role granted
# `pg_read_all_data`. SORA_STORAGE__PATH is the filesystem object store; on
# S3 (SORA_STORAGE__BACKEND=s3) the bucket's versioning and replication are
# the objects' backup and only the database is written here.
#
# The database is dumped first and the objects copied second: objects are
# written before the rows that name them and never changed, so every object
# the dump refers to is in the copy. Feedback comments are in the dump as the
# service encrypted them; the keys are not in the backup, nor are the roles'
# passwords (provisioning sets them again).
#
# With SORA_BACKUP_S3_URI (s3://bucket/prefix) the backup is then copied to
# URI/<UTC time>/ with the AWS CLI (the CronJob's way, k8s/base/
# backup-cronjob.yaml); SORA_BACKUP_UPLOAD=required makes a missing URI an
# error instead of a local-only backup.
set -euo pipefail

dest="${1:?usage: backup.sh DEST}"
export PGDATABASE="${PGDATABASE:-sora}"
PG_DUMP="${PG_DUMP:-$(command -v pg_dump || ls -d /usr/lib/postgresql/*/bin/pg_dump 2>/dev/null | sort -V | tail -1)}"
[ -x "$PG_DUMP" ] || { echo "backup: pg_dump not found (set PG_DUMP)" >&2; exit 1; }
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
  echo "backup: $dest is not empty" >&2
  exit 1
fi
umask 077
mkdir -p "$dest"
started=$(date +%s%N)

"$PG_DUMP" --format=custom --compress=6 --file="$dest/database.dump"

objects="none (S3: versioned bucket)"
if [ "${SORA_STORAGE__BACKEND:-filesystem}" = filesystem ]; then
  store="${SORA_STORAGE__PATH:?backup: set SORA_STORAGE__PATH to the object store folder}"
  tar -C "$store" -cf "$dest/objects.tar" .
  objects="$(tar -tf "$dest/objects.tar" | grep -vc '/$') files"
fi

{
  echo "created_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "database=$PGDATABASE"
  echo "server_version=$("${PG_DUMP%/*}/psql" -X -tA -c 'SHOW server_version' 2>/dev/null || echo unknown)"
  echo "objects=$objects"
} > "$dest/backup.env"
(cd "$dest" && sha256sum database.dump $( [ -f objects.tar ] && echo objects.tar ) backup.env > SHA256SUMS)

if [ -n "${SORA_BACKUP_S3_URI:-}" ]; then
  target="${SORA_BACKUP_S3_URI%/}/$(date -u +%Y-%m-%dT%H%M%SZ)/"
  aws s3 cp --recursive --only-show-errors "$dest" "$target"
  echo "backup: copied to $target"
elif [ "${SORA_BACKUP_UPLOAD:-}" = required ]; then
  echo "backup: SORA_BACKUP_S3_URI is not set, and the backup must leave this machine" >&2
  exit 1
fi

elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "backup: $dest ($(du -sh "$dest" | cut -f1); database $(du -h "$dest/database.dump" | cut -f1), objects: $objects) in ${elapsed_ms} ms"
