#!/usr/bin/env bash
# The SQLite database of a population made by population.py (BENCHMARKS.md): a new database
# seeded from Seeds/ with Policies/, then each users-DAY.csv registered, enrolled in idor-2020 at
# 09:00 UTC on its day (users-none.csv: not enrolled). The benchmarks' shared first step.
#
#   Benchmarks/population-db.sh ADMIT DATA DB     # the admit binary, population.py's folder, the new database
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 ADMIT DATA DB" >&2; exit 2; }
admit=$1
data=$2
db=$3
root="$(cd "$(dirname "$0")/.." && pwd)"
rm -f "$db" "$db-wal" "$db-shm"
O=(--db "$db" --seeds "$root/Seeds" --policies "$root/Policies")
"$admit" audit verify "${O[@]}" > /dev/null   # a new, seeded database
for file in "$data"/users-*.csv; do
  day=$(basename "$file" .csv | sed 's/users-//')
  args=()
  if [ "$day" != "none" ]; then
    args=(--package idor-2020 --at "$(date -u -d "2020-11-07T23:00:00Z + $((10#$day)) days + 9 hours" +%Y-%m-%dT%H:%M:%SZ)")
  fi
  # Exit 1: some rows were rejected (the run still counts); 2 or more: it failed.
  status=0
  "$admit" register "$file" "${O[@]}" "${args[@]}" --json > /dev/null || status=$?
  [ "$status" -le 1 ] || { echo "$0: admit register $file failed (exit $status)" >&2; exit 1; }
done
