#!/usr/bin/env bash
# Two (or more) admit binaries on the OneRoster benchmark's data, interleaved (BENCHMARKS.md,
# "OneRoster import"): each round runs every binary on every input in turn, so that a machine
# shared with other work slows them alike; prints the minimum wall time and the minimum user +
# system CPU time of each binary and input.
#
#   WORK=/tmp/bench Benchmarks/oneroster.sh            # once: makes the data in $WORK
#   WORK=/tmp/bench Benchmarks/oneroster-compare.sh ROUNDS BINARY...
#
# Inputs: `csv` (Admit CSV, --package --at), `csvext` (the same with an external_id column),
# `or` (the OneRoster folder with its class map). Environment: WORK (required), USERS (100000).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:?set WORK to the folder Benchmarks/oneroster.sh wrote its data to}
data="$work/oneroster-${USERS:-100000}"
rounds=$1; shift
results="$work/compare.txt"; : > "$results"
for _ in $(seq "$rounds"); do
  for binary in "$@"; do
    for input in csv csvext or; do
      rm -f "$work/c.sqlite" "$work/c.sqlite-wal" "$work/c.sqlite-shm"
      "$binary" audit verify --db "$work/c.sqlite" --seeds Seeds --policies Policies > /dev/null   # a new, seeded database
      case $input in
        csv) args=(register "$data/users.csv" --package idor-2020 --at 2020-11-10T00:00:00+01:00) ;;
        csvext) args=(register "$data/users-ext.csv" --package idor-2020 --at 2020-11-10T00:00:00+01:00) ;;
        or) args=(register --format oneroster "$data/roster" --class-map "$data/map.csv") ;;
      esac
      /usr/bin/time -f "%e %U %S" -o "$work/time.txt" "$binary" "${args[@]}" --db "$work/c.sqlite" --seeds Seeds \
        --policies Policies --json > /dev/null || true
      read -r wall user system < <(tail -1 "$work/time.txt")
      echo "$binary $input $wall $(awk -v u="$user" -v s="$system" 'BEGIN { print u + s }')" >> "$results"
    done
  done
done
awk '{ k = $1 " " $2; if (!(k in w) || $3 < w[k]) w[k] = $3; if (!(k in c) || $4 < c[k]) c[k] = $4; n[k]++ }
  END { for (k in w) printf "%-60s wall %.2f s  cpu %.2f s  (%d runs)\n", k, w[k], c[k], n[k] }' "$results" | sort
