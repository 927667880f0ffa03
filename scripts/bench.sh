#!/usr/bin/env bash
# make bench: Sora's read paths side by side with the seed design's own stack
# (the Hono/Bun peer in ../shared/peers, copied out and seeded) and nginx
# serving the same bytes, each pinned to one core with its database and oha
# on the other; feedback ingestion side by side with the peer, and a year's
# summary; then the event backbone's throughput. Writes
# docs/benchmarks.md (ratios measured in the same run, errors and memory per
# row). Nothing else may run meanwhile: a build in the background halves
# every figure.
#
#   BENCH_DURATION=10s BENCH_EXTENSIONS=500 make bench
#   BENCH_ONLY='download|details' BENCH_EVENTS=0 make bench   # a quick look
#   (a partial run writes to BENCH_OUT, default docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh
source scripts/lib/tools.sh
source scripts/lib/packages.sh

OUT="${BENCH_OUT:-docs/benchmarks.md}"
PEER_SRC="${BENCH_PEER_SRC:-../shared/peers/hono-bun}"
BENCH_TOOLS="${BENCH_TOOLS:-$HOME/.cache/sora/bench}"
export BENCH_SERVER_CPU="${BENCH_SERVER_CPU:-0}" BENCH_LOAD_CPU="${BENCH_LOAD_CPU:-1}"

command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || install_packages nginx-light
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
# oha, the load generator (not packaged by Debian): built once, cached.
OHA="$BENCH_TOOLS/bin/oha"
if [ ! -x "$OHA" ]; then
  echo "==> building oha (once)"
  CARGO_TARGET_DIR="$BENCH_TOOLS/target" cargo install oha --version 1.16.0 --locked --root "$BENCH_TOOLS"
fi
# 10,000 connections need as many descriptors on each side.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

echo "==> building release binaries"
cargo build --release --bins --quiet
BIN="${CARGO_TARGET_DIR:-target}/release"

work="$(mktemp -d /tmp/sora-bench.XXXXXX)"
chmod 755 "$work"
moto_pid=""
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null || true
  pg_stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> the peer (copied out of $PEER_SRC)"
cp -r "$PEER_SRC" "$work/peer"
chmod -R u+w "$work/peer"
(cd "$work/peer" && npm ci --no-audit --no-fund --loglevel=error >&2)

echo "==> PostgreSQL, pinned with the server"
pg_find_bindir
pg_port="$(free_port)"
pg_init "$work/pg"
taskset -c "$BENCH_SERVER_CPU" bash -c "source scripts/lib/postgres.sh; PG_BINDIR='$PG_BINDIR' PG_USER='$PG_USER' pg_start '$work/pg' '$pg_port'"
pg_psql "$pg_port" postgres "CREATE DATABASE sora"

BENCH_WORK="$work" BENCH_OHA="$OHA" BENCH_NGINX="$NGINX" BENCH_BIN="$BIN" \
  BENCH_PEER_DIR="$work/peer" BENCH_PG_PORT="$pg_port" \
  BENCH_FEEDBACK_BODY="$PEER_SRC/../feedback-batch-10.json" BENCH_PSQL="$PG_BINDIR/psql" \
  python3 scripts/bench/side_by_side.py > "$work/results.json"
cp "$work/results.json" "${BENCH_RESULTS:-/tmp/sora-bench-results.json}"

# Events: outbox → bus → consumer, file-server's relay and admin-api's
# consumer in one process (tests/e2e's example), on the PostgreSQL bus and on
# SQS (moto).
events_md="$work/events.md"
: > "$events_md"
if [ "${BENCH_EVENTS:-1}" != 0 ]; then
  cargo build --release --quiet -p sora-e2e --example event_throughput
  tools_install "moto[server]==5.1.16"
  sqs_port="$(free_port)"
  moto_server -H 127.0.0.1 -p "$sqs_port" >"$work/moto.log" 2>&1 &
  moto_pid=$!
  sleep 1
  run_events() {
    local label="$1" backend="$2" burst="$3" rate="$4" seconds="$5" line
    echo "==> events: $label" >&2
    line="$("${CARGO_TARGET_DIR:-target}/release/examples/event_throughput" "$backend" "$burst" "$rate" "$seconds" | grep '^RESULT')"
    echo "    $line" >&2
    printf '| %s | %s | %s | %s/s × %ss | %s | %s |\n' "$label" "$burst" \
      "$(sed -E 's/.*eps=([0-9.]+).*/\1/' <<<"$line")" "$rate" "$seconds" \
      "$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$line")" \
      "$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")"
  }
  {
    echo "## Events: outbox → bus → consumer"
    echo
    echo "file-server's relay and admin-api's audit consumer (production code, one process,"
    echo "release build) against the same PostgreSQL. *Burst*: events committed in one"
    echo "transaction, then events per second until the last audit row is committed. *Paced*:"
    echo "one event per transaction at a fixed rate; latency from the event's creation to its"
    echo "audit row's commit."
    echo
    echo "| bus | burst events | burst events/s | paced | p50 ms | p99 ms |"
    echo "|---|---:|---:|---|---:|---:|"
    export SORA_DATABASE__PORT="$pg_port" SORA_TELEMETRY__LOG_LEVEL=error
    run_events "PostgreSQL bus" postgres "${BENCH_PG_EVENTS:-5000}" 200 5
    SORA_EVENTS__SQS__ENDPOINT_URL="http://127.0.0.1:$sqs_port" \
      SORA_EVENTS__SQS__ACCESS_KEY_ID=bench SORA_EVENTS__SQS__SECRET_ACCESS_KEY=bench \
      run_events "SQS (moto server)" sqs "${BENCH_SQS_EVENTS:-300}" 10 5
  } > "$events_md"
fi

python3 scripts/bench/report.py "$work/results.json" "$events_md" docs/benchmarks-notes.md > "$OUT"
echo "==> wrote $OUT"
