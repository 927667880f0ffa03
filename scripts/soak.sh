#!/usr/bin/env bash
# make soak: the four services (release build) under a steady mixed load for
# SOAK_DURATION seconds (default 1800) while faults arrive, in two
# configurations one after the other: `make run`'s embedded defaults
# (PostgreSQL event bus, filesystem store) and the AWS one (SQS and S3 on a
# local moto server, reached through proxies the soak can cut). Writes
# docs/soak.md and its plots (docs/soak/). scripts/soak/soak.py does the work.
#
#   SOAK_BACKENDS="postgres aws"  the configurations to run
#   SOAK_RATE=40                  operations per second
#   SOAK_SHORT=1                  the 3-minute run of `make test`: fewer
#                                 faults, debug build, report in a temp folder
#   SOAK_REPORT_DIR               where the report goes (default docs/)
#
# Uses ports 3000–3003 (`make run`'s), and free ones for PostgreSQL and moto.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh
source scripts/lib/tools.sh

short="${SOAK_SHORT:-}"
backends="${SOAK_BACKENDS:-postgres aws}"
rate="${SOAK_RATE:-40}"
if [ -n "$short" ]; then
  duration="${SOAK_DURATION:-180}"
  profile=debug
  report="${SOAK_REPORT_DIR:-$(mktemp -d /tmp/sora-soak-report.XXXXXX)}"
  soak_args=(--short --warmup 15 --gap 12 --quiet 20)
else
  duration="${SOAK_DURATION:-1800}"
  profile=release
  report="${SOAK_REPORT_DIR:-docs}"
  soak_args=(--warmup 60 --gap 60 --quiet 60)
fi
unset SOAK_SHORT SOAK_DURATION SOAK_REPORT_DIR SOAK_BACKENDS SOAK_RATE

tools_install "moto[server]==5.1.16" "matplotlib==3.10.7"
if [ "$profile" = release ]; then
  echo "==> soak: building release binaries"
  cargo build --release --bins --quiet
fi
BIN="${CARGO_TARGET_DIR:-target}/$profile"
pg_find_bindir
mkdir -p "$report/soak"

work=""
moto_pid=""
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null || true
  if [ -n "$work" ]; then
    pg_stop "$work/postgres"
    rm -rf "$work"
  fi
}
trap cleanup EXIT

status=0
for backend in $backends; do
  work="$(mktemp -d /tmp/sora-soak.XXXXXX)"
  chmod 755 "$work"
  mkdir -p "$work/env" "$work/objects"
  port="$(free_port)"
  pg_init "$work/postgres"
  pg_start "$work/postgres" "$port"
  pg_psql "$port" postgres "CREATE DATABASE sora"
  "$BIN/admin-api" keygen "$work/keys" >/dev/null
  kid="$(sed -n 's/^SORA_IDENTITY__SIGNING_KID=//p' "$work/keys/signing.env")"
  keys="$(sed -n 's/^SORA_AUTH__PUBLIC_KEYS=//p' "$work/keys/signing.env")"
  {
    echo "SORA_DATABASE__PORT=$port"
    echo "SORA_AUTH__PUBLIC_KEYS=$keys"
    echo "SORA_AUTH__REVOCATIONS_URL=http://127.0.0.1:3002/internal/revocations"
    echo "SORA_TELEMETRY__LOG_LEVEL=warn"
  } >"$work/env/common"
  extra=()
  if [ "$backend" = aws ]; then
    moto_port="$(free_port)"
    sqs_port="$(free_port)"
    s3_port="$(free_port)"
    moto_start "$moto_port" "$work/moto.log"
    moto_pid=$MOTO_PID
    {
      echo "SORA_EVENTS__BACKEND=sqs"
      echo "SORA_EVENTS__SQS__ENDPOINT_URL=http://127.0.0.1:$sqs_port"
      echo "SORA_EVENTS__SQS__ACCESS_KEY_ID=soak"
      echo "SORA_EVENTS__SQS__SECRET_ACCESS_KEY=soak"
      echo "SORA_EVENTS__SQS__QUEUE_PREFIX=soak-"
    } >>"$work/env/common"
    extra=(SOAK_MOTO_PORT="$moto_port" SOAK_SQS_PORT="$sqs_port" SOAK_S3_PORT="$s3_port")
  fi
  for service in file-server feedback-api admin-api recommendation; do
    cp "$work/env/common" "$work/env/$service.env"
  done
  if [ "$backend" = aws ]; then
    cat >>"$work/env/file-server.env" <<ENV
SORA_STORAGE__BACKEND=s3
SORA_STORAGE__S3__BUCKET=soak
SORA_STORAGE__S3__ENDPOINT_URL=http://127.0.0.1:$s3_port
SORA_STORAGE__S3__FORCE_PATH_STYLE=true
SORA_STORAGE__S3__ACCESS_KEY_ID=soak
SORA_STORAGE__S3__SECRET_ACCESS_KEY=soak
SORA_STORAGE__S3__CREATE_BUCKET=true
ENV
  else
    echo "SORA_STORAGE__PATH=$work/objects" >>"$work/env/file-server.env"
  fi
  if [ -n "$short" ]; then
    # A debug build hashes passwords tens of times slower: at the short run's
    # login rate the default Argon2 cost would saturate both cores.
    printf '%s\n' SORA_IDENTITY__ARGON2_MEMORY_KIB=1024 SORA_IDENTITY__ARGON2_ITERATIONS=1 >>"$work/env/admin-api.env"
  fi
  {
    echo "SORA_IDENTITY__SIGNING_KID=$kid"
    echo "SORA_IDENTITY__SIGNING_KEY=$(awk '{printf "%s\\n", $0}' "$work/keys/signing.pem")"
  } >>"$work/env/admin-api.env"
  for service in file-server feedback-api admin-api recommendation; do
    env -i PATH="$PATH" $(grep -v '^SORA_IDENTITY__SIGNING_KEY=' "$work/env/$service.env" | grep -v '^SORA_AUTH__PUBLIC_KEYS=') \
      "$BIN/$service" provision "postgres://postgres@127.0.0.1:$port/sora" >/dev/null
  done

  echo "==> soak ($backend): $duration s at $rate operations/s"
  if ! env "${extra[@]}" SOAK_PG_BINDIR="$PG_BINDIR" SOAK_PGDATA="$work/postgres/data" SOAK_PG_PORT="$port" \
    SOAK_PG_USER="$PG_USER" PYTHONPATH=scripts/soak \
    python3 scripts/soak/soak.py "${soak_args[@]}" --duration "$duration" --rate "$rate" \
      --backend "$backend" --work "$work" --bin "$BIN" --report "$report" \
      --mcap fixtures/mcap/lichtblick__example_logs.mcap; then
    status=1
    echo "==> soak ($backend) FAILED; the services' logs:" >&2
    for log in "$work"/*.log; do echo "--- $log" >&2; grep -v '^\s*$' "$log" | tail -15 >&2 || true; done
  fi
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null || true
  moto_pid=""
  pg_stop "$work/postgres"
  rm -rf "$work"
  work=""
done
PYTHONPATH=scripts/soak python3 -c "import report; report.markdown('$report')"
echo "==> soak report: $report/soak.md"
exit "$status"
