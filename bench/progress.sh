#!/usr/bin/env bash
# progress.sh: the progress report (GET /v1/progress, issue 5 item 3)
# against the service on a private throwaway cluster, in a county of
# 1,280,000 residents (bench/roster_gen.c: 43 townships, 130 villages)
# with targets per village and for the dibao group, after the tax bureau's
# detail has paid for 941,000 of them. Goals: a median under 5 ms idle,
# under 20 ms while payments are recorded at full speed, as_of reports
# under a second; the report's totals must equal a raw count at rest and
# after concurrent payments.
#
#   bench/progress.sh [RESIDENTS] [LINES]      (make bench-progress)
#
# Prints a table and writes it to bench/results/progress-<commit>.txt.
# Needs build/medins, build/roster_gen, wrk and jq (scripts/deps.sh
# --bench). BENCH_DIR keeps the files; PAY_SECONDS and PAY_CONNECTIONS
# shape the payment load (20 s, 32).
set -euo pipefail
residents=${1:-1280000}
lines=${2:-941000}
pay_seconds=${PAY_SECONDS:-20}
pay_conns=${PAY_CONNECTIONS:-32}
county=511724000000
township=511724001000
scripts/deps.sh --bench
. bench/lib.sh
bench_init progress 18183

table_init progress

# --- 1. the county: roster, year, targets ----------------------------------
bench_start "$residents"
bench_county
bench_targets

# --- 2. the tax bureau's detail pays for most of the county ----------------
bench_detail "$lines"
bench_tax_import
row "tax import, $tax_lines lines (22.7 s before 011)" \
    "$tax_s s; service + db CPU $tax_cpu s; load $tax_load"
# the middle of the import's payments, for as_of (step 6)
mid=$(psql "$url" -qAtX -c "SELECT to_char((min(at) + (max(at) - min(at)) / 2)
        AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')
        FROM progress_events WHERE year = $year")
psql "$url" -qX -c "VACUUM (ANALYZE) progress_counts, progress_daily, progress_events"

# --- 3. the report against a raw count ---------------------------------------
get() { # path → body (admin)
    curl -sS --fail-with-body -H "Authorization: Bearer $token" "localhost:$port$1"
}
raw() { # group → paid, not exempted enrolments under the county (SQL)
    psql "$url" -qAtX -v year="$year" -v county="$county" -v grp="$1" <<'SQL'
SELECT count(*) FROM enrolments e
  JOIN residents r ON r.id_number = e.id_number
  JOIN households h ON h.household_no = r.household_no
  JOIN regions rg ON rg.code = h.region_code
  JOIN years y ON y.year = e.year
 WHERE e.year = :year AND e.status = 'paid' AND :'county' = ANY (rg.path)
   AND NOT EXISTS (SELECT 1 FROM exemptions x WHERE x.id_number = e.id_number
                      AND x.year = e.year AND x.status = 'approved')
   AND (:'grp' = 'all' OR EXISTS (
        SELECT 1 FROM resident_categories rc
         WHERE rc.id_number = e.id_number AND rc.category = :'grp'
           AND rc.valid_from <= y.coverage_end
           AND (rc.valid_to IS NULL OR rc.valid_to >= y.collection_start)));
SQL
}
check_totals() { # label: report total = raw count, for all and dibao
    local body all dibao ra rd
    body=$(get "/v1/progress?year=$year&region=$county&groups=dibao")
    all=$(echo "$body" | jq '.total.enrolled')
    dibao=$(echo "$body" | jq '.total.groups.dibao.enrolled')
    ra=$(raw all)
    rd=$(raw dibao)
    if [ "$all" = "$ra" ] && [ "$dibao" = "$rd" ]; then
        row "report = raw count ($1)" "yes: all $all, dibao $dibao"
    else
        row "report = raw count ($1)" \
            "NO: report all $all dibao $dibao, raw all $ra dibao $rd"
        mismatch=1
    fi
}
mismatch=0
check_totals "after the import"

# --- 4. the report's latency, idle: sequential requests, one connection ----
# (IDLE_SECONDS each, 15 by default: >= 2,000 requests at up to 7 ms each)
auth="Authorization: Bearer $token"
q_county="/v1/progress?year=$year&region=$county"
q_group="$q_county&groups=dibao"
q_town="/v1/progress?year=$year&region=$township"
for q in "county:$q_county" "county, groups=dibao:$q_group" \
    "township $township:$q_town"; do
    r=$(wrk_report "${IDLE_SECONDS:-15}" "${q#*:}")
    latency_row "report idle, ${q%%:*}" "$r" "$(load)"
done

# --- 5. the same while payments are recorded at full speed -----------------
# distinct residents still unpaid who owe something, each with what they
# owe today; one file per connection (bench/wrk_pay.lua)
bench_unpaid 200000 >"$dir/pay.csv"
paid_before=$(psql "$url" -qAtX -c "SELECT count(*) FROM payments")
bench_pay_start "$pay_conns" "$pay_seconds"
sleep 2 # let the payments reach full speed
# the report, one connection, for the rest of the payment run
r=$(wrk_report "$((pay_seconds - 4))" "$q_county")
l=$(load)
wait "$wrk_pid"
p=$(grep '^RESULT' "$dir/wrk-pay.out")
paid=$(($(psql "$url" -qAtX -c "SELECT count(*) FROM payments") - paid_before))
row "payments, $pay_conns connections, ${pay_seconds} s" \
    "$(printf '%s paid (%.0f/s) bad=%s p50=%s p99=%s ms; load %s' "$paid" \
        "$(awk -v n="$paid" -v s="$(field "$p" seconds)" 'BEGIN { print n / s }')" \
        "$(field "$p" bad)" "$(field "$p" p50)" "$(field "$p" p99)" "$l")"
latency_row "report under payments, county" "$r" "$l"
check_totals "after the payments"

# --- 6. reports as of a past moment -----------------------------------------
curl_latency() { # n path → "n p50 p90 p99" in ms over n sequential requests
    for _ in $(seq "$1"); do
        curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' \
            -H "$auth" "localhost:$port$2"
    done >"$dir/curl.out"
    if grep -qv '^200 ' "$dir/curl.out"; then
        echo "$2: not all 200:" >&2
        sort "$dir/curl.out" | cut -d' ' -f1 | uniq -c >&2
        return 1
    fi
    cut -d' ' -f2 "$dir/curl.out" | sort -n | awk '{ v[NR] = $1 * 1000 }
        function p(q,  i) { i = int(q * NR + 0.999999); return v[i < 1 ? 1 : i] }
        END { printf "n=%d p50=%.2f p90=%.2f p99=%.2f ms", NR, p(.5), p(.9), p(.99) }'
}
yesterday=$(TZ=Asia/Shanghai date -d yesterday +%F)
as_of_mid=${mid/+/%2B}
row "report as_of $mid (mid-import)" \
    "$(curl_latency 50 "$q_county&as_of=$as_of_mid"); load $(load)"
row "report as_of $yesterday (end of yesterday)" \
    "$(curl_latency 50 "$q_county&as_of=$yesterday"); load $(load)"

# --- 7. the daily history ------------------------------------------------------
row "GET /v1/progress/daily, county" \
    "$(curl_latency 200 "/v1/progress/daily?year=$year&region=$county"); load $(load)"

# --- 8. the table ------------------------------------------------------------
table_write "make bench-progress at $commit, $(TZ=Asia/Shanghai date '+%F %T %z')" \
    "$residents residents, $lines detail lines; $(nproc) cores; latencies in ms; 'load' is the 1-minute load average"
[ "$mismatch" -eq 0 ]
