#!/usr/bin/env bash
# Renders Admit's HTML reports in headless Chromium and checks what a person would see.
#
#   Tests/browser/check-html-report.sh [--admit PATH] [--out DIR]
#
# Makes a temporary database from Seeds/ and Policies/, registers users with enrolments on
# several days of the free window (2020-11-08..20, Europe/Vienna), logs a few decisions, writes
# `admit audit enrolments --format html` and `admit audit decisions --format html`, and for each
# page: loads it in Chromium (`--dump-dom`), fails on any console message (the pages have no
# script, so any message is a blocked fetch, a CSP violation or worse), checks in the DOM that
# the chart has one bar per day (13 days, in order, with the counts registered) and takes
# screenshots at 1280 and 420 px wide into DIR (default .build/html-report-check).
#
# Without --admit it runs `swift build --product admit` (on a shared machine, run the whole
# script under the build lock: `flock /tmp/admit-build.lock Tests/browser/check-html-report.sh`).
# Chromium is `$CHROMIUM`, else `chromium`, else `chromium-browser`. Exit 0 all checks pass,
# 1 a check failed, 77 skipped (no Chromium, or it does not start here), anything else an error
# (bad arguments, no admit, an admit command that failed).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
admit=""
out="$root/.build/html-report-check"
while [ $# -gt 0 ]; do
  case "$1" in
    --admit) admit="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "check-html-report: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

chromium="${CHROMIUM:-}"
if [ -z "$chromium" ]; then
  chromium="$(command -v chromium || command -v chromium-browser || true)"
fi
if [ -z "$chromium" ]; then echo "check-html-report: Chromium not found (apt-get install chromium)" >&2; exit 77; fi
if [ -z "$admit" ]; then
  (cd "$root" && swift build --product admit >/dev/null)
  admit="$(cd "$root" && swift build --show-bin-path)/admit"
fi
if [ ! -x "$admit" ]; then echo "check-html-report: no admit executable at $admit" >&2; exit 2; fi

work="$(mktemp -d "${TMPDIR:-/tmp}/admit-html-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

run_admit() { "$admit" "$@" --db "$work/admit.sqlite" --seeds "$root/Seeds" --policies "$root/Policies"; }

# --- Data: the seeded users (enrolled 11-09, 11-10, 11-12) and four registration runs.
register() { # FILE AT
  run_admit register "$1" --package idor-2020 --at "$2" >/dev/null
}
cat >"$work/day08.csv" <<'EOF'
email,name,profession,country
eve@example.org,"<script>alert(1)</script>",radiologist,AT
fay@example.org,"Fay ""the quoted"" O'Neill & Partners",radiographer,DE
gus@example.org,Gus,other,
EOF
cat >"$work/day11.csv" <<'EOF'
email,name,profession,country
hal@example.org,Hal,radiologist,IT
ivy+idor@example.org,Ivy,radiologist,IT
EOF
cat >"$work/day15.csv" <<'EOF'
email,name,profession,country
jo@example.org,Jo,radiographer,PT
kim@example.org,Kim,radiographer,PT
lea@example.org,Léa,radiologist,FR
max@example.org,Max,other,AT
EOF
cat >"$work/day20.csv" <<'EOF'
email,name,profession,country
ned@example.org,Ned,radiologist,AT
EOF
register "$work/day08.csv" 2020-11-08T09:00:00+01:00
register "$work/day11.csv" 2020-11-11T12:00:00+01:00
register "$work/day15.csv" 2020-11-15T10:00:00+01:00
register "$work/day20.csv" 2020-11-20T23:30:00+01:00  # the window's last half hour, Vienna
# What the chart must show: every day 2020-11-08..20, these counts on the days with enrolments.
expected_counts="2020-11-08=3 2020-11-09=1 2020-11-10=1 2020-11-11=2 2020-11-12=1 2020-11-15=4 2020-11-20=1"
expected_days=13

# Some decisions: allowed in the window, denied after it, denied for a suspended account.
for at in 2020-11-12T10:00:00+01:00 2020-11-16T10:00:00+01:00 2020-12-02T10:00:00+01:00; do
  run_admit check --user hal@example.org --lecture idor-2020-07 --at "$at" >/dev/null || true
  run_admit check --user cleo@example.org --lecture idor-2020-03 --at "$at" >/dev/null || true
done

run_admit audit enrolments --format html --output "$work/enrolments.html"
run_admit audit decisions --format html --output "$work/decisions.html"
cp "$work/enrolments.html" "$work/decisions.html" "$out/"

# --- Chromium.
browse() { # URL DUMP-FILE LOG-FILE [extra flags…]: one headless run, retried once if it crashes
  local url="$1" dump="$2" log="$3"
  shift 3
  local attempt status
  for attempt in 1 2; do
    status=0
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
      --no-default-browser-check --user-data-dir="$work/profile" --enable-logging=stderr --v=0 "$@" "$url" \
      >"$dump" 2>"$log" || status=$?
    [ "$status" -eq 0 ] && return 0
    echo "check-html-report: chromium exited with status $status (attempt $attempt of 2)" >&2
  done
  return 1
}
console_messages() { grep -E ':CONSOLE[:(]' "$1" || true; }

# The console check must see a console message when there is one, or it proves nothing.
printf '%s\n' '<!DOCTYPE html><html><head><meta charset="utf-8"><title>canary</title></head>' \
  '<body><script>console.error("admit-canary")</script></body></html>' >"$work/canary.html"
if ! browse "file://$work/canary.html" "$work/canary.dom" "$work/canary.log" --dump-dom; then
  echo "check-html-report: chromium does not run here" >&2
  exit 77
fi
if console_messages "$work/canary.log" | grep -q admit-canary; then
  pass "the console check sees a page's console.error"
else
  fail "the console check is blind: a canary console.error did not show in Chromium's log"
fi

check_page() { # NAME BAR-PATTERN
  local name="$1" pattern="$2" page="$work/$1.html"
  if ! browse "file://$page" "$work/$name.dom" "$work/$name.log" --dump-dom; then
    fail "$name: chromium failed to load the page"
    return
  fi
  if ! grep -q '</html>' "$work/$name.dom" || ! grep -q '<h1>' "$work/$name.dom"; then fail "$name: the DOM is incomplete"; fi
  local messages
  messages="$(console_messages "$work/$name.log")"
  if [ -n "$messages" ]; then fail "$name: console messages:"$'\n'"$messages"; else pass "$name: loaded without console messages"; fi
  if grep -qE '<script|<SCRIPT' "$work/$name.dom"; then fail "$name: a script element in the DOM"; fi

  # The chart of days, as Chromium parsed it.
  local chart bars days listed first_day
  chart="$(sed -n '/<svg class="chart" id="per-day"/,/<\/svg>/p' "$work/$name.dom")"
  # (Every pipeline ends in `|| true`: no match is an answer here, not an error.)
  bars="$(printf '%s\n' "$chart" | { grep -oE "$pattern" || true; } | wc -l)"
  days="$(printf '%s\n' "$chart" | grep -oE 'data-days="[0-9]+"' | sed -n '1s/[^0-9]//gp' || true)"
  listed="$(printf '%s\n' "$chart" | grep -oE "$pattern" | grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}' | tr '\n' ' ' || true)"
  first_day="${listed%% *}"
  local want="" i
  for ((i = 0; i < expected_days; i++)); do want+="$(date -u -d "2020-11-08 + $i days" +%F) "; done
  if [ "$bars" -eq "$expected_days" ] && [ "$days" = "$expected_days" ] && [ "$listed" = "$want" ] && [ "$first_day" = 2020-11-08 ]; then
    pass "$name: one bar per day, $bars bars for 2020-11-08..$(date -u -d "2020-11-08 + $((expected_days - 1)) days" +%F)"
  else
    fail "$name: expected $expected_days bars, one per day from 2020-11-08; found $bars bars, data-days=$days, days: $listed"
  fi
  local edges
  edges="$(printf '%s\n' "$chart" | grep -c 'class="window-edge"' || true)"
  if [ "$edges" -ge 2 ]; then pass "$name: window edges marked ($edges lines)"; else fail "$name: window edges not marked ($edges)"; fi

  # Screenshots, wide and narrow; the narrow page must not be wider than the window.
  local width
  for width in 1280 420; do
    rm -f "$out/$name-$width.png"
    browse "file://$page" "$work/$name-$width.out" "$work/$name-$width.log" \
      --window-size="$width,3200" --screenshot="$out/$name-$width.png" || true
    if [ -s "$out/$name-$width.png" ] && head -c 8 "$out/$name-$width.png" | od -An -tx1 | grep -q '89 50 4e 47'; then
      pass "$name: screenshot $out/$name-$width.png"
    else
      fail "$name: no screenshot at $width px"
    fi
  done
}

check_page enrolments '<rect class="bar [^>]*data-day="[0-9-]+"'
# As Chromium serialises text nodes: only `&`, `<` and `>` escaped.
fay="<td class=\"wrap\">Fay \"the quoted\" O'Neill &amp; Partners</td>"
if grep -qF '<td class="wrap">&lt;script&gt;alert(1)&lt;/script&gt;</td>' "$work/enrolments.dom" &&
  grep -qF "$fay" "$work/enrolments.dom"; then
  pass "enrolments: the hostile names are text in the DOM"
else
  fail "enrolments: the hostile names are not shown as text"
fi
# The registered counts, day by day.
counts="$(sed -n '/<svg class="chart" id="per-day"/,/<\/svg>/p' "$work/enrolments.dom" |
  grep -oE 'data-day="[0-9-]+" data-count="[1-9][0-9]*"' | sed -E 's/data-day="([0-9-]+)" data-count="([0-9]+)"/\1=\2/' | tr '\n' ' ' || true)"
if [ "$counts" = "$expected_counts " ]; then pass "enrolments: the bars hold the registered counts"; else fail "enrolments: counts $counts, expected $expected_counts"; fi

# The decisions happened on 11-12, 11-16 and 12-02: the chart runs 11-08 (free opens, within a
# month before) to 12-02, so its own expectation.
expected_days=25
check_page decisions '<g class="bar" data-day="[0-9-]+"'

if [ "$failures" -gt 0 ]; then
  echo "check-html-report: $failures check(s) failed; pages and screenshots in $out" >&2
  exit 1
fi
echo "check-html-report: all checks passed; pages and screenshots in $out"
