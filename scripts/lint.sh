#!/usr/bin/env bash
# make lint: formatting and clippy, then the checks that catch drift before
# it lands:
#   - a Rust source file with more than 500 lines of code (tests apart) says
#     why at the top (`//! Long because: …`), or is split along its seams;
#   - no two modules of a crate import each other, directly or around a
#     circle (scripts/lint/import_circles.py);
#   - `duplicates` (when installed) may not find more pairs of repeated code
#     between two services than scripts/lint-duplicates-baseline allows: the
#     count only goes down (lower the baseline when you remove some).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

status=0
while IFS= read -r file; do
  [ -f "$file" ] || continue
  code=$(awk '/^#\[cfg\(test\)\]/{exit} {n++} END{print n+0}' "$file")
  if [ "$code" -gt 500 ] && ! head -n 40 "$file" | grep -q '^//! Long because:'; then
    echo "lint: $file has $code lines of code and no \`//! Long because:\` line: split it or say why" >&2
    status=1
  fi
done < <(git ls-files --cached --others --exclude-standard 'crates/*/src/*.rs' 'crates/*/src/**/*.rs' 'services/*/src/*.rs' 'services/*/src/**/*.rs')

python3 scripts/lint/import_circles.py || status=1

if command -v duplicates >/dev/null 2>&1; then
  # Pairs whose two sides are in different services (tests apart).
  between=$(duplicates --repo . --most 200 --seconds 120 \
    | grep -E '^D[0-9]+ ' | grep -v boilerplate \
    | awk '{ split($2, a, "/"); split($4, b, "/");
             if (a[1] == "services" && b[1] == "services" && a[2] != b[2] \
                 && $2 !~ /\/tests\// && $4 !~ /\/tests\//) n++ }
           END { print n + 0 }')
  baseline=$(cat scripts/lint-duplicates-baseline)
  echo "lint: $between pairs of repeated code between services (baseline $baseline)"
  if [ "$between" -gt "$baseline" ]; then
    echo "lint: more repeated code between services than before: run \`duplicates\` and move it into crates/common" >&2
    status=1
  fi
else
  echo "lint: duplicates is not installed; skipping the repeated-code check" >&2
fi
exit "$status"
