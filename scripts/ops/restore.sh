#!/usr/bin/env bash
# Restores a backup of scripts/ops/backup.sh into an empty database and an
# empty object store. docs/operations.md has the whole procedure.
#
#   scripts/ops/restore.sh SRC
#
# Before: the database exists and every service has been provisioned into it
# (`SERVICE provision`, or the provisioning Job), so that the roles that own
# the schemas exist; the services are stopped (they would migrate an empty
# schema). After: start the services; they find their migrations applied.
# Same variables as backup.sh. A database with tables already in it, or a
# store with files in it, is refused unless SORA_RESTORE_OVERWRITE=1.
set -euo pipefail

src="${1:?usage: restore.sh SRC}"
export PGDATABASE="${PGDATABASE:-sora}"
PG_RESTORE="${PG_RESTORE:-$(command -v pg_restore || ls -d /usr/lib/postgresql/*/bin/pg_restore 2>/dev/null | sort -V | tail -1)}"
[ -x "$PG_RESTORE" ] || { echo "restore: pg_restore not found (set PG_RESTORE)" >&2; exit 1; }
PSQL="${PG_RESTORE%/*}/psql"
started=$(date +%s%N)

(cd "$src" && sha256sum --quiet -c SHA256SUMS) || { echo "restore: $src is damaged (checksums differ)" >&2; exit 1; }

tables=$("$PSQL" -X -tA -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM pg_tables
  WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != 0 ] && [ "${SORA_RESTORE_OVERWRITE:-0}" != 1 ]; then
  echo "restore: $PGDATABASE already has $tables tables; restore into a newly provisioned database, or set SORA_RESTORE_OVERWRITE=1" >&2
  exit 1
fi

store=""
if [ -f "$src/objects.tar" ]; then
  store="${SORA_STORAGE__PATH:?restore: set SORA_STORAGE__PATH to the (empty) object store folder}"
  mkdir -p "$store"
  if [ -n "$(ls -A "$store")" ] && [ "${SORA_RESTORE_OVERWRITE:-0}" != 1 ]; then
    echo "restore: $store is not empty" >&2
    exit 1
  fi
fi

# One transaction: a restore that fails leaves the database as it was.
# --clean drops the empty schemas provisioning made, to create them as dumped.
"$PG_RESTORE" --exit-on-error --single-transaction --clean --if-exists --dbname="$PGDATABASE" "$src/database.dump"
if [ -n "$store" ]; then
  tar -C "$store" -xf "$src/objects.tar"
fi

elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "restore: $src into $PGDATABASE${store:+ and $store} in ${elapsed_ms} ms"
