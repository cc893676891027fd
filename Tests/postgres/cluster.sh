#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for Admit's tests and CI.
#
#   Tests/postgres/cluster.sh start DIR   initdb into DIR (a stale one is wiped), start it on a free
#                                         loopback port, create the database admit_test, print
#                                         postgresql://USER:PASS@127.0.0.1:PORT/admit_test
#   Tests/postgres/cluster.sh stop DIR    stop the cluster in DIR (nothing if none runs there)
#
# Installs Debian's postgresql when initdb is missing. initdb refuses root: as root, the cluster
# runs as the system user admitpg (created when missing). Everything but the URL goes to stderr.
set -euo pipefail

usage() { echo "usage: $0 start DIR | stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
command_name=$1
dir=$2

log() { echo "cluster.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

find_bin() {
  local found
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return 0
  fi
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; return 0; fi
  return 1
}

install_postgresql() {
  log "initdb not found; installing Debian's postgresql"
  command -v apt-get >/dev/null 2>&1 || die "initdb is missing and apt-get is not available: install PostgreSQL"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "initdb is missing and installing PostgreSQL needs root"
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq postgresql >&2
}

# Run a command as the cluster's owner: ourselves, or admitpg when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u admitpg -- "$@"; else "$@"; fi
}

free_port() {
  python3 - <<'EOF' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

bin=$(find_bin || true)

case "$command_name" in
  stop)
    [ -n "$bin" ] || exit 0
    if [ -f "$dir/PG_VERSION" ] && [ -f "$dir/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >&2 || log "pg_ctl stop failed in $dir"
    fi
    exit 0
    ;;
  start) ;;
  *) usage ;;
esac

if [ -z "$bin" ]; then
  install_postgresql
  bin=$(find_bin) || die "postgresql is installed but initdb is still not found"
fi

if [ "$(id -u)" -eq 0 ]; then
  id admitpg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin admitpg
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# A stale cluster (a test run killed before its stop): stop it if it runs, then start afresh.
if [ -f "$dir/postmaster.pid" ] && [ -f "$dir/PG_VERSION" ]; then
  as_owner "$bin/pg_ctl" -D "$dir" -m immediate -w stop >&2 2>/dev/null || true
fi
find "$dir" -mindepth 1 -delete
if [ "$(id -u)" -eq 0 ]; then
  chown admitpg "$dir"
  # admitpg must reach DIR: every parent folder needs search (x) permission for others.
  parent=$(dirname "$dir")
  while [ "$parent" != "/" ]; do
    chmod o+x "$parent" 2>/dev/null || true
    parent=$(dirname "$parent")
  done
fi
chmod 700 "$dir"

user=admit
password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
pwfile=$(mktemp)
trap 'rm -f "$pwfile"' EXIT
printf '%s\n' "$password" > "$pwfile"
if [ "$(id -u)" -eq 0 ]; then chown admitpg "$pwfile"; fi
as_owner "$bin/initdb" -D "$dir" -U "$user" --pwfile="$pwfile" --auth=scram-sha-256 \
  --encoding=UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
  || { cat "$dir.initdb.log" >&2; die "initdb into $dir failed"; }
rm -f "$dir.initdb.log"

# A port taken between choosing and binding: try again with another.
started=""
for attempt in 1 2 3 4 5; do
  port=$(free_port)
  if as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1" -w -t 30 start >&2; then
    started=yes
    break
  fi
  log "start on port $port failed (attempt $attempt); server.log says:"
  tail -n 5 "$dir/server.log" >&2 || true
done
[ -n "$started" ] || die "the cluster in $dir did not start"

PGPASSWORD=$password "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U "$user" -d postgres \
  -c "CREATE DATABASE admit_test" >&2 || die "CREATE DATABASE admit_test failed"

echo "postgresql://$user:$password@127.0.0.1:$port/admit_test"
