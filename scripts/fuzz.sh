#!/usr/bin/env bash
# fuzz.sh: runs each libFuzzer target built by make fuzz for a bounded
# time and prints one line per target.
#   fuzz.sh TARGET...   (build/fuzz/TARGET must exist)
# FUZZ_SECONDS (default 30) bounds each run. The committed seeds under
# tests/fuzz/corpus/TARGET and the regressions under
# tests/fuzz/regressions/TARGET are read; what the fuzzer adds goes to
# build/fuzz/corpus/TARGET, a crashing input to build/fuzz/crashes/TARGET/,
# the full log to build/fuzz/TARGET.log. Exits 1 when any target crashed.
set -uo pipefail

seconds=${FUZZ_SECONDS:-30}
failed=()
for t in "$@"; do
    bin=build/fuzz/$t
    log=build/fuzz/$t.log
    mkdir -p "build/fuzz/corpus/$t" "build/fuzz/crashes/$t"
    dirs=("build/fuzz/corpus/$t" "tests/fuzz/corpus/$t")
    [ -d "tests/fuzz/regressions/$t" ] && dirs+=("tests/fuzz/regressions/$t")
    opts=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1
          -artifact_prefix="build/fuzz/crashes/$t/")
    [ -f "tests/fuzz/$t.dict" ] && opts+=(-dict="tests/fuzz/$t.dict")
    "$bin" "${opts[@]}" "${dirs[@]}" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
    crash=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | head -1)
    if [ $rc -eq 0 ] && [ -z "$crash" ]; then
        verdict="crashes 0"
    else
        verdict="CRASH ${crash:-(exit $rc, see $log)}"
        failed+=("$t")
    fi
    printf 'fuzz %-9s %9s runs in %ss, cov %s, ft %s, corpus %s, %s\n' \
        "$t" "${runs:-?}" "${secs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
        "$verdict"
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${failed[*]} crashed: minimise the input (the target's" \
        "-minimize_crash=1), fix the code, and commit the input under" \
        "tests/fuzz/regressions/<target>/" >&2
    exit 1
fi
