# Python tools the checks need, in a venv outside the checkout (sourced).
# Installed from PyPI on first use; cached in $SORA_TOOLS_DIR.

SORA_TOOLS_DIR="${SORA_TOOLS_DIR:-$HOME/.cache/sora/tools}"

# tools_install PACKAGE...: makes sure each package is in the venv, then puts
# the venv's bin/ first on PATH.
tools_install() {
  if [ ! -x "$SORA_TOOLS_DIR/bin/pip" ]; then
    python3 -m venv "$SORA_TOOLS_DIR" >&2
    "$SORA_TOOLS_DIR/bin/pip" install -q --upgrade pip >&2
  fi
  local missing=()
  local pkg
  for pkg in "$@"; do
    "$SORA_TOOLS_DIR/bin/pip" show -q "${pkg%%[=<>\[]*}" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} into $SORA_TOOLS_DIR" >&2
    "$SORA_TOOLS_DIR/bin/pip" install -q "${missing[@]}" >&2
  fi
  export PATH="$SORA_TOOLS_DIR/bin:$PATH"
}
