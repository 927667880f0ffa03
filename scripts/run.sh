#!/usr/bin/env bash
# make run: the whole system on embedded defaults. Starts a local PostgreSQL in
# a git-ignored data folder of the checkout (reused across runs), provisions
# one role and schema per service, and runs the four services in the
# foreground. Ctrl-C stops everything cleanly.
#
# The script's own variables (SORA_DATA_DIR, PROFILE) are not settings and
# never reach the services; a setting of one service (SORA_STORAGE__PATH,
# SORA_IDENTITY__…) reaches only that service.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh

DATA_DIR="${SORA_DATA_DIR:-$PWD/.data}"
unset SORA_DATA_DIR
PG_PORT="${SORA_DATABASE__PORT:-5433}"
PROFILE="${PROFILE:-debug}"
SERVICES=(file-server feedback-api admin-api recommendation)
PORTS=(3000 3001 3002 3003)

# The top-level keys and sections each service owns (its settings type).
own_settings() {
  case "$1" in
    file-server) echo "MARKETPLACE__ STORAGE__ DOWNLOADS__ LICHTBLICK__" ;;
    feedback-api) echo "IP_SALT ENCRYPTION_KEY OLD_ENCRYPTION_KEYS INGEST__ RETENTION__ RATE_LIMIT__" ;;
    admin-api) echo "IDENTITY__ PEERS__ BOOTSTRAP_ADMIN_EMAIL BOOTSTRAP_ADMIN_PASSWORD IP_SALT" ;;
    recommendation) echo "UPLOAD__ RANKING__ LEARNING__ CATALOG__" ;;
  esac
}

# The variables set here that another service owns, for service $1.
foreign_settings() {
  local service="$1" other prefix var
  local own; own=" $(own_settings "$service") "
  for var in $(compgen -e | grep '^SORA_' || true); do
    for other in "${SERVICES[@]}"; do
      [ "$other" = "$service" ] && continue
      for prefix in $(own_settings "$other"); do
        if [[ "$var" == SORA_"$prefix"* ]] && [[ "$own" != *" $prefix "* ]]; then
          echo "$var"
        fi
      done
    done
  done | sort -u
}

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

# Token signing keys: generated once, kept with the data (never the built-in
# dev key). Every service trusts the public key; only admin-api signs.
if [ ! -f "$DATA_DIR/keys/signing.pem" ]; then
  "$BIN/admin-api" keygen "$DATA_DIR/keys"
fi
SIGNING_KID="$(sed -n 's/^SORA_IDENTITY__SIGNING_KID=//p' "$DATA_DIR/keys/signing.env")"
SORA_AUTH__PUBLIC_KEYS="$(sed -n 's/^SORA_AUTH__PUBLIC_KEYS=//p' "$DATA_DIR/keys/signing.env")"
export SORA_AUTH__PUBLIC_KEYS SORA_DATABASE__PORT="$PG_PORT"
# Sessions admin-api ended, fetched by every service every second.
export SORA_AUTH__REVOCATIONS_URL="http://127.0.0.1:3002/internal/revocations"
# Lichtblick's web app served by its own dev server (`yarn web:serve`, port
# 8080) may call the services from there (reading open workspaces; the
# session cookie needs one origin, see docs/api.md "Use with Lichtblick").
export SORA_ALLOWED_ORIGINS="${SORA_ALLOWED_ORIGINS:-http://localhost:8080,http://127.0.0.1:8080}"
STORAGE_PATH="${SORA_STORAGE__PATH:-$DATA_DIR/objects}"

# run_service SERVICE ARGS...: the service's binary with its own settings only.
run_service() {
  local service="$1" var
  shift
  local -a args=()
  for var in $(foreign_settings "$service"); do args+=(-u "$var"); done
  case "$service" in
    file-server) args+=(SORA_STORAGE__PATH="$STORAGE_PATH") ;;
    admin-api)
      args+=(SORA_IDENTITY__SIGNING_KID="$SIGNING_KID")
      args+=(SORA_IDENTITY__SIGNING_KEY="$(cat "$DATA_DIR/keys/signing.pem")")
      ;;
  esac
  if [ "${1:-}" = serve ]; then
    # Run in the background (`&`): the subshell becomes the service, so the
    # pid stop_all signals is the service's own.
    exec env "${args[@]}" "$BIN/$service" "$@"
  fi
  env "${args[@]}" "$BIN/$service" "$@"
}

ADMIN_URL="postgres://postgres@127.0.0.1:$PG_PORT/sora"
for service in "${SERVICES[@]}"; do
  run_service "$service" provision "$ADMIN_URL"
done

echo "==> starting the services"
for service in "${SERVICES[@]}"; do
  run_service "$service" serve &
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
  # The Lichtblick panel, so that Lichtblick users find it in Sora's
  # marketplace; built with npm when there is one.
  if command -v npm >/dev/null 2>&1; then
    echo "==> building the Lichtblick panel (panel/)"
    scripts/panel.sh package >"$DATA_DIR/panel-build.log" 2>&1 \
      || echo "    (not built, see $DATA_DIR/panel-build.log: the demo goes on without it)"
  else
    echo "==> no npm: the Lichtblick panel (panel/) is not built nor published"
  fi
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
  Dashboard: http://127.0.0.1:3002/admin/
  Dev admin login: ${SORA_BOOTSTRAP_ADMIN_EMAIL:-admin@sora.local} / sora-admin-dev

INFO

# Stays in the foreground until a service exits or Ctrl-C.
wait -n "${pids[@]}" || true
