#!/usr/bin/env bash
# readlane.sh: the progress report's latency while payments pour in, on a
# modest county (a fresh throwaway cluster per run): 32 connections POST
# /v1/payments for distinct residents while one connection GETs
# /v1/progress. Prints one line per measure with the load average, so
# that runs of two binaries (MEDINS_BIN) can be compared:
#
#   MEDINS_BIN=/tmp/medins-before bench/readlane.sh [RESIDENTS]
#
# Needs build/roster_gen, wrk and jq (scripts/deps.sh --bench).
# PAY_SECONDS and PAY_CONNECTIONS shape the payment load (12 s, 32).
set -euo pipefail
residents=${1:-30000}
pay_seconds=${PAY_SECONDS:-12}
pay_conns=${PAY_CONNECTIONS:-32}
county=511724000000
. bench/lib.sh
bench_init readlane 18184

bench_start "$residents" >/dev/null
bench_county >/dev/null
psql "$url" -qX -c "VACUUM (ANALYZE)" >/dev/null
auth="Authorization: Bearer $token"
field() { # RESULT-line name → value
    echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
wrk_report() { # seconds path → the RESULT line of sequential requests
    wrk -t1 -c1 -d"$1s" --timeout 10s -H "$auth" -s bench/wrk_report.lua \
        "http://localhost:$port$2" | grep '^RESULT'
}
q="/v1/progress?year=$year&region=$county"
r=$(wrk_report 5 "$q")
printf '%-26s n=%s bad=%s p50=%s p99=%s ms; load %s\n' "report idle" \
    "$(field "$r" requests)" "$(field "$r" bad)" "$(field "$r" p50)" \
    "$(field "$r" p99)" "$(load)"

# distinct residents who owe something today, one file per connection
today=$(TZ=Asia/Shanghai date +%F)
psql "$url" -qX -v year="$year" -v day="$today" >"$dir/pay.csv" <<'SQL'
COPY (
    SELECT row_number() OVER (ORDER BY r.id_number), r.id_number,
           l.due - l.subsidy
      FROM residents r
      JOIN years y ON y.year = :year
      JOIN year_tiers yt ON yt.year = y.year AND yt.tier = 1
     CROSS JOIN LATERAL person_due(y, yt, :'day'::date, r.id_number) l
     WHERE r.removed_at IS NULL AND l.due > l.subsidy
     ORDER BY r.id_number
) TO STDOUT WITH (FORMAT csv);
SQL
bench_pay_start "$pay_conns" "$pay_seconds"
sleep 2 # let the payments reach full speed
r=$(wrk_report "$((pay_seconds - 4))" "$q")
l=$(load)
wait "$wrk_pid"
p=$(grep '^RESULT' "$dir/wrk-pay.out")
paid=$(psql "$url" -qAtX -c "SELECT count(*) FROM payments")
printf '%-26s %s of %s paid (%.0f/s) bad=%s p50=%s p99=%s ms; load %s\n' \
    "payments, $pay_conns conns" "$paid" "$(wc -l <"$dir/pay.csv")" \
    "$(awk -v n="$paid" -v s="$(field "$p" seconds)" 'BEGIN { print n / s }')" \
    "$(field "$p" bad)" "$(field "$p" p50)" "$(field "$p" p99)" "$l"
printf '%-26s n=%s bad=%s p50=%s p99=%s ms; load %s\n' \
    "report under payments" "$(field "$r" requests)" "$(field "$r" bad)" \
    "$(field "$r" p50)" "$(field "$r" p99)" "$l"
