#!/usr/bin/env bash
# make test: every test, against a throw-away PostgreSQL on loopback (never the
# dev cluster of `make run`), then the offline checks of deploy/ and k8s/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh

pg_find_bindir
work="$(mktemp -d /tmp/sora-test.XXXXXX)"
chmod 755 "$work"
port="$(free_port)"
cleanup() { pg_stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT

# Durability is irrelevant for a cluster that is deleted afterwards.
PG_FSYNC=off
pg_init "$work/pg"
pg_start "$work/pg" "$port"
echo "test PostgreSQL on 127.0.0.1:$port ($PG_BINDIR)"

export SORA_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export SORA_TEST_PG_BINDIR="$PG_BINDIR"
export SORA_TEST_PG_USER="$PG_USER"
export SQLX_OFFLINE=true

cargo test --workspace --locked --no-fail-fast "$@"

scripts/check-deploy.sh
