#!/usr/bin/env bash
# The audit reports on PostgreSQL beside SQLite, one run, release build (BENCHMARKS.md, "Audit
# reports on PostgreSQL").
#
#   Benchmarks/postgres-reports.sh [REQUESTS]     # default 600,000 decisions logged on each store
#
# The population of 100,000 users (population.py, population-db.sh) in a new SQLite database and,
# by `admit copy`, in a throw-away PostgreSQL cluster (Tests/postgres/cluster.sh); the same random
# requests served (and logged) on both; then each report timed on both, the first one with the
# report tables' catch-up. WORK keeps the generated data between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-600000}
build() { if command -v flock >/dev/null; then flock /tmp/admit-build.lock "$@"; else "$@"; fi; }
build swift build -c release --product admit >&2
build swift build -c release --product admit-load >&2
bin="$(swift build -c release --show-bin-path)"
admit="$bin/admit"
load="$bin/admit-load"
work=${WORK:-$(mktemp -d /tmp/admit-bench-reports.XXXXXX)}
pg=$(mktemp -d /tmp/admit-bench-pg.XXXXXX)
trap 'Tests/postgres/cluster.sh stop "$pg/data" > /dev/null 2>&1 || true; rm -rf "$pg"' EXIT
data="$work/data-100000-300000"
[ -f "$data/requests.jsonl" ] || python3 Benchmarks/population.py generate 100000 300000 "$data" >&2
db="$work/reports.sqlite"
Benchmarks/population-db.sh "$admit" "$data" "$db"
url=$(Tests/postgres/cluster.sh start "$pg/data" 2> /dev/null)
"$admit" copy --db "$db" --to "$url" >&2
S=(--db "$db" --policies Policies)
P=(--db "$url" --policies Policies)
for store in S P; do
  declare -n args=$store
  left=$requests
  while [ "$left" -gt 0 ]; do
    n=$((left < 300000 ? left : 300000))
    "$load" --file "$data/requests.jsonl" --requests "$n" --warmup 0 --spawn "$admit" serve "${args[@]}" -- > /dev/null
    left=$((left - n))
  done
done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); decisions: SQLite $(sqlite3 "$db" 'SELECT count(*) FROM audit_decisions'), PostgreSQL $(psql "$url" -tAc 'SELECT count(*) FROM audit_decisions')" >&2
user=$(sqlite3 "$db" "SELECT email FROM users WHERE id = 5000")
# time NAME ARGS…: one row with both stores' wall seconds.
time_both() {
  local name=$1; shift
  local s p
  s=$( { /usr/bin/time -f %e "$admit" "$@" "${S[@]}" > /dev/null; } 2>&1 | tail -1)
  p=$( { /usr/bin/time -f %e "$admit" "$@" "${P[@]}" > /dev/null; } 2>&1 | tail -1)
  printf '| %-52s | %8s | %10s |\n' "$name" "$s" "$p"
}
printf '| %-52s | %8s | %10s |\n' report "SQLite s" "PostgreSQL s"
printf '|%s|%s|%s|\n' ------------------------------------------------------ ---------- ------------
time_both "audit enrolments (catch-up of every decision, then the report)" audit enrolments --format json
time_both "audit enrolments (again)" audit enrolments --format json
time_both "audit decisions --user (one user)" audit decisions --user "$user" --format json
time_both "audit decisions --lecture idor-2020-07 --effect deny" audit decisions --lecture idor-2020-07 --effect deny --format json
time_both "audit decisions --package idor-2020 --limit 100" audit decisions --package idor-2020 --limit 100 --format json
time_both "audit decisions --limit 100 (no filter)" audit decisions --limit 100 --format json
echo "PostgreSQL report tables: $(psql "$url" -tAc "SELECT pg_size_pretty(sum(pg_total_relation_size(c))) FROM unnest(ARRAY['decisions_by_user','decisions_by_lecture','lecture_opens','opens_without_enrolment']::regclass[]) AS c")" >&2
