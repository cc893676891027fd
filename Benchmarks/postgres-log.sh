#!/usr/bin/env bash
# The decision log on PostgreSQL beside SQLite, one run, release build (BENCHMARKS.md,
# "Decision log on PostgreSQL"; Docs/scaling.md's capacity plan).
#
#   Benchmarks/postgres-log.sh [ROWS]     # default 200,000 rows per configuration
#
# Starts a throw-away cluster (Tests/postgres/cluster.sh) in a temporary folder, runs
# Benchmarks/Sources/PostgresLog against it, and stops it. ADMIT_BENCH_POSTGRES=URL uses a server
# of your own instead.
set -euo pipefail
cd "$(dirname "$0")"
rows=${1:-200000}
build() { if command -v flock >/dev/null; then flock /tmp/admit-build.lock "$@"; else "$@"; fi; }
build swift build -c release --product PostgresLog >&2
bin="$(swift build -c release --show-bin-path)/PostgresLog"
url=${ADMIT_BENCH_POSTGRES:-}
if [ -z "$url" ]; then
  pg=$(mktemp -d /tmp/admit-bench-pg.XXXXXX)
  trap '../Tests/postgres/cluster.sh stop "$pg/data" || true; rm -rf "$pg"' EXIT
  url=$(../Tests/postgres/cluster.sh start "$pg/data")
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$bin" "$url" "$rows"
