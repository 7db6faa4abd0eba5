#!/usr/bin/env bash
# roster.sh: times POST /v1/households/import of a generated county roster
# (1,280,000 residents, about 105 MB) against the service on a private
# throwaway cluster, then the same file again (which must change nothing).
#
#   bench/roster.sh [RESIDENTS]      (make bench-roster)
#
# Needs build/medins and build/roster_gen. BENCH_DIR keeps the files.
set -euo pipefail
residents=${1:-1280000}
bin=${MEDINS_BIN:-build/medins}
dir=${BENCH_DIR:-$(mktemp -d /tmp/medins-bench.XXXXXX)}
mkdir -p "$dir"
chmod 755 "$dir"
port=${BENCH_PORT:-18181}
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
DATABASE_URL=$(scripts/pg.sh url "$dir/pg") DEMO=0 PORT=$port \
    ADMIN_TOKEN=$token LOG_LEVEL=warn "$bin" >"$dir/service.log" 2>&1 &
pid=$!
for _ in $(seq 50); do
    curl -sf "localhost:$port/readyz" >/dev/null && break
    sleep 0.2
done

post() { # path content-type file → the response body
    curl -sS --fail-with-body -H "Authorization: Bearer $token" \
        -H "Content-Type: $2" -X "$3" --data-binary "@$4" \
        "localhost:$port$1"
}
post /v1/regions/import text/csv POST "$dir/regions.csv" >/dev/null
for c in dibao:低保对象 tekun:特困人员 orphan:孤儿; do
    echo "{\"name\":\"${c#*:}\"}" >"$dir/cat.json"
    post "/v1/categories/${c%%:*}" application/json PUT "$dir/cat.json" >/dev/null
done

# CPU seconds used so far by the service and the cluster's processes: on a
# machine shared with other work the wall time alone says little
cpu() {
    local pids ticks
    pids="$pid $(psql "$(scripts/pg.sh url "$dir/pg")" -qAtc \
        "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()")"
    ticks=0
    for p in $pids; do
        [ -r "/proc/$p/stat" ] || continue
        ticks=$((ticks + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
    done
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }'
}

lines=$(($(wc -l <"$dir/roster.csv") - 1))
bytes=$(stat -c %s "$dir/roster.csv")
run() { # label
    local t0 t1 out c0 c1
    c0=$(cpu)
    t0=$(date +%s.%N)
    # chunked, as a client streaming a file sends it
    out=$(curl -sS --fail-with-body -H "Authorization: Bearer $token" \
        -H 'Content-Type: text/csv' -H 'Transfer-Encoding: chunked' \
        -T "$dir/roster.csv" -X POST "localhost:$port/v1/households/import")
    t1=$(date +%s.%N)
    c1=$(cpu)
    echo "$1: $(echo "$out" | head -c 200)"
    awk -v a="$t0" -v b="$t1" -v n="$lines" -v by="$bytes" -v l="$1" \
        -v c="$(awk -v x="$c0" -v y="$c1" 'BEGIN { print y - x }')" 'BEGIN {
        s = b - a; printf "%s: %d lines, %.1f MB in %.2f s: %.0f rows/s " \
            "(service + database CPU: %.1f s)\n", l, n, by / 1e6, s, n / s, c }'
}
run "first import"
run "re-import"

# a department's member list: every 7th resident, then every 14th replacing it
awk -F, 'NR > 1 && NR % 7 == 0 { print $6 ",2024-01-01," }' "$dir/roster.csv" |
    sed '1i id_number,valid_from,valid_to' >"$dir/members.csv"
awk -F, 'NR > 1 && NR % 14 == 0 { print $6 ",2024-01-01," }' "$dir/roster.csv" |
    sed '1i id_number,valid_from,valid_to' >"$dir/members-half.csv"
members() { # label mode file
    local t0 t1 out n
    n=$(($(wc -l <"$3") - 1))
    t0=$(date +%s.%N)
    out=$(post "/v1/categories/orphan/members/import?mode=$2" text/csv POST "$3")
    t1=$(date +%s.%N)
    echo "$1: $(echo "$out" | head -c 200)"
    awk -v a="$t0" -v b="$t1" -v n="$n" -v l="$1" 'BEGIN {
        s = b - a; printf "%s: %d lines in %.2f s: %.0f rows/s\n", l, n, s, n / s }'
}
members "member list (extend)" extend "$dir/members.csv"
members "half the list (replace)" replace "$dir/members-half.csv"
