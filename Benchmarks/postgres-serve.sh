#!/usr/bin/env bash
# Whole replicas: `admit serve` on PostgreSQL beside `admit serve` on SQLite, release build, on
# the 100,000-user population of population.py (BENCHMARKS.md, "Whole replicas on PostgreSQL";
# Docs/scaling.md). Requests pipelined by admit-load, every answer given after its decision is
# committed. Per round: SQLite and PostgreSQL on stdio and on TCP, then two PostgreSQL replicas
# (two processes, two writers) each loaded by its own client at once.
#
#   Benchmarks/postgres-serve.sh [REQUESTS] [ROUNDS]    # default 300,000 requests, 3 rounds
#
# Starts a throw-away cluster (Tests/postgres/cluster.sh) and copies the population's SQLite
# database into it with `admit copy`. WORK keeps the population between runs; PORT (default 7831).
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-300000}
rounds=${2:-3}
port=${PORT:-7831}
build() { if command -v flock >/dev/null; then flock /tmp/admit-build.lock "$@"; else "$@"; fi; }
build swift build -c release --product admit >&2
build swift build -c release --product admit-load >&2
bin="$(swift build -c release --show-bin-path)"
admit="$bin/admit"
load="$bin/admit-load"
work=${WORK:-$(mktemp -d /tmp/admit-bench-serve.XXXXXX)}
pg=$(mktemp -d /tmp/admit-bench-pg.XXXXXX)
serving=()
cleanup() {
  for pid in "${serving[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  Tests/postgres/cluster.sh stop "$pg/data" || true
  rm -rf "$pg"
}
trap cleanup EXIT
data="$work/data-100000-$requests"
[ -f "$data/requests.jsonl" ] || python3 Benchmarks/population.py generate 100000 "$requests" "$data" >&2
db="$work/serve.sqlite"
[ -f "$db" ] || Benchmarks/population-db.sh "$admit" "$data" "$db"
url=$(Tests/postgres/cluster.sh start "$pg/data")
"$admit" copy --db "$db" --to "$url" >&2
S=(--db "$db" --policies Policies)
P=(--db "$url" --policies Policies)
decisions() { psql "$url" -tAc "SELECT count(*) FROM audit_decisions"; }
rate() { grep -o '[0-9]* req/s' | head -1; }
# Starts `admit serve ARGS… --listen 127.0.0.1:PORT` and waits until it listens.
listen() {
  local log="$work/serve-$1.log"
  local where=$1
  shift
  "$admit" serve "$@" --listen "127.0.0.1:$where" 2> "$log" &
  serving+=($!)
  for _ in $(seq 300); do grep -q listening "$log" && return 0; sleep 0.1; done
  echo "admit serve on port $where did not start:" >&2; cat "$log" >&2; exit 1
}
stop_all() {
  for pid in "${serving[@]}"; do kill -TERM "$pid"; wait "$pid" || true; done
  serving=()
}
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); work: $work" >&2
warm=$((requests / 10))
half=$((requests / 2))
for round in $(seq "$rounds"); do
  sqlite_stdio=$("$load" --file "$data/requests.jsonl" --requests "$requests" --warmup "$warm" --spawn "$admit" serve "${S[@]}" -- | rate)
  before=$(decisions)
  pg_stdio=$("$load" --file "$data/requests.jsonl" --requests "$requests" --warmup "$warm" --spawn "$admit" serve "${P[@]}" -- | rate)
  logged=$(($(decisions) - before))
  listen "$port" "${S[@]}"
  sqlite_tcp=$("$load" --file "$data/requests.jsonl" --requests "$requests" --warmup "$warm" --connect "127.0.0.1:$port" | rate)
  stop_all
  listen "$port" "${P[@]}"
  pg_tcp=$("$load" --file "$data/requests.jsonl" --requests "$requests" --warmup "$warm" --connect "127.0.0.1:$port" | rate)
  stop_all
  ADMIT_WRITER=replica-a listen "$port" "${P[@]}"
  ADMIT_WRITER=replica-b listen "$((port + 1))" "${P[@]}"
  start=$(date +%s.%N)
  "$load" --file "$data/requests.jsonl" --requests "$half" --warmup 0 --connect "127.0.0.1:$port" > "$work/a.out" &
  a=$!
  "$load" --file "$data/requests.jsonl" --requests "$half" --warmup 0 --connect "127.0.0.1:$((port + 1))" > "$work/b.out" &
  b=$!
  wait "$a" "$b"
  end=$(date +%s.%N)
  stop_all
  two=$(awk -v s="$start" -v e="$end" -v n="$((2 * half))" 'BEGIN { printf "%.0f req/s", n / (e - s) }')
  printf 'round %s  SQLite: stdio %-11s TCP %-11s | PostgreSQL: stdio %-11s (%s decisions logged) TCP %-11s | two replicas %s (%s + %s)\n' \
    "$round" "$sqlite_stdio" "$sqlite_tcp" "$pg_stdio" "$logged" "$pg_tcp" "$two" "$(rate < "$work/a.out")" "$(rate < "$work/b.out")"
done
echo "PostgreSQL decision log: $(psql "$url" -tAc "SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits WHERE inhparent = 'audit_decisions'::regclass") for $(decisions) decisions" >&2
