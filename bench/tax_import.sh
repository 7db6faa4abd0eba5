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
# Needs build/medins and build/roster_gen. BENCH_DIR keeps the files.
set -euo pipefail
lines=${1:-941000}
residents=${2:-1280000}
bin=${MEDINS_BIN:-build/medins}
dir=${BENCH_DIR:-$(mktemp -d /tmp/medins-bench-tax.XXXXXX)}
mkdir -p "$dir"
chmod 755 "$dir"
port=${BENCH_PORT:-18182}
token=bench-admin-token-0123456789
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    scripts/pg.sh stop "$dir/pg" >/dev/null 2>&1 || true
    [ -n "${BENCH_DIR:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT

echo "generating $residents residents under $dir"
build/roster_gen "$dir" "$residents"
scripts/pg.sh start "$dir/pg" >/dev/null
url=$(scripts/pg.sh url "$dir/pg")
DATABASE_URL=$url DEMO=0 PORT=$port ADMIN_TOKEN=$token LOG_LEVEL=warn \
    "$bin" >"$dir/service.log" 2>&1 &
pid=$!
for _ in $(seq 50); do
    curl -sf "localhost:$port/readyz" >/dev/null && break
    sleep 0.2
done

send() { # method path content-type file → the response body
    curl -sS --fail-with-body -H "Authorization: Bearer $token" \
        -H "Content-Type: $3" -H 'Transfer-Encoding: chunked' -X "$1" \
        -T "$4" "localhost:$port$2"
}
send POST /v1/regions/import text/csv "$dir/regions.csv" >/dev/null
for c in dibao:低保对象 tekun:特困人员 orphan:孤儿; do
    echo "{\"name\":\"${c#*:}\"}" >"$dir/cat.json"
    send PUT "/v1/categories/${c%%:*}" application/json "$dir/cat.json" >/dev/null
done
# next year's campaign, collected now
year=$(($(TZ=Asia/Shanghai date +%Y) + 1))
cat >"$dir/year.json" <<JSON
{"collection_start":"$((year - 1))-09-01","collection_end":"$((year - 1))-12-31",
 "tiers":[{"tier":1,"contribution":38000,"fiscal_subsidy":64000},
          {"tier":2,"contribution":76000,"fiscal_subsidy":64000}],
 "subsidies":[{"category":"dibao","tier":1,"subsidy":34000},
              {"category":"tekun","tier":1,"subsidy":38000},
              {"category":"orphan","tier":1,"subsidy":38000}]}
JSON
send PUT "/v1/years/$year" application/json "$dir/year.json" >/dev/null
echo "importing the roster"
send POST /v1/households/import text/csv "$dir/roster.csv" | head -c 120
echo
psql "$url" -qX -v year="$year" -v lines="$lines" -f bench/tax_detail.sql \
    >"$dir/detail.csv"
# the roster is loaded days before the bureau's detail arrives: let the
# database settle as autovacuum would have by then (hint bits, statistics)
psql "$url" -qX -c "VACUUM (ANALYZE)" -c "CHECKPOINT"

# CPU seconds used so far by the service and the cluster's processes: on a
# machine shared with other work the wall time alone says little
cpu() {
    local pids ticks
    pids="$pid $(psql "$url" -qAtXc \
        "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()")"
    ticks=0
    for p in $pids; do
        [ -r "/proc/$p/stat" ] || continue
        ticks=$((ticks + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
    done
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }'
}

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
        -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
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
