# shellcheck shell=bash
# bench/lib.sh: the set-up the service benchmarks share, sourced by them
# (bench/tax_import.sh, bench/progress.sh, bench/all.sh), not run. It
# starts a private throwaway cluster (scripts/pg.sh) and the real service on
# it, builds bench/roster_gen.c's county through the import endpoints, and
# prepares the tax bureau's daily detail (bench/tax_detail.sql).
#
#   bench_init NAME PORT     a folder for the run ($dir; BENCH_DIR keeps it),
#                            the port (BENCH_PORT overrides), the exit trap
#   bench_keys               WeChat Pay and Alipay keys for the run, in the
#                            service's environment (before bench_start)
#   bench_start RESIDENTS    the roster files, the cluster ($url), the service
#   bench_county             regions, categories, next year ($year), roster
#                            (timed: $roster_s seconds, $roster_load)
#   bench_targets            targets per village: 95 % of all, of dibao
#   bench_detail LINES       $dir/detail.csv, then VACUUM ANALYZE + CHECKPOINT
#   bench_tax_import         POST /v1/payments/import of it, timed ($tax_s,
#                            $tax_cpu, $tax_load, $tax_lines)
#   bench_unpaid LIMIT       "n,id_number,amount" lines on stdout: residents
#                            still unpaid who owe something, what they owe today
#   send METHOD PATH TYPE FILE   an admin request, the body on stdout
#   cpu                      CPU seconds of the service and the cluster so far
#   load                     the 1-minute load average, now
#   table_init NAME          $commit, $table, $results (bench/results/NAME-…)
#   row MEASURE FIGURES      one line of the table, printed and kept
#   table_write LINE…        $results: a header, the lines given, the table
#   wrk_report SECONDS PATH  RESULT line of sequential admin GETs (wrk)
#   field RESULT NAME        one figure of a RESULT line
#   latency_row LABEL RESULT LOAD   a row of its n, bad, p50, p90, p99
#
# Needs build/medins (MEDINS_BIN overrides) and build/roster_gen.

bench_init() { # name default-port
    bin=${MEDINS_BIN:-build/medins}
    dir=${BENCH_DIR:-$(mktemp -d "/tmp/medins-bench-$1.XXXXXX")}
    mkdir -p "$dir"
    chmod 755 "$dir"
    port=${BENCH_PORT:-$2}
    token=bench-admin-token-0123456789
    pid=
    trap bench_cleanup EXIT
}

bench_keys() {
    build/platform_sim keygen "$dir/keys" >/dev/null
    export WECHATPAY_PUBLIC_KEY_FILE=$dir/keys/wechatpay_platform_pub.pem
    export ALIPAY_PUBLIC_KEY_FILE=$dir/keys/alipay_public.txt
    WECHATPAY_APIV3_KEY=$(cat "$dir/keys/wechatpay_apiv3.key")
    export WECHATPAY_APIV3_KEY
}

# Stops the service, then the cluster; removes the folder unless BENCH_DIR
# named it.
bench_cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    fi
    scripts/pg.sh stop "$dir/pg" >/dev/null 2>&1 || true
    [ -n "${BENCH_DIR:-}" ] || rm -rf "$dir"
}

bench_start() { # residents
    echo "generating $1 residents under $dir"
    build/roster_gen "$dir" "$1"
    if curl -s -o /dev/null "localhost:$port/"; then
        echo "port $port is taken (another run?): set BENCH_PORT" >&2
        return 1
    fi
    scripts/pg.sh start "$dir/pg" >/dev/null
    url=$(scripts/pg.sh url "$dir/pg")
    DATABASE_URL=$url DEMO=0 PORT=$port ADMIN_TOKEN=$token LOG_LEVEL=warn \
        "$bin" >"$dir/service.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        curl -sf "localhost:$port/readyz" >/dev/null && return 0
        sleep 0.2
    done
    echo "the service did not become ready:" >&2
    cat "$dir/service.log" >&2
    return 1
}

send() { # method path content-type file → the response body
    curl -sS --fail-with-body -H "Authorization: Bearer $token" \
        -H "Content-Type: $3" -H 'Transfer-Encoding: chunked' -X "$1" \
        -T "$4" "localhost:$port$2"
}

# The county's regions, three categories, next year's campaign (collected
# now: $year), and the roster through POST /v1/households/import (timed).
bench_county() {
    send POST /v1/regions/import text/csv "$dir/regions.csv" >/dev/null
    local c t0 t1
    for c in dibao:低保对象 tekun:特困人员 orphan:孤儿; do
        echo "{\"name\":\"${c#*:}\"}" >"$dir/cat.json"
        send PUT "/v1/categories/${c%%:*}" application/json "$dir/cat.json" \
            >/dev/null
    done
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
    t0=$(date +%s.%N)
    # into a file first: "send | head" under pipefail could end the caller
    # when head closes the pipe early (SIGPIPE, curl error 23)
    send POST /v1/households/import text/csv "$dir/roster.csv" >"$dir/roster.out"
    t1=$(date +%s.%N)
    head -c 120 "$dir/roster.out"
    echo
    roster_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    roster_load=$(load)
    echo "roster import: $roster_s s (load average $roster_load)"
}

# Starts POST /v1/payments at full speed in the background (wrk_pid):
# "conns" connections, each paying its own slice of $dir/pay.csv (from
# bench_unpaid), for "seconds"; wrk's output goes to $dir/wrk-pay.out.
bench_pay_start() { # conns seconds
    local conns=$1 seconds=$2
    awk -F, -v n="$conns" -v p="$dir/pay." '{ print > (p ((NR - 1) % n)) }' \
        "$dir/pay.csv"
    local paid_at
    paid_at=$(TZ=Asia/Shanghai date +%Y-%m-%dT%H:%M:%S+08:00)
    wrk -t"$conns" -c"$conns" -d"${seconds}s" --timeout 10s \
        -H "Authorization: Bearer $token" -s bench/wrk_pay.lua \
        "http://localhost:$port/v1/payments" -- "$dir/pay." "$year" "$paid_at" \
        >"$dir/wrk-pay.out" 2>&1 &
    wrk_pid=$!
}

# Targets per village: 95 % of its residents, and of its dibao holders.
bench_targets() {
    psql "$url" -qX -v year="$year" >"$dir/targets.csv" <<'SQL'
COPY (
    SELECT h.region_code, 'all' AS "group", (count(*) * 95 + 99) / 100 AS target
      FROM residents r JOIN households h ON h.household_no = r.household_no
     WHERE r.removed_at IS NULL GROUP BY 1
    UNION ALL
    SELECT h.region_code, 'dibao', (count(*) * 95 + 99) / 100
      FROM residents r JOIN households h ON h.household_no = r.household_no
      JOIN resident_categories rc ON rc.id_number = r.id_number
                                 AND rc.category = 'dibao'
     WHERE r.removed_at IS NULL GROUP BY 1
     ORDER BY 2, 1
) TO STDOUT WITH (FORMAT csv, HEADER);
SQL
    send PUT "/v1/targets/$year" text/csv "$dir/targets.csv" >/dev/null
    echo "targets: $(($(wc -l <"$dir/targets.csv") - 1)) lines (villages × all, dibao)"
}

# The detail: one tier-1 payment for each of the first LINES residents who
# owe something. The roster is loaded days before the bureau's detail
# arrives: let the database settle as autovacuum would have by then (hint
# bits, statistics).
bench_detail() { # lines
    psql "$url" -qX -v year="$year" -v lines="$1" -f bench/tax_detail.sql \
        >"$dir/detail.csv"
    psql "$url" -qX -c "VACUUM (ANALYZE)" -c "CHECKPOINT"
}

# shellcheck disable=SC2034 # the figures are the caller's
bench_tax_import() {
    local t0 t1 c0 c1 out
    tax_lines=$(($(wc -l <"$dir/detail.csv") - 1))
    c0=$(cpu)
    t0=$(date +%s.%N)
    out=$(send POST /v1/payments/import text/csv "$dir/detail.csv")
    t1=$(date +%s.%N)
    c1=$(cpu)
    tax_load=$(load)
    echo "tax import: $(echo "$out" | head -c 200)"
    tax_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    tax_cpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.1f", b - a }')
}

bench_unpaid() { # limit
    psql "$url" -qX -v year="$year" -v day="$(TZ=Asia/Shanghai date +%F)" \
        -v lim="$1" <<'SQL'
COPY (
    SELECT row_number() OVER (ORDER BY g.id_number), g.id_number,
           l.due - l.subsidy
      FROM (SELECT r.id_number FROM residents r
             WHERE r.removed_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM enrolments e
                                WHERE e.id_number = r.id_number
                                  AND e.year = :year AND e.status = 'paid')) g
      JOIN years y ON y.year = :year
      JOIN year_tiers yt ON yt.year = y.year AND yt.tier = 1
     CROSS JOIN LATERAL person_due(y, yt, :'day'::date, g.id_number) l
     WHERE l.due > l.subsidy
     ORDER BY g.id_number
     LIMIT :lim
) TO STDOUT WITH (FORMAT csv);
SQL
}

# CPU seconds used so far by the service and the cluster's processes: on a
# machine shared with other work the wall time alone says little.
cpu() {
    local pids ticks p
    pids="$pid $(psql "$url" -qAtXc \
        "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()")"
    ticks=0
    for p in $pids; do
        [ -r "/proc/$p/stat" ] || continue
        ticks=$((ticks + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
    done
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }'
}

load() { cut -d' ' -f1 /proc/loadavg; }

# The results table: $results names the commit (-dirty when migrations or
# service code differ from it).
table_init() { # name
    commit=$(git rev-parse --short HEAD)
    git diff --quiet HEAD -- migrations service || commit=$commit-dirty
    results=bench/results/$1-$commit.txt
    table=$dir/table.txt
    : >"$table"
}

row() { # measure, then the figures: one line of the table
    printf '%-52s %s\n' "$1" "$2" | tee -a "$table"
}

table_write() { # header lines
    mkdir -p bench/results
    {
        printf '# %s\n' "$@"
        cat "$table"
    } >"$results"
    echo "written to $results"
}

wrk_report() { # seconds path → the RESULT line of sequential requests
    wrk -t1 -c1 -d"$1s" --timeout 10s -H "Authorization: Bearer $token" \
        -s bench/wrk_report.lua "http://localhost:$port$2" | grep '^RESULT'
}

field() { # RESULT-line name → value
    echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

latency_row() { # label RESULT-line load
    row "$1" "$(printf 'n=%s bad=%s p50=%s p90=%s p99=%s ms; load %s' \
        "$(field "$2" requests)" "$(field "$2" bad)" "$(field "$2" p50)" \
        "$(field "$2" p90)" "$(field "$2" p99)" "$3")"
}
