#!/usr/bin/env bash
# The service's transports alone, on the population of population.sh (BENCHMARKS.md, "One
# transport model"): pipelined `check`s on stdio through admit-load, `admit serve` reading a
# regular file and writing to /dev/null or a regular file, and pipelined on TCP. Release build.
#
#   Benchmarks/transport.sh [USERS] [REQUESTS] [ROUNDS]   # default 100,000 users, 300,000 requests, 3 rounds
#
# Environment: WORK (a folder for data and the database; default a new temporary one), ADMIT and
# ADMIT_LOAD (binaries to use instead of building; set ADMIT_B to alternate with a second admit,
# round by round, for an A/B on the same data), PORT (default 7821).
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-100000}
requests=${2:-300000}
rounds=${3:-3}
port=${PORT:-7821}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"

if [ -z "${ADMIT:-}" ]; then
  if command -v flock >/dev/null; then flock /tmp/admit-build.lock swift build -c release >&2
  else swift build -c release >&2; fi
  bin="$(swift build -c release --show-bin-path)"
  ADMIT="$bin/admit"
  ADMIT_LOAD="$bin/admit-load"
fi
data="$work/data-$users-$requests"
[ -f "$data/requests.jsonl" ] || python3 Benchmarks/population.py generate "$users" "$requests" "$data"
db="$work/transport.sqlite"
O=(--db "$db" --seeds Seeds --policies Policies)
[ -f "$db" ] || Benchmarks/population-db.sh "$ADMIT" "$data" "$db"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); work: $work" >&2

warm=$((requests / 10))
for round in $(seq "$rounds"); do
  for admit in "$ADMIT" ${ADMIT_B:+"$ADMIT_B"}; do
    label=$(basename "$(dirname "$admit")")/$(basename "$admit")
    out=$("$ADMIT_LOAD" --file "$data/requests.jsonl" --requests "$requests" --warmup "$warm" --spawn "$admit" serve "${O[@]}" --)
    stdio=$(grep -o '[0-9]* req/s' <<< "$out" | head -1)
    start=$(date +%s.%N)
    "$admit" serve "${O[@]}" < "$data/requests.jsonl" > /dev/null 2> "$work/serve.log"
    end=$(date +%s.%N)
    devnull=$(awk -v s="$start" -v e="$end" -v n="$requests" 'BEGIN { printf "%.0f req/s", n / (e - s) }')
    start=$(date +%s.%N)
    "$admit" serve "${O[@]}" < "$data/requests.jsonl" > "$work/replies.jsonl" 2> "$work/serve.log"
    end=$(date +%s.%N)
    file=$(awk -v s="$start" -v e="$end" -v n="$requests" 'BEGIN { printf "%.0f req/s", n / (e - s) }')
    replies=$(wc -l < "$work/replies.jsonl")
    "$admit" serve "${O[@]}" --listen "127.0.0.1:$port" 2> "$work/serve.log" &
    serve=$!
    for _ in $(seq 100); do grep -q listening "$work/serve.log" && break; sleep 0.1; done
    tcp=$("$ADMIT_LOAD" --file "$data/requests.jsonl" --requests "$requests" --warmup "$warm" --connect "127.0.0.1:$port" | grep -o '[0-9]* req/s' | head -1)
    kill -TERM "$serve"; wait "$serve" || true
    printf '%-40s stdio (admit-load) %-12s  < file > /dev/null %-12s  < file > file %-12s (%s replies)  TCP %s\n' \
      "round $round, $label" "$stdio" "$devnull" "$file" "$replies" "$tcp"
  done
done
