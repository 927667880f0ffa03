# PostgreSQL helpers shared by run.sh, test.sh and bench.sh (sourced, not run).
# The server always listens on 127.0.0.1 only, TCP only (no Unix socket).

# Sets PG_BINDIR to the newest installed PostgreSQL server binaries, installing
# the Debian/Ubuntu packages first if there are none.
pg_find_bindir() {
  PG_BINDIR=""
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then PG_BINDIR="$dir"; break; fi
  done
  if [ -z "$PG_BINDIR" ] && command -v pg_config >/dev/null 2>&1; then
    dir="$(pg_config --bindir)"
    [ -x "$dir/initdb" ] && PG_BINDIR="$dir"
  fi
  if [ -z "$PG_BINDIR" ] && command -v initdb >/dev/null 2>&1; then
    PG_BINDIR="$(dirname "$(readlink -f "$(command -v initdb)")")"
  fi
  if [ -z "$PG_BINDIR" ]; then
    echo "PostgreSQL server binaries not found: installing them with apt-get" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgresql-client >&2
    pg_find_bindir_no_install
  fi
  [ -n "$PG_BINDIR" ] || { echo "could not find or install PostgreSQL" >&2; return 1; }
  # Run the server as an unprivileged user: initdb refuses root.
  PG_USER=""
  if [ "$(id -u)" -eq 0 ]; then PG_USER="nobody"; fi
  export PG_BINDIR PG_USER
}

pg_find_bindir_no_install() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ]; then PG_BINDIR="$dir"; return; fi
  done
}

# pg_as TOOL ARGS...: runs a server binary as the cluster's owner.
pg_as() {
  local tool="$1"; shift
  if [ -n "$PG_USER" ]; then
    runuser -u "$PG_USER" -- "$PG_BINDIR/$tool" "$@"
  else
    "$PG_BINDIR/$tool" "$@"
  fi
}

# pg_init DIR: creates a cluster in DIR/data unless one is there already.
pg_init() {
  local dir="$1"
  mkdir -p "$dir"
  if [ -n "$PG_USER" ]; then
    chown "$PG_USER" "$dir"
    if ! runuser -u "$PG_USER" -- test -w "$dir"; then
      echo "the user '$PG_USER' cannot write to $dir (is a parent folder private?); set SORA_DATA_DIR to another folder" >&2
      return 1
    fi
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pg_as initdb -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; return 1; }
  fi
}

# pg_start DIR PORT: starts the cluster (waits until it accepts connections).
pg_start() {
  local dir="$1" port="$2"
  pg_as pg_ctl -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300 -c fsync=${PG_FSYNC:-on}" \
    start >/dev/null || { tail -20 "$dir/postgres.log" >&2; return 1; }
}

# pg_stop DIR: fast shutdown, if running.
pg_stop() {
  local dir="$1"
  if [ -f "$dir/data/postmaster.pid" ]; then
    pg_as pg_ctl -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

# free_port: prints a TCP port nothing listens on.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# pg_psql PORT DB SQL: runs SQL as the superuser.
pg_psql() {
  local port="$1" db="$2" sql="$3"
  "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" -c "$sql"
}

# pg_psql_file PORT DB FILE: runs an SQL file as the superuser, in one transaction.
pg_psql_file() {
  local port="$1" db="$2" file="$3"
  "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" -f "$file"
}
