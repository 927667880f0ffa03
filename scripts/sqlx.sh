#!/usr/bin/env bash
# sqlx's offline query data (.sqlx/), which lets every build check the SQL of
# `query!`/`query_as!` without a database:
#   scripts/sqlx.sh check    fails when .sqlx/ is not what the code needs (CI)
#   scripts/sqlx.sh prepare  rewrites .sqlx/ (run after changing a query)
# Both compile the workspace against a throw-away PostgreSQL migrated with
# every service's migrations; the macros then write the data of each query
# they check into a folder, which is compared with (or copied to) .sqlx/.
# This is what `cargo sqlx prepare [--check]` does, without building sqlx-cli.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh
source scripts/lib/schemas.sh

mode="${1:-check}"
case "$mode" in check|prepare) ;; *) echo "usage: $0 check|prepare" >&2; exit 2 ;; esac

pg_find_bindir
work="$(mktemp -d /tmp/sora-sqlx.XXXXXX)"
chmod 755 "$work"
port="$(free_port)"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
PG_FSYNC=off pg_init "$work/pg"
PG_FSYNC=off pg_start "$work/pg" "$port"
schemas_apply "$port" sora >/dev/null

mkdir -p "$work/queries"
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/sora?options=-c%20search_path%3D${SORA_SEARCH_PATH//,/%2C}"
export SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$work/queries"
# Each crate's build script reruns when these variables change, so every
# macro runs again against the database.
cargo check --workspace --all-targets --locked --quiet

if [ "$mode" = prepare ]; then
  rm -rf .sqlx && mkdir .sqlx && cp "$work"/queries/*.json .sqlx/
  echo "wrote $(ls .sqlx | wc -l) queries to .sqlx/"
elif ! diff -rq "$work/queries" .sqlx >/dev/null 2>&1; then
  diff -rq "$work/queries" .sqlx || true
  echo ".sqlx/ is not current: run scripts/sqlx.sh prepare and commit the result" >&2
  exit 1
else
  echo ".sqlx/ is current ($(ls .sqlx | wc -l) queries)"
fi
