#!/usr/bin/env bash
# `admit policy diff` on a realistic population, beside Cedar sampling the same change
# (BENCHMARKS.md, "Policy diff"). Release build.
#
#   Benchmarks/policy-diff.sh [USERS]      # default 1,000,000 users
#
# 1. USERS users registered as in population.sh (60 % enrolled on a day of the free window).
# 2. `admit policy diff` of the shipped policy against one whose free window ends on
#    2020-11-30 instead of 2020-11-20: wall time and peak memory, text and --json --users; then
#    the shipped policy against itself (no change) and against one that shortens the window.
# 3. Cedar (cedarpy) deciding the same two policies for 100 of the users, every lecture, every
#    hour of 30 days: its decisions per second, what sampling the whole population that way
#    would take, and a check that every sampled user whose answer flips is named by Admit's diff.
#
# Environment: WORK (a folder for data and databases; default a new temporary one), ADMIT (a
# binary to use instead of building), RUNS (timed runs of each diff; default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-1000000}
runs=${RUNS:-3}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"

if [ -z "${ADMIT:-}" ]; then
  if command -v flock >/dev/null; then flock /tmp/admit-build.lock swift build -c release --product admit >&2
  else swift build -c release --product admit >&2; fi
  ADMIT="$(swift build -c release --show-bin-path)/admit"
fi
python3 -c 'import cedarpy' 2>/dev/null || pip install --quiet cedarpy >&2

db="$work/diff-$users.sqlite"
O=(--db "$db" --seeds Seeds --policies Policies)
data="$work/data-$users-1"
[ -f "$data/requests.jsonl" ] || python3 Benchmarks/population.py generate "$users" 1 "$data"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); work: $work" >&2
summary() { printf '%-62s %s\n' "$1" "$2"; }

# 1. The population.
[ -f "$db" ] || Benchmarks/population-db.sh "$ADMIT" "$data" "$db"
summary "population" "$(sqlite3 "$db" 'SELECT count(*) FROM users') users, $(sqlite3 "$db" 'SELECT count(*) FROM enrolments') enrolments"

# 2. The diffs.
mkdir -p "$work/longer" "$work/shorter"
sed 's/until 2020-11-20/until 2020-11-30/' Policies/idor-2020.policy > "$work/longer/idor-2020.policy"
sed 's/until 2020-11-20/until 2020-11-16/' Policies/idor-2020.policy > "$work/shorter/idor-2020.policy"
timed() {  # label, then the command; prints the best wall time of $runs and the peak memory
  local label=$1; shift
  local best=999999 rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > "$work/out.txt" || [ $? -eq 1 ]
    read -r seconds kb < <(tail -1 "$work/time.txt")
    best=$(awk -v a="$best" -v b="$seconds" 'BEGIN { print (b < a) ? b : a }')
    rss=$kb
  done
  summary "$label" "$best s, peak $((rss / 1024)) MB"
}
timed "policy diff, free window to 2020-11-30 (text)" "$ADMIT" policy diff --to "$work/longer" "${O[@]}"
sed -n '1,12p' "$work/out.txt" | sed 's/^/    /'
timed "policy diff, free window to 2020-11-30 (--json --users)" "$ADMIT" policy diff --to "$work/longer" --json --users "${O[@]}"
cp "$work/out.txt" "$work/diff.json"
summary "  users, distinct facts, lecture classes" \
  "$(jq -r '"\(.users), \(.factGroups), \(.lectureClasses)"' "$work/diff.json")"
summary "  gaining, losing" "$(jq -r '"\(.totals.gaining), \(.totals.losing)"' "$work/diff.json")"
timed "policy diff, free window to 2020-11-16" "$ADMIT" policy diff --to "$work/shorter" "${O[@]}"
timed "policy diff, the same policy (no change)" "$ADMIT" policy diff --to Policies "${O[@]}"

# 3. Cedar, sampling.
sqlite3 -separator $'\t' "$db" \
  "SELECT u.email, u.account, u.subscription, e.enrolled_at, e.withdrawn_at FROM users u LEFT JOIN enrolments e ON e.user_id = u.id AND e.package_id = 'idor-2020'" \
  > "$work/facts.tsv"
new_end=$(( $(date -u -d "2020-11-30T23:00:00Z" +%s) * 1000 ))
cedar=$(python3 Benchmarks/population.py sampled-diff "$work/facts.tsv" "$work/diff.json" "$new_end")
summary "cedar, sampled (100 users x 39 lectures x 720 hours x 2)" \
  "$(echo "$cedar" | jq -r '"\(.cedarPerSecond) decisions/s; \(.flippedInSample) flip, \(.flippedNotInAdmitDiff) missed by Admit"')"
summary "cedar, sampling all users hourly (extrapolated)" "$(echo "$cedar" | jq -r '.secondsToSampleThePopulation') s"
