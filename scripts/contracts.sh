#!/usr/bin/env bash
# make contracts: writes each service's OpenAPI document to proto/, from the code.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --bins
for service in file-server feedback-api admin-api recommendation; do
  "${CARGO_TARGET_DIR:-target}/debug/$service" openapi > "proto/$service.openapi.json"
  echo "proto/$service.openapi.json"
done
SORA_UPDATE_CONTRACTS=1 cargo test --quiet -p sora-common --test api event_schemas_match >/dev/null
ls proto/events/*.schema.json
