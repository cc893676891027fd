#!/usr/bin/env bash
# Coverage-guided fuzzing of everything Admit reads from outside (libFuzzer + AddressSanitizer).
#
#   Fuzz/run.sh [SECONDS] [TARGET...]     # default 30 s each, every target
#
# Targets: FuzzPolicy (policy parser, validator, lint, evaluation, when, policy tests parser),
# FuzzJSON (the JSON parser and writer), FuzzCSV (the CSV reader), FuzzRegister (registration
# row validation, CSV and JSON Lines, dry run), FuzzService (the service's request path: a read
# in, reply lines out). Each starts from Fuzz/Seeds/TARGET (plus the shipped policies for
# FuzzPolicy) and every input in Fuzz/Regressions/TARGET, and grows a corpus in
# $WORK/corpus/TARGET (WORK defaults to .build-fuzz/work, kept between runs).
# A crash, a hang (an input over 10 s), a leak or an out-of-memory (2 GiB) fails the run: the
# input is saved as $WORK/crash-TARGET-…; copy it into Fuzz/Regressions/TARGET so that every run
# replays it first.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzPolicy FuzzJSON FuzzCSV FuzzRegister FuzzService)
work=${WORK:-$PWD/.build-fuzz/work}
mkdir -p "$work"

# Callers that share the machine serialise builds themselves (.ci/run runs alone).
swift build --package-path Fuzz --scratch-path .build-fuzz -c debug \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing >&2
bin=$(swift build --package-path Fuzz --scratch-path .build-fuzz -c debug --show-bin-path)

export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for target in "${targets[@]}"; do
  corpus="$work/corpus/$target"
  mkdir -p "$corpus" "Fuzz/Regressions/$target"
  cp -n Fuzz/Seeds/"$target"/* "$corpus"/ 2>/dev/null || true
  if [ "$target" = FuzzPolicy ]; then cp -n Policies/* "$corpus"/ 2>/dev/null || true; fi
  log="$work/$target.log"
  set +e
  "$bin/$target" "$corpus" "Fuzz/Regressions/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$work/crash-$target-" < /dev/null > "$log" 2>&1
  code=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  rate=$(awk -v r="$runs" -v s="$seconds" 'BEGIN { printf "%d", r / s }')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  corpus_size=$(ls "$corpus" | wc -l)
  if [ "$code" -eq 0 ]; then
    printf 'fuzz %-13s ok: %s inputs in %s s (%s/s), coverage %s edges, corpus %s inputs\n' "$target" "$runs" "$seconds" "$rate" "$cov" "$corpus_size"
  else
    printf 'fuzz %-13s FAILED (exit %s): see %s; the input is %s\n' "$target" "$code" "$log" "$(ls "$work"/crash-"$target"-* 2>/dev/null | head -1)"
    grep -m 20 -E 'ERROR|Fatal|SUMMARY|deadly|leak|timeout' "$log" || tail -20 "$log"
    status=1
  fi
done
exit $status
