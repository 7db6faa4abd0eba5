#!/usr/bin/env bash
# schema.sh: applies the migrations to a throwaway cluster and prints the
# resulting schema (dump), or fails when schema/schema.sql has drifted (check).
set -euo pipefail
mode=${1:?usage: schema.sh dump|check}
tmp=$(mktemp -d /tmp/medins-schema.XXXXXX)
chmod 755 "$tmp"
cleanup() { scripts/pg.sh stop "$tmp/pg" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
scripts/pg.sh start "$tmp/pg" >/dev/null
url=$(scripts/pg.sh url "$tmp/pg")
DATABASE_URL=$url DEMO=0 build/medins migrate 2>"$tmp/migrate.log" ||
    { cat "$tmp/migrate.log" >&2; exit 1; }
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dump() {
    "$bindir/pg_dump" --schema-only --no-owner --no-privileges "$url" |
        grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog.set_config' |
        cat -s
}
if [ "$mode" = dump ]; then
    dump
else
    dump > "$tmp/now.sql"
    if ! diff -u schema/schema.sql "$tmp/now.sql"; then
        echo "check-schema: schema/schema.sql differs from the migrations; run 'make schema'" >&2
        exit 1
    fi
    echo "check-schema: schema/schema.sql matches the migrations"
fi
