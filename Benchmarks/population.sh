#!/usr/bin/env bash
# The service on a realistic population, beside its peers, in one run (BENCHMARKS.md, "The hot path
# at scale"). Release build.
#
#   Benchmarks/population.sh [USERS] [REQUESTS]      # default 100,000 users, 300,000 requests
#
# 1. USERS users with attributes drawn like a real platform's (90 % active, 15 % premium, 8 %
#    without a country), 60 % of them enrolled in idor-2020 on a random day of the free window
#    (`admit register --package --at`, one import per day); the time and peak memory of that.
# 2. REQUESTS `check` requests for random users, lectures and instants over 20 days around the
#    window, pipelined into `admit serve` on stdio and on TCP, and one request in flight on TCP;
#    every decision logged and chained.
# 3. The same population and requests through Cedar (cedarpy, one batch, nothing logged) and
#    Casbin (casbin), each answer compared with Admit's; a trivial TCP echo server for the floor
#    of one request in flight.
# 4. Database bytes per logged decision (file growth over DECISIONS more decisions, after a
#    checkpoint), and `admit audit verify` on the result.
#
# Environment: WORK (a folder for data and databases; default a new temporary one), ADMIT and
# ADMIT_LOAD (binaries to use instead of building), DECISIONS (default 1,000,000), PORT (default
# 7811; PORT+1 for the echo server).
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-100000}
requests=${2:-300000}
decisions=${DECISIONS:-1000000}
port=${PORT:-7811}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"

if [ -z "${ADMIT:-}" ]; then
  if command -v flock >/dev/null; then flock /tmp/admit-build.lock swift build -c release >&2
  else swift build -c release >&2; fi
  bin="$(swift build -c release --show-bin-path)"
  ADMIT="$bin/admit"
  ADMIT_LOAD="$bin/admit-load"
fi
python3 -c 'import cedarpy, casbin' 2>/dev/null || pip install --quiet cedarpy casbin >&2

db="$work/population.sqlite"
O=(--db "$db" --seeds Seeds --policies Policies)
data="$work/data-$users-$requests"
[ -f "$data/requests.jsonl" ] || python3 Benchmarks/population.py generate "$users" "$requests" "$data"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); work: $work" >&2

summary() { printf '%-58s %s\n' "$1" "$2"; }

# 1. Registration.
rm -f "$db" "$db-wal" "$db-shm"
"$ADMIT" audit verify "${O[@]}" > /dev/null   # a new, seeded database
start=$(date +%s.%N)
peak=0
for file in "$data"/users-*.csv; do
  day=$(basename "$file" .csv | sed 's/users-//')
  args=()
  if [ "$day" != "none" ]; then
    args=(--package idor-2020 --at "$(date -u -d "2020-11-07T23:00:00Z + $((10#$day)) days + 9 hours" +%Y-%m-%dT%H:%M:%SZ)")
  fi
  /usr/bin/time -f "%M" -o "$work/rss.txt" "$ADMIT" register "$file" "${O[@]}" "${args[@]}" --json > "$work/register.json" || true
  rss=$(tail -1 "$work/rss.txt"); [ "$rss" -gt "$peak" ] && peak=$rss
done
end=$(date +%s.%N)
summary "register $users users in 14 imports" "$(awk -v s="$start" -v e="$end" -v n="$users" 'BEGIN { printf "%.2f s, %.0f rows/s", e - s, n / (e - s) }'), peak $((peak / 1024)) MB"
sqlite3 -separator $'\t' "$db" \
  "SELECT u.email, u.account, u.subscription, e.enrolled_at, e.withdrawn_at FROM users u LEFT JOIN enrolments e ON e.user_id = u.id AND e.package_id = 'idor-2020'" \
  > "$work/facts.tsv"

# 2. Admit on stdio, pipelined; the replies are kept for the comparison with the peers.
warm=$((requests / 10))
"$ADMIT_LOAD" --file "$data/requests.jsonl" --requests "$requests" --warmup "$warm" --save "$work/replies.jsonl" \
  --spawn "$ADMIT" serve "${O[@]}" -- > "$work/stdio.txt"
stdio=$(grep -o '[0-9]* req/s' "$work/stdio.txt" | head -1 | cut -d' ' -f1)
summary "admit serve, stdio, pipelined ($requests checks)" "$stdio checks/s ($(grep -o 'error replies: [0-9]*' "$work/stdio.txt"))"

# 3. The peers, on the same population and requests.
python3 Benchmarks/population.py peers "$work/facts.tsv" "$data/requests.jsonl" "$work/replies.jsonl" > "$work/peers.json"
cedar=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cedarPerSecond"])' "$work/peers.json")
casbin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["casbinPerSecond"])' "$work/peers.json")
summary "Cedar (cedarpy), one batch, nothing logged" "$cedar decisions/s; Admit/Cedar $(awk -v a="$stdio" -v b="$cedar" 'BEGIN { printf "%.1fx", a / b }')"
summary "Casbin (casbin), one enforce call per request" "$casbin decisions/s; Admit/Casbin $(awk -v a="$stdio" -v b="$casbin" 'BEGIN { printf "%.0fx", a / b }')"
summary "answers that differ from Admit's" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("Cedar", d["cedarDisagreements"], "of", d["requests"], "· Casbin", d["casbinDisagreements"], "of", d["casbinRequests"])' "$work/peers.json")"

# TCP: pipelined on one connection, then one request in flight, then the echo server's floor.
"$ADMIT" serve "${O[@]}" --listen "127.0.0.1:$port" 2> "$work/serve.log" &
serve=$!
for _ in $(seq 100); do grep -q listening "$work/serve.log" && break; sleep 0.1; done
"$ADMIT_LOAD" --file "$data/requests.jsonl" --requests "$requests" --warmup "$warm" --connect "127.0.0.1:$port" > "$work/tcp.txt"
summary "admit serve, TCP, pipelined" "$(grep -o '[0-9]* req/s' "$work/tcp.txt" | head -1 | cut -d' ' -f1) checks/s"
"$ADMIT_LOAD" --mode request-response --file "$data/requests.jsonl" --requests 50000 --warmup 5000 --connect "127.0.0.1:$port" > "$work/rr.txt"
kill -TERM "$serve"; wait "$serve" || true
"$ADMIT_LOAD" --echo "127.0.0.1:$((port + 1))" 2> "$work/echo.log" &
echo_pid=$!
for _ in $(seq 100); do grep -q listening "$work/echo.log" && break; sleep 0.1; done
"$ADMIT_LOAD" --mode request-response --file "$data/requests.jsonl" --requests 50000 --warmup 5000 --connect "127.0.0.1:$((port + 1))" > "$work/echo.txt"
kill "$echo_pid"; wait "$echo_pid" 2>/dev/null || true
rr=$(grep -o '[0-9]* req/s' "$work/rr.txt" | cut -d' ' -f1); echo_rate=$(grep -o '[0-9]* req/s' "$work/echo.txt" | cut -d' ' -f1)
p99() { grep -o 'p99 [0-9.]*' "$1" | head -1 | cut -d' ' -f2; }
summary "TCP, one request in flight: admit serve" "$rr req/s, p50 $(grep -o 'p50 [0-9.]*' "$work/rr.txt" | cut -d' ' -f2) µs, p99 $(p99 "$work/rr.txt") µs"
summary "TCP, one request in flight: trivial echo server" "$echo_rate req/s, p50 $(grep -o 'p50 [0-9.]*' "$work/echo.txt" | cut -d' ' -f2) µs, p99 $(p99 "$work/echo.txt") µs"
summary "  admit against the echo" "$(awk -v a="$rr" -v b="$echo_rate" -v p="$(p99 "$work/rr.txt")" -v q="$(p99 "$work/echo.txt")" 'BEGIN { printf "%.2f of its round trips, p99 %.1fx", a / b, p / q }')"

# 4. Bytes per logged decision, then the whole log verified.
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
before=$(stat -c %s "$db")
"$ADMIT_LOAD" --file "$data/requests.jsonl" --requests "$decisions" --warmup 0 --spawn "$ADMIT" serve "${O[@]}" -- > "$work/bytes.txt"
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
after=$(stat -c %s "$db")
summary "database bytes per logged decision" "$(( (after - before) / decisions )) (file growth over $decisions decisions, after checkpoints)"
rows=$(sqlite3 "$db" 'SELECT seq FROM audit_head')
/usr/bin/time -f "%e %M" -o "$work/verify-time.txt" "$ADMIT" audit verify "${O[@]}" > "$work/verify.txt" || true
summary "admit audit verify ($rows rows, $users users)" "$(cut -d' ' -f1 "$work/verify-time.txt") s, peak $(( $(cut -d' ' -f2 "$work/verify-time.txt") / 1024 )) MB: $(head -1 "$work/verify.txt"); $(tail -1 "$work/verify.txt")"
