#!/usr/bin/env bash
# make run: the whole system on embedded defaults. Starts a local PostgreSQL in
# a git-ignored data folder of the checkout (reused across runs), provisions
# one role and schema per service, and runs the four services in the
# foreground. Ctrl-C stops everything cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh

DATA_DIR="${SORA_DATA_DIR:-$PWD/.data}"
PG_PORT="${SORA_DATABASE__PORT:-5433}"
PROFILE="${PROFILE:-debug}"
SERVICES=(file-server feedback-api admin-api recommendation)
PORTS=(3000 3001 3002 3003)

echo "==> building the services ($PROFILE)"
if [ "$PROFILE" = release ]; then cargo build --release --bins; else cargo build --bins; fi
BIN="${CARGO_TARGET_DIR:-target}/$PROFILE"

echo "==> PostgreSQL in $DATA_DIR/postgres on 127.0.0.1:$PG_PORT"
pg_find_bindir
mkdir -p "$DATA_DIR" && chmod 755 "$DATA_DIR"
pg_init "$DATA_DIR/postgres"
pg_start "$DATA_DIR/postgres" "$PG_PORT"

pids=()
stop_all() {
  trap '' INT TERM
  trap - EXIT
  echo
  echo "==> stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pg_stop "$DATA_DIR/postgres"
  echo "==> stopped; data kept in $DATA_DIR"
}
trap stop_all INT TERM EXIT

if ! "$PG_BINDIR/psql" -X -tA -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
  -c "SELECT 1 FROM pg_database WHERE datname = 'sora'" | grep -q 1; then
  pg_psql "$PG_PORT" postgres "CREATE DATABASE sora"
fi

# Token signing keys: generated once, kept with the data (never the built-in dev key).
if [ ! -f "$DATA_DIR/keys/signing.pem" ]; then
  "$BIN/admin-api" keygen "$DATA_DIR/keys"
fi
set -a
source "$DATA_DIR/keys/signing.env"
set +a
SORA_IDENTITY__SIGNING_KEY="$(cat "$DATA_DIR/keys/signing.pem")"
export SORA_IDENTITY__SIGNING_KEY

export SORA_DATABASE__PORT="$PG_PORT"
export SORA_STORAGE__PATH="${SORA_STORAGE__PATH:-$DATA_DIR/objects}"
ADMIN_URL="postgres://postgres@127.0.0.1:$PG_PORT/sora"
for service in "${SERVICES[@]}"; do
  "$BIN/$service" provision "$ADMIN_URL"
done

echo "==> starting the services"
for service in "${SERVICES[@]}"; do
  "$BIN/$service" serve &
  pids+=($!)
done

for i in "${!SERVICES[@]}"; do
  url="http://127.0.0.1:${PORTS[$i]}"
  for _ in $(seq 1 100); do
    if curl -fsS "$url/ready" >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
done

# Demo content, once per data folder, through the public API.
if [ ! -f "$DATA_DIR/demo-seeded" ]; then
  echo "==> seeding demo extensions and layouts"
  if python3 scripts/seed-demo.py; then touch "$DATA_DIR/demo-seeded"; fi
fi

cat <<INFO

  Sora is running (Ctrl-C stops it):
    file-server     http://127.0.0.1:3000   /api/extensions, /api/layouts
    feedback-api    http://127.0.0.1:3001   /api/feedback, /api/stats
    admin-api       http://127.0.0.1:3002   /api/admin, /.well-known/jwks.json
    recommendation  http://127.0.0.1:3003   /api/recommendations
  Each serves /health, /ready, /metrics and /api-docs/openapi.json.
  Marketplace index for Foxglove/Lichtblick: http://127.0.0.1:3000/api/extensions/marketplace.json
  Dev admin login: ${SORA_BOOTSTRAP_ADMIN_EMAIL:-admin@sora.local} / sora-admin-dev

INFO

# Stays in the foreground until a service exits or Ctrl-C.
wait -n "${pids[@]}" || true
