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
if [ -z "$url" ]; then
  pg=$(mktemp -d /tmp/admit-bench-pg.XXXXXX)
  trap '../Tests/postgres/cluster.sh stop "$pg/data" || true; rm -rf "$pg"' EXIT
  url=$(../Tests/postgres/cluster.sh start "$pg/data")
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$bin" "$url" "$checks"
