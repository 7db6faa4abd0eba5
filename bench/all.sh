#!/usr/bin/env bash
# all.sh: the whole benchmark in one run (make bench; issue 6 items 1 and
# 5), on a private throwaway cluster with the real service: a generated
# county of 1,280,000 residents in 43 townships (bench/roster_gen.c),
#
#   - the roster import and the tax bureau's detail (941,000 lines), timed;
#   - POST /v1/payments with wrk (bench/wrk_pay.lua) at 32 and 128
#     connections, and pgbench running the SQL one payment runs
#     (bench/pgbench_pay.sql) at the same concurrency against the same
#     database: the ratio service / pgbench (goal: at least 0.9);
#   - signed WeChat Pay notifications (keys made for the run, orders made
#     through POST /v1/payment-orders, notifications signed beforehand by
#     build/platform_sim wechat-batch, bench/wrk_wechat.lua), and their
#     ratio to the plain payment path at 32 connections;
#   - the progress report's latency idle and while payments run;
#   - the service's peak RSS (VmHWM).
#
# Every run pays for residents no other run pays for: the unpaid residents
# are dealt, in ID order, into six disjoint sets. Throughput is counted in
# the database (payments created), not from the clients.
#
#   bench/all.sh [RESIDENTS] [LINES]      (make bench)
#
# Prints the table and writes it to bench/results/bench-<commit>.txt. Needs
# build/medins, build/roster_gen, build/platform_sim, wrk, jq and pgbench.
# PAY_SECONDS (15) is each payment run's length, IDLE_SECONDS (10) the idle
# report's; WORKERS and DB_POOL_SIZE reach the service. BENCH_DIR keeps the
# files.
set -euo pipefail
residents=${1:-1280000}
lines=${2:-941000}
pay_seconds=${PAY_SECONDS:-15}
county=511724000000
scripts/deps.sh --bench
. bench/lib.sh
bench_init all 18284
table_init bench
auth="Authorization: Bearer $token"
base=http://localhost:$port

# --- the county, the imports -------------------------------------------------
bench_keys
bench_start "$residents"
bench_county
row "roster import, $residents residents" "$roster_s s; load $roster_load"
bench_targets
bench_detail "$lines"
bench_tax_import
row "tax-detail import, $tax_lines lines" \
    "$tax_s s; service + db CPU $tax_cpu s; load $tax_load"
psql "$url" -qX -c "VACUUM (ANALYZE)" -c "CHECKPOINT"

# --- the progress report, idle -----------------------------------------------
q_report="/v1/progress?year=$year&region=$county"
r=$(wrk_report "${IDLE_SECONDS:-10}" "$q_report")
latency_row "progress report idle (county)" "$r" "$(load)"

# --- six disjoint sets of residents to pay for -------------------------------
bench_unpaid 600000 >"$dir/unpaid.csv"
awk -F, -v p="$dir/set." '{ print > (p ((NR - 1) % 6)) }' "$dir/unpaid.csv"
echo "unpaid residents who owe something: $(wc -l <"$dir/unpaid.csv")," \
    "$(wc -l <"$dir/set.0") per set"

payments() { # SQL condition on payments → how many exist
    psql "$url" -qAtX -c "SELECT count(*) FROM payments WHERE $1"
}

# A wrk run of POST /v1/payments over one set: sets $rate, $lat (p50 and
# p99), $note and $wl (the load at its end); $2 may name a report to time
# meanwhile (its RESULT line in $report).
wrk_pay() { # connections set [report-path]
    local n0 n1 p paid_at
    awk -v p="$dir/pay." '{ print > (p ((NR - 1) % 2)) }' "$dir/set.$2"
    psql "$url" -qX -c CHECKPOINT
    n0=$(payments "channel = 'bank' AND external_id LIKE 'BP-%'")
    paid_at=$(TZ=Asia/Shanghai date +%Y-%m-%dT%H:%M:%S+08:00)
    wrk -t2 -c"$1" -d"${pay_seconds}s" --timeout 10s -H "$auth" \
        -s bench/wrk_pay.lua "$base/v1/payments" \
        -- "$dir/pay." "$year" "$paid_at" >"$dir/wrk-pay.out" 2>&1 &
    local wrk_pid=$!
    report=
    if [ -n "${3:-}" ]; then
        sleep 2 # let the payments reach full speed
        report=$(wrk_report "$((pay_seconds - 4))" "$3")
    fi
    wl=$(load)
    wait "$wrk_pid"
    n1=$(payments "channel = 'bank' AND external_id LIKE 'BP-%'")
    p=$(grep '^RESULT' "$dir/wrk-pay.out")
    rate=$(awk -v n="$((n1 - n0))" -v s="$(field "$p" seconds)" \
        'BEGIN { printf "%.0f", n / s }')
    lat="p50=$(field "$p" p50) p99=$(field "$p" p99) ms"
    note="$((n1 - n0)) paid, bad=$(field "$p" bad)"
    [ "$((n1 - n0))" -lt "$(wc -l <"$dir/set.$2")" ] ||
        note="$note, SET USED UP: rate is a lower bound"
}

# The same payments with pgbench, the SQL of one payment per transaction,
# over another set (bench_queue, bench/pgbench_pay.sql): sets the same.
# Each new backend plans pay() and its triggers once (~0.1 s of CPU): 10 s
# of warm-up, then the last PAY_SECONDS are measured, from pgbench's
# per-transaction log (the service's pool is warm already).
pgbench_pay() { # connections set
    local n0 n1 tx
    psql "$url" -qX -c "DROP TABLE IF EXISTS bench_set" \
        -c "CREATE TABLE bench_set (n bigint, id_number text, amount bigint)" \
        -c "\\copy bench_set FROM '$dir/set.$2' WITH (FORMAT csv)"
    psql "$url" -qX -v year="$year" <<'SQL'
DROP TABLE IF EXISTS bench_queue;
CREATE TABLE bench_queue (n bigint PRIMARY KEY, id_number text, amount bigint,
                          external_id text, request_hash text, year integer,
                          paid_at timestamptz);
INSERT INTO bench_queue
SELECT row_number() OVER (ORDER BY s.n), s.id_number, s.amount, 'PG-' || s.n,
       encode(sha256(convert_to('PG-' || s.n || s.id_number, 'UTF8')), 'hex'),
       :year, date_trunc('second', now())
  FROM bench_set s;
DROP TABLE bench_set;
DROP SEQUENCE IF EXISTS bench_queue_seq;
CREATE SEQUENCE bench_queue_seq;
ANALYZE bench_queue;
CHECKPOINT;
SQL
    n0=$(payments "channel = 'bank' AND external_id LIKE 'PG-%'")
    rm -f "$dir"/pgbench_log.*
    pgbench -n -M prepared -c "$1" -j 2 -T "$((pay_seconds + 10))" \
        -f bench/pgbench_pay.sql -l --log-prefix="$dir/pgbench_log" \
        "$url" >"$dir/pgbench.out" 2>&1
    wl=$(load)
    n1=$(payments "channel = 'bank' AND external_id LIKE 'PG-%'")
    tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' \
        "$dir/pgbench.out")
    # per-transaction log: client, transaction, latency (µs), script, end
    # (s, µs): the transactions that ended in the last PAY_SECONDS
    cat "$dir"/pgbench_log.* | awk '{ print $5 + $6 / 1e6, $3 / 1000 }' |
        sort -n >"$dir/pgbench.tx"
    rate=$(awk -v s="$pay_seconds" '{ t[NR] = $1 } END {
        n = 0; for (i = 1; i <= NR; i++) if (t[i] >= t[NR] - s) n++
        printf "%.0f", n / s }' "$dir/pgbench.tx")
    lat=$(awk -v s="$pay_seconds" '{ t[NR] = $1; l[NR] = $2 } END {
        for (i = 1; i <= NR; i++) if (t[i] >= t[NR] - s) print l[i] }' \
        "$dir/pgbench.tx" | sort -n | awk '{ v[NR] = $1 }
        function p(q,  i) { i = int(q * NR + 0.999999); return v[i < 1 ? 1 : i] }
        END { printf "p50=%.2f p99=%.2f ms", p(.5), p(.99) }')
    note="last ${pay_seconds} s of $((pay_seconds + 10)); $((n1 - n0)) paid of $tx transactions"
    [ "$((n1 - n0))" -lt "$(wc -l <"$dir/set.$2")" ] ||
        note="$note, SET USED UP: rate is a lower bound"
}

# --- payments: the service, then pgbench, at 32 and 128 connections ---------
set_no=0
for c in 32 128; do
    wrk_pay "$c" "$set_no"
    svc=$rate
    [ "$c" = 32 ] && svc32=$rate
    row "POST /v1/payments, wrk, $c connections" \
        "$rate/s $lat ($note); load $wl"
    pgbench_pay "$c" "$((set_no + 1))"
    row "pay() SQL, pgbench, $c connections" \
        "$rate/s $lat ($note); load $wl"
    row "  ratio service / pgbench, $c connections" \
        "$(awk -v a="$svc" -v b="$rate" 'BEGIN { printf "%.2f", a / b }') (goal >= 0.9)"
    set_no=$((set_no + 2))
done

# --- the report while payments run -------------------------------------------
wrk_pay 32 4 "$q_report"
latency_row "progress report under payments (county)" "$report" "$wl"
row "  the payments meanwhile, wrk, 32 connections" "$rate/s $lat ($note)"

# --- signed WeChat Pay notifications -------------------------------------------
# orders for as many residents as the plain path pays in a run and a half,
# made through the API; then each notification signed once, fresh for
# five minutes (WECHAT_MAX_SKEW_SECONDS)
want=$((svc32 * pay_seconds * 3 / 2 + 1000))
head -n "$want" "$dir/set.5" | awk -v p="$dir/ord." '{ print > (p ((NR - 1) % 2)) }'
n_ord=$(cat "$dir"/ord.? | wc -l)
t0=$(date +%s.%N)
wrk -t2 -c32 -d600s --timeout 10s -H "$auth" -s bench/wrk_order.lua \
    "$base/v1/payment-orders" -- "$dir/ord." "$year" "$dir/orders." \
    >"$dir/wrk-order.out" 2>&1 &
wrk_pid=$!
sleep 2
made=-1
until [ "$made" = "$n_ord" ]; do # all made, or none made in the last second
    prev=$made
    sleep 1
    made=$(cat "$dir"/orders.? 2>/dev/null | wc -l)
    [ "$made" != "$prev" ] || break
done
t1=$(date +%s.%N)
kill -INT "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" || true
row "POST /v1/payment-orders (WeChat Pay), 32 connections" \
    "$made of $n_ord made in $(awk -v a="$t0" -v b="$t1" -v n="$made" \
        'BEGIN { printf "%.1f s: %.0f/s", b - a, n / (b - a) }'); load $(load)"
signers=
for k in 0 1; do
    awk -v k="$k" '{ print $1, $2, "4200" k sprintf("%09d", NR) }' \
        "$dir/orders.$k" | build/platform_sim wechat-batch "$dir/keys" \
        >"$dir/notes.$k" &
    signers="$signers $!"
done
# shellcheck disable=SC2086 # two pids
wait $signers
serial=${WECHATPAY_PUBLIC_KEY_ID:-PUB_KEY_ID_0119000000000000000000000001}
n0=$(payments "channel = 'wechat'")
wrk -t2 -c32 -d"${pay_seconds}s" --timeout 10s -s bench/wrk_wechat.lua \
    "$base/v1/callbacks/wechatpay" -- "$dir/notes." "$serial" \
    >"$dir/wrk-wechat.out" 2>&1
wl=$(load)
n1=$(payments "channel = 'wechat'")
p=$(grep '^RESULT' "$dir/wrk-wechat.out")
cb=$(awk -v n="$((n1 - n0))" -v s="$(field "$p" seconds)" \
    'BEGIN { printf "%.0f", n / s }')
note="$((n1 - n0)) paid, bad=$(field "$p" bad)"
[ "$((n1 - n0))" -lt "$made" ] || note="$note, ORDERS USED UP: rate is a lower bound"
row "WeChat Pay notifications, wrk, 32 connections" \
    "$cb/s p50=$(field "$p" p50) p99=$(field "$p" p99) ms ($note); load $wl"
row "  ratio notifications / POST /v1/payments, 32" \
    "$(awk -v a="$cb" -v b="$svc32" 'BEGIN { printf "%.2f", a / b }')"

# --- the service's peak memory -----------------------------------------------
row "service peak RSS (VmHWM)" \
    "$(awk '/^VmHWM/ { printf "%.1f MB", $2 / 1024 }' "/proc/$pid/status")"

table_write "make bench at $commit, $(TZ=Asia/Shanghai date '+%F %T %z')" \
    "$residents residents, $lines detail lines; $(nproc) cores; WORKERS=${WORKERS:-16} DB_POOL_SIZE=${DB_POOL_SIZE:-${WORKERS:-16}}; PAY_SECONDS=$pay_seconds" \
    "'load' is the 1-minute load average at the end of each measure (other work may share the machine)"
