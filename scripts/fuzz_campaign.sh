#!/usr/bin/env bash
# One libFuzzer campaign (called by `scripts/dev.sh fuzz`): TARGET from build/fuzz for
# $FUZZ_SECONDS (default 600) with its dictionary, growing a work corpus in
# build/fuzz/campaign/TARGET/corpus from the committed seeds (tests/fuzz/corpus/TARGET, read
# only). A crash input lands in build/fuzz/campaign/TARGET/ and fails the campaign: minimise it
# (`TARGET -minimize_crash=1 FILE`), fix the bug and commit the input to
# tests/fuzz/regressions/TARGET/ so the test command replays it.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="$1"
seconds="${FUZZ_SECONDS:-600}"
bin="build/fuzz/tests/fuzz/$target"
work="build/fuzz/campaign/$target"
mkdir -p "$work/corpus"
dict=()
[ -f "tests/fuzz/dict/$target.dict" ] && dict=(-dict="tests/fuzz/dict/$target.dict")
seeds=(tests/fuzz/corpus/"$target")
[ -d "tests/fuzz/regressions/$target" ] && seeds+=(tests/fuzz/regressions/"$target")
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/" "${dict[@]}" "$work/corpus" "${seeds[@]}" >"$work/log.txt" 2>&1
rc=$?
# The last status line: "#<runs> DONE cov: <edges> ft: <features> corp: <n>/<size> ..."
status="$(grep -E '^#[0-9]+' "$work/log.txt" | tail -n 1)"
execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log.txt")"
crashes="$(find "$work" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' -o \
  -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'oom-*' | wc -l)"
echo "$target: ${seconds}s, ${execs:-?} executions, exit $rc, findings $crashes | $status" \
  >>"$work/summary.txt"
exit "$rc"
