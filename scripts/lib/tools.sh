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

# moto_start PORT LOG: moto's SQS and S3 server on 127.0.0.1:PORT in the
# background, its pid in MOTO_PID; returns once it accepts connections.
moto_start() {
  local port="$1"
  moto_server -H 127.0.0.1 -p "$port" >"$2" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && return 0
    sleep 0.1
  done
}
