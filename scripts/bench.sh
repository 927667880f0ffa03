#!/usr/bin/env bash
# make bench: drives named HTTP scenarios with wrk against release builds of
# the services, next to nginx serving a static file in the same run (the
# ceiling on this machine), and writes docs/benchmarks.md. Figures are
# reported as ratios to that baseline because the machine is shared and noisy.
#
#   BENCH_DURATION=10s BENCH_CONNECTIONS=64 make bench
#   BENCH_ONLY='download' BENCH_EVENTS=0 make bench   # a quick look at some rows
#   (a partial run writes to BENCH_OUT, default docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh
source scripts/lib/tools.sh

DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
OUT="${BENCH_OUT:-docs/benchmarks.md}"

# Installs Debian packages without letting them start services (nginx would
# otherwise listen on port 80 of every interface).
install_packages() {
  local sudo="" policy=/usr/sbin/policy-rc.d created=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    created=1
  fi
  echo "installing $*" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
  [ -n "$created" ] && $sudo rm -f "$policy"
  return 0
}
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
[ ${#missing[@]} -eq 0 ] || install_packages "${missing[@]}"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

echo "==> building release binaries"
cargo build --release --bins --quiet
cargo build --release --quiet -p sora-e2e --example event_throughput
BIN="${CARGO_TARGET_DIR:-target}/release"

work="$(mktemp -d /tmp/sora-bench.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
  # Stop everything first, then wait only for our own children (a bare
  # `wait` would also wait for moto).
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  [ -n "${moto_pid:-}" ] && kill "$moto_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for pid in "${pids[@]}" ${moto_pid:-}; do wait "$pid" 2>/dev/null || true; done
  pg_stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> PostgreSQL and the services"
pg_find_bindir
pg_port="$(free_port)"
pg_init "$work/pg"
pg_start "$work/pg" "$pg_port"
pg_psql "$pg_port" postgres "CREATE DATABASE sora"

export SORA_DATABASE__PORT="$pg_port"
export SORA_TELEMETRY__LOG_LEVEL=warn
export SORA_STORAGE__PATH="$work/objects"
declare -A PORT
for service in file-server feedback-api admin-api recommendation; do
  PORT[$service]="$(free_port)"
  "$BIN/$service" provision "postgres://postgres@127.0.0.1:$pg_port/sora" >/dev/null
  SORA_SERVER__PORT="${PORT[$service]}" "$BIN/$service" serve >"$work/$service.log" 2>&1 &
  pids+=($!)
done
# A second file-server on the same data with the list cache off, to show what
# the cache buys.
PORT[file-server-nocache]="$(free_port)"
SORA_SERVER__PORT="${PORT[file-server-nocache]}" SORA_MARKETPLACE__LIST_CACHE_TTL_MS=0 \
  "$BIN/file-server" serve >"$work/file-server-nocache.log" 2>&1 &
pids+=($!)

# The baseline: nginx serving a static file as small as /health's answer.
nginx_port="$(free_port)"
mkdir -p "$work/www"
printf '{"status":"ok","service":"nginx","version":"0.0.0"}' > "$work/www/health.json"
cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { root $work/www; default_type application/json; }
  }
}
NGINX
"$NGINX" -c "$work/nginx.conf" -p "$work"

for service in "${!PORT[@]}"; do
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:${PORT[$service]}/ready" >/dev/null 2>&1 && break
    sleep 0.1
  done
done

echo "==> seeding the catalog (60 extensions and a 1 MiB one)"
FS="http://127.0.0.1:${PORT[file-server]}"
TOKEN="$(python3 scripts/bench/seed.py "$FS" "http://127.0.0.1:${PORT[admin-api]}" "$work/www/big.foxe")"

# name|url[|wrk script[|connections[|header[|baseline]]]]: a scenario marked
# `baseline` is the one the following rows are compared with.
SCENARIOS=(
  "nginx static file (baseline)|http://127.0.0.1:$nginx_port/health.json||||baseline"
  "file-server GET /health|http://127.0.0.1:${PORT[file-server]}/health"
  "file-server GET /ready (database)|http://127.0.0.1:${PORT[file-server]}/ready"
  "feedback-api GET /ready (database)|http://127.0.0.1:${PORT[feedback-api]}/ready"
  "admin-api GET /ready (database)|http://127.0.0.1:${PORT[admin-api]}/ready"
  "recommendation GET /ready (database)|http://127.0.0.1:${PORT[recommendation]}/ready"
  "admin-api POST /api/admin/auth/login (Argon2id, 4 connections)|http://127.0.0.1:${PORT[admin-api]}/api/admin/auth/login|scripts/bench/login.lua|4"
  "file-server catalog page, 256 connections (list cache on)|$FS/api/extensions?page=2&per_page=20||256"
  "file-server catalog page, 256 connections (list cache off)|http://127.0.0.1:${PORT[file-server-nocache]}/api/extensions?page=2&per_page=20||256"
  "file-server catalog search q=lidr (cache off)|http://127.0.0.1:${PORT[file-server-nocache]}/api/extensions?q=lidr"
  "file-server extension details, anonymous|$FS/api/extensions/bench.tool-07"
  "file-server extension details, with a verified token|$FS/api/extensions/bench.tool-07|||Authorization: Bearer $TOKEN"
  "file-server marketplace.json (61 extensions)|$FS/api/extensions/marketplace.json"
  "nginx 1 MiB file (baseline for downloads)|http://127.0.0.1:$nginx_port/big.foxe||||baseline"
  "file-server 1 MiB .foxe download|$FS/api/extensions/bench.big/versions/1.0.0/download"
)

rows=()
baseline=""
for scenario in "${SCENARIOS[@]}"; do
  IFS='|' read -r name url script connections header role <<<"$scenario"
  if [ -n "${BENCH_ONLY:-}" ] && [ "$role" != baseline ] && ! grep -Eq "$BENCH_ONLY" <<<"$name"; then
    continue
  fi
  script="${script:-scripts/bench/report.lua}"
  connections="${connections:-$CONNECTIONS}"
  headers=()
  [ -n "$header" ] && headers=(-H "$header")
  echo "==> $name"
  wrk -t"$THREADS" -c"$connections" -d2s -s "$script" "${headers[@]}" "$url" >/dev/null  # warm-up
  line="$(wrk -t"$THREADS" -c"$connections" -d"$DURATION" -s "$script" "${headers[@]}" "$url" | grep '^RESULT')"
  echo "    $line"
  rps="$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$line")"
  p50="$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$line")"
  p99="$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")"
  errors="$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$line")"
  [ "$role" = baseline ] && baseline="$rps"
  ratio="$(python3 -c "print(f'{$rps/$baseline:.2f}')")"
  rows+=("| $name | $rps | $p50 | $p99 | $errors | ${ratio}× |")
done

# Events: outbox → bus → consumer. The services' own relays would compete for
# the outbox, so they stop first; the scenario runs file-server's relay and
# admin-api's consumer itself.
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
pids=()
tools_install "moto[server]==5.1.16"
sqs_port="$(free_port)"
moto_server -H 127.0.0.1 -p "$sqs_port" >"$work/moto.log" 2>&1 &
moto_pid=$!
sleep 1

PG_EVENTS="${BENCH_PG_EVENTS:-5000}"
SQS_EVENTS="${BENCH_SQS_EVENTS:-300}"
event_rows=()
run_events() {
  local label="$1" backend="$2" burst="$3" rate="$4" seconds="$5"
  echo "==> events: $label"
  local line
  line="$("${CARGO_TARGET_DIR:-target}/release/examples/event_throughput" "$backend" "$burst" "$rate" "$seconds" | grep '^RESULT')"
  echo "    $line"
  local eps p50 p99
  eps="$(sed -E 's/.*eps=([0-9.]+).*/\1/' <<<"$line")"
  p50="$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$line")"
  p99="$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")"
  event_rows+=("| $label | $burst | $eps | $rate/s × ${seconds}s | $p50 | $p99 |")
}
if [ "${BENCH_EVENTS:-1}" != 0 ]; then
SORA_TELEMETRY__LOG_LEVEL=error run_events "PostgreSQL bus" postgres "$PG_EVENTS" 200 5
SORA_TELEMETRY__LOG_LEVEL=error \
SORA_EVENTS__SQS__ENDPOINT_URL="http://127.0.0.1:$sqs_port" \
SORA_EVENTS__SQS__ACCESS_KEY_ID=bench SORA_EVENTS__SQS__SECRET_ACCESS_KEY=bench \
  run_events "SQS (moto server)" sqs "$SQS_EVENTS" 10 5
fi

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` ($(date -u +%Y-%m-%dT%H:%MZ)) on $(nproc) cores,"
  echo "$(free -g | awk '/Mem:/ {print $2}') GiB: wrk, $THREADS threads, $CONNECTIONS connections, $DURATION per"
  echo "scenario after a 2 s warm-up, against release builds; wrk, the services,"
  echo "PostgreSQL and nginx share the machine. The machine is shared and noisy, so"
  echo "compare the **ratio** column (throughput relative to nginx serving a static"
  echo "file in the same run: the small file for API routes, the same 1 MiB .foxe for"
  echo "the download), not the absolute figures."
  echo
  echo "| scenario | req/s | p50 ms | p99 ms | errors | vs nginx |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "## Events: outbox → bus → consumer"
  echo
  echo "file-server's relay and admin-api's audit consumer (production code, one"
  echo "process, release build) against the same PostgreSQL. *Burst*: events committed in"
  echo "one transaction, then events per second until the last audit row is committed."
  echo "*Paced*: one event per transaction at a fixed rate; latency from the event's"
  echo "creation to its audit row's commit."
  echo
  echo "| bus | burst events | burst events/s | paced | p50 ms | p99 ms |"
  echo "|---|---:|---:|---|---:|---:|"
  printf '%s\n' "${event_rows[@]}"
  echo
  if [ -f docs/benchmarks-notes.md ]; then cat docs/benchmarks-notes.md; fi
} > "$OUT"
echo "==> wrote $OUT"
