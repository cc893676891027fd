#!/usr/bin/env bash
# Bulk registration benchmark: `admit register` against the sqlite3 shell's `.import` of the same
# CSV into a bare table (the floor), side by side in one run, release build.
#
#   Benchmarks/register.sh [ROWS]        # default 1,000,000
#
# Environment: WORK (a folder for the data and databases; default a new temporary one),
# ADMIT (an admit binary to use instead of building one), STDIN_ROWS (if set, also stream that
# many generated rows through standard input, to show that memory stays flat), POSTGRES=1 (also
# the same runs on PostgreSQL, in a throw-away cluster of Tests/postgres/cluster.sh on the same
# machine; needs Debian's postgresql).
# Needs python3 (the generator), sqlite3 and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
csv="$work/users-$rows.csv"

if [ -z "${ADMIT:-}" ]; then
  # Other builds may share the machine: take the build lock when there is one.
  if command -v flock >/dev/null; then flock /tmp/admit-build.lock swift build -c release --product admit >&2
  else swift build -c release --product admit >&2; fi
  ADMIT="$(swift build -c release --show-bin-path)/admit"
fi
[ -f "$csv" ] || python3 Benchmarks/register-generate.py "$rows" > "$csv"
echo "data: $csv ($(du -h "$csv" | cut -f1), $rows rows); machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# measure NAME COMMAND...: runs the command under GNU time and prints one table row.
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" > "$work/$name.out" 2> "$work/$name.err" || true
  read -r wall user sys rss < "$work/time.txt"
  awk -v n="$name" -v r="$rows" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" 'BEGIN {
    printf "| %-28s | %8.2f | %8.2f | %7.2f | %8.0f | %10.0f | %10.0f |\n", n, w, u, s, m / 1024, r / w, r / (u + s) }'
}

printf "| %-28s | %8s | %8s | %7s | %8s | %10s | %10s |\n" step "wall s" "user s" "sys s" "peak MB" "rows/s" "rows/CPU-s"
printf "|%s|%s|%s|%s|%s|%s|%s|\n" ------------------------------ ---------- ---------- --------- ---------- ------------ ------------

rm -f "$work/floor.sqlite"
measure "sqlite3 .import (floor)" sqlite3 "$work/floor.sqlite" \
  -cmd "CREATE TABLE users(email TEXT, name TEXT, profession TEXT, country TEXT, account TEXT, subscription TEXT);" \
  ".import --csv --skip 1 $csv users"

db="$work/admit.sqlite"
rm -f "$db" "$db-wal" "$db-shm"
"$ADMIT" policy check Policies > /dev/null
# A new database is created and seeded outside the measurement.
printf 'email,name,profession\n' > "$work/empty.csv"
"$ADMIT" register "$work/empty.csv" --db "$db" --seeds Seeds --policies Policies > /dev/null
measure "admit register (new users)" "$ADMIT" register "$csv" --db "$db" --seeds Seeds --policies Policies --json
measure "admit register (same again)" "$ADMIT" register "$csv" --db "$db" --seeds Seeds --policies Policies --json
measure "admit register --dry-run" "$ADMIT" register "$csv" --db "$db" --seeds Seeds --policies Policies --dry-run --json

if [ -n "${STDIN_ROWS:-}" ]; then
  rm -f "$db" "$db-wal" "$db-shm"
  "$ADMIT" register "$work/empty.csv" --db "$db" --seeds Seeds --policies Policies > /dev/null
  python3 Benchmarks/register-generate.py "$STDIN_ROWS" > "$work/stdin.csv"
  rows=$STDIN_ROWS measure "admit register - ($STDIN_ROWS rows)" \
    sh -c "\"$ADMIT\" register - --db \"$db\" --seeds Seeds --policies Policies --json < \"$work/stdin.csv\""
fi

if [ -n "${POSTGRES:-}" ]; then
  pg=$(mktemp -d /tmp/admit-bench-pg.XXXXXX)
  trap 'Tests/postgres/cluster.sh stop "$pg/data" > /dev/null 2>&1 || true; rm -rf "$pg"' EXIT
  url=$(Tests/postgres/cluster.sh start "$pg/data" 2> /dev/null)
  P=(--db "$url" --seeds Seeds --policies Policies)
  "$ADMIT" register "$work/empty.csv" "${P[@]}" > /dev/null
  measure "PostgreSQL: new users" "$ADMIT" register "$csv" "${P[@]}" --json
  measure "PostgreSQL: same again" "$ADMIT" register "$csv" "${P[@]}" --json
  measure "PostgreSQL: --dry-run" "$ADMIT" register "$csv" "${P[@]}" --dry-run --json
  echo "PostgreSQL database: $(psql "$url" -tAc "SELECT pg_size_pretty(pg_database_size(current_database()))")" >&2
fi

echo >&2
echo "summaries (admit --json): $(head -c 400 "$work/admit register (new users).out")…" >&2
