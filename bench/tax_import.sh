#!/usr/bin/env bash
# tax_import.sh: times POST /v1/payments/import of the tax bureau's daily
# detail (941,000 lines by default) against the service on a private
# throwaway cluster. The county is bench/roster_gen.c's (1,280,000
# residents), imported through the service; the detail comes from
# bench/tax_detail.sql, each line paying what its person owes. Then the
# same file again (all duplicates: nothing may change), then the day's
# reconciliation, ours and against the same totals.
#
#   bench/tax_import.sh [LINES] [RESIDENTS]     (make bench-tax)
#
# PROGRESS_TRIGGERS=off disables migration 011's triggers on enrolments
# before the import (a control run: what the progress counts cost; the
# report is wrong afterwards). Needs build/medins and build/roster_gen.
# BENCH_DIR keeps the files. The set-up is bench/lib.sh's.
set -euo pipefail
lines=${1:-941000}
residents=${2:-1280000}
. bench/lib.sh
bench_init tax 18182
bench_start "$residents"
bench_county
bench_detail "$lines"
if [ "${PROGRESS_TRIGGERS:-on}" = off ]; then
    echo "progress triggers on enrolments disabled (control run)"
    psql "$url" -qX -c "ALTER TABLE enrolments DISABLE TRIGGER progress_enrolments_insert,
                        DISABLE TRIGGER progress_enrolments_update"
fi

n=$(($(wc -l <"$dir/detail.csv") - 1))
bytes=$(stat -c %s "$dir/detail.csv")
run() { # label
    local t0 t1 out c0 c1
    c0=$(cpu)
    t0=$(date +%s.%N)
    out=$(send POST /v1/payments/import text/csv "$dir/detail.csv")
    t1=$(date +%s.%N)
    c1=$(cpu)
    echo "$1: $(echo "$out" | head -c 200)"
    awk -v a="$t0" -v b="$t1" -v n="$n" -v by="$bytes" -v l="$1" \
        -v c="$(awk -v x="$c0" -v y="$c1" 'BEGIN { print y - x }')" \
        -v load="$(load)" 'BEGIN {
        s = b - a; printf "%s: %d lines, %.1f MB in %.2f s: %.0f lines/s " \
            "(service + database CPU: %.1f s; load average %s)\n",
            l, n, by / 1e6, s, n / s, c, load }'
}
run "first import"
run "the same file again"

day=$(TZ=Asia/Shanghai date +%F)
t0=$(date +%s.%N)
ours=$(curl -sS --fail-with-body -H "Authorization: Bearer $token" \
    "localhost:$port/v1/tax/reconciliation?date=$day")
t1=$(date +%s.%N)
echo "reconciliation of $day: $(echo "$ours" | head -c 300)"
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "reconciliation: %.2f s\n", b - a }'
