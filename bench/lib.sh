# shellcheck shell=bash
# bench/lib.sh: the set-up the service benchmarks share, sourced by them
# (bench/tax_import.sh, bench/progress.sh), not run. It starts a private
# throwaway cluster (scripts/pg.sh) and the real service on it, builds
# bench/roster_gen.c's county through the import endpoints, and prepares
# the tax bureau's daily detail (bench/tax_detail.sql).
#
#   bench_init NAME PORT     a folder for the run ($dir; BENCH_DIR keeps it),
#                            the port (BENCH_PORT overrides), the exit trap
#   bench_start RESIDENTS    the roster files, the cluster ($url), the service
#   bench_county             regions, categories, next year ($year), roster
#   bench_detail LINES       $dir/detail.csv, then VACUUM ANALYZE + CHECKPOINT
#   send METHOD PATH TYPE FILE   an admin request, the body on stdout
#   cpu                      CPU seconds of the service and the cluster so far
#   load                     the 1-minute load average, now
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
    send POST /v1/households/import text/csv "$dir/roster.csv" | head -c 120
    t1=$(date +%s.%N)
    echo
    awk -v a="$t0" -v b="$t1" -v l="$(load)" 'BEGIN {
        printf "roster import: %.1f s (load average %s)\n", b - a, l }'
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
