#!/usr/bin/env bash
# Property-based tests of every service driven by its own OpenAPI document
# (schemathesis): the four binaries run on a database of their own, and each
# document is fuzzed anonymously and with a valid token of each role. Any
# 5xx, any error that is not problem+json, any status or body the document
# does not describe fails the run.
#
#   scripts/api-fuzz.sh PG_PORT [MAX_EXAMPLES]
#
# `make test` runs it after the Rust tests, on its own PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh
source scripts/lib/tools.sh

pg_port="$1"
examples="${2:-${SORA_FUZZ_EXAMPLES:-20}}"
pg_find_bindir
tools_install "schemathesis==4.32.5"
BIN="${CARGO_TARGET_DIR:-target}/debug"
work="$(mktemp -d /tmp/sora-fuzz.XXXXXX)"
db="api_fuzz_$$"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pg_psql "$pg_port" postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
pg_psql "$pg_port" postgres "CREATE DATABASE $db"

declare -A PORT
for service in file-server feedback-api admin-api recommendation; do PORT[$service]="$(free_port)"; done
common=(
  SORA_DATABASE__PORT="$pg_port" SORA_DATABASE__NAME="$db"
  SORA_TELEMETRY__LOG_LEVEL=error SORA_TELEMETRY__FORMAT=json
)
start() {
  local service="$1"; shift
  env "${common[@]}" SORA_SERVER__PORT="${PORT[$service]}" "$@" \
    "$BIN/$service" provision "postgres://postgres@127.0.0.1:$pg_port/$db" >/dev/null
  env "${common[@]}" SORA_SERVER__PORT="${PORT[$service]}" "$@" \
    "$BIN/$service" serve >"$work/$service.log" 2>&1 &
  pids+=($!)
}
start file-server SORA_STORAGE__PATH="$work/objects"
start feedback-api
start recommendation
start admin-api \
  SORA_PEERS__FILE_SERVER_URL="http://127.0.0.1:${PORT[file-server]}" \
  SORA_PEERS__FEEDBACK_API_URL="http://127.0.0.1:${PORT[feedback-api]}" \
  SORA_PEERS__RECOMMENDATION_URL="http://127.0.0.1:${PORT[recommendation]}"
for service in "${!PORT[@]}"; do
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:${PORT[$service]}/ready" >/dev/null 2>&1 && break
    sleep 0.2
  done
done

# A token of each role, through the public API.
admin_url="http://127.0.0.1:${PORT[admin-api]}"
login() {
  curl -fsS "$admin_url/api/admin/auth/login" -H 'content-type: application/json' \
    -d "{\"email\": \"$1\", \"password\": \"$2\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
declare -A TOKEN
TOKEN[admin]="$(login admin@sora.local sora-admin-dev)"
for role in editor viewer; do
  curl -fsS "$admin_url/api/admin/users" -H "authorization: Bearer ${TOKEN[admin]}" \
    -H 'content-type: application/json' \
    -d "{\"email\": \"$role@fuzz.local\", \"password\": \"a long $role password\", \"role\": \"$role\"}" >/dev/null
  TOKEN[$role]="$(login "$role@fuzz.local" "a long $role password")"
done

checks="${SORA_FUZZ_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection}"
failed=0
for service in file-server feedback-api admin-api recommendation; do
  for who in anonymous viewer editor admin; do
    auth=()
    [ "$who" != anonymous ] && auth=(-H "Authorization: Bearer ${TOKEN[$who]}")
    echo "==> $service as $who ($examples examples per operation)"
    if ! st run "http://127.0.0.1:${PORT[$service]}/api-docs/openapi.json" \
      "${auth[@]}" --checks "$checks" --max-examples "$examples" --workers 1 \
      --phases examples,coverage,fuzzing --seed 1 --no-color >"$work/st.log" 2>&1; then
      failed=1
      cat "$work/st.log"
    else
      grep -E "^(API Operations|Test cases|Summary|  )" "$work/st.log" | tail -n 6 || true; tail -n 2 "$work/st.log"
    fi
  done
done
if [ "$failed" -ne 0 ]; then
  echo "api-fuzz: failures above" >&2
  exit 1
fi
echo "api-fuzz: every document held for every caller"
