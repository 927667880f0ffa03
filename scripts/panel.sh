#!/usr/bin/env bash
# The TypeScript parts: Sora's typed client (clients/typescript) and the
# Lichtblick panel that uses it (panel/).
#   scripts/panel.sh check    regenerates the client from proto/*.openapi.json
#                             and fails when it differs from what is committed,
#                             type-checks both, runs the panel's unit tests,
#                             then builds and packages the panel (make test)
#   scripts/panel.sh package  builds panel/sora.recommendations-<version>.foxe
#                             (make panel; make run publishes it)
# The packages are the locked ones (npm ci), from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-package}"
case "$mode" in check|package) ;; *) echo "usage: $0 check|package" >&2; exit 2 ;; esac

npm_ci() { npm ci --prefix "$1" --no-audit --no-fund --loglevel=error >&2; }

npm_ci clients/typescript
if [ "$mode" = check ]; then
  npm run --silent --prefix clients/typescript generate
  if ! git diff --quiet -- clients/typescript/src/generated \
     || [ -n "$(git ls-files --others --exclude-standard clients/typescript/src/generated)" ]; then
    git diff --stat -- clients/typescript/src/generated >&2
    echo "clients/typescript/src/generated is not what proto/ gives: run scripts/panel.sh check and commit it" >&2
    exit 1
  fi
fi
npm run --silent --prefix clients/typescript build

npm_ci panel
if [ "$mode" = check ]; then
  npm run --silent --prefix panel typecheck
  npm test --silent --prefix panel
fi
npm run --silent --prefix panel build >&2
(cd panel && rm -f ./*.foxe && npx --no-install lichtblick-extension package >&2)
ls panel/*.foxe
