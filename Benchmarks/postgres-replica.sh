#!/usr/bin/env bash
# A replica's hot path on PostgreSQL beside SQLite, one run, release build (BENCHMARKS.md,
# "A replica's hot path on PostgreSQL"; Docs/scaling.md's capacity plan): checks decided on the
# 100,000-user population and logged in committed batches, answers counted after the commit.
#
#   Benchmarks/postgres-replica.sh [CHECKS]     # default 1,000,000 checks per configuration
#
# Starts a throw-away cluster (Tests/postgres/cluster.sh) in a temporary folder, runs
# Benchmarks/Sources/PostgresReplica against it, and stops it. ADMIT_BENCH_POSTGRES=URL uses a server
# of your own instead.
set -euo pipefail
cd "$(dirname "$0")"
checks=${1:-1000000}
build() { if command -v flock >/dev/null; then flock /tmp/admit-build.lock "$@"; else "$@"; fi; }
build swift build -c release --product PostgresReplica >&2
bin="$(swift build -c release --show-bin-path)/PostgresReplica"
url=${ADMIT_BENCH_POSTGRES:-}
pg=""
scratch=""
cleanup() {
  if [ -n "$pg" ]; then ../Tests/postgres/cluster.sh stop "$pg/data" || true; rm -rf "$pg"; fi
  if [ -n "$scratch" ]; then rm -rf "$scratch"; fi
}
trap cleanup EXIT
if [ -z "$url" ]; then
  pg=$(mktemp -d /tmp/admit-bench-pg.XXXXXX)
  url=$(../Tests/postgres/cluster.sh start "$pg/data")
fi
# The population's database and requests for the Admission rows, made as Benchmarks/transport.sh
# makes them (100,000 users; WORK keeps them between runs).
work=${WORK:-}
if [ -z "$work" ]; then scratch=$(mktemp -d /tmp/admit-bench-replica.XXXXXX); work=$scratch; fi
data="$work/data-100000-$checks"
[ -f "$data/requests.jsonl" ] || python3 population.py generate 100000 "$checks" "$data" >&2
db="$work/replica.sqlite"
admit="$(cd .. && swift build -c release --show-bin-path)/admit"
build bash -c "cd .. && swift build -c release --product admit" >&2
./population-db.sh "$admit" "$data" "$db"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$bin" "$url" "$checks" "$db" "$data/requests.jsonl"
