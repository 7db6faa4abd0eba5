#!/usr/bin/env bash
# run.sh: what `make run` does after building: the private cluster (unless
# DATABASE_URL is set), then the service in the foreground. Ctrl-C or
# SIGTERM stops the service (in-flight requests finish), then the cluster.
set -euo pipefail

bin=${1:-build/medins}
export VAR_DIR=${VAR_DIR:-var}
export ADMIN_TOKEN=${ADMIN_TOKEN:-dev-admin-token-change-me}
export DEMO=${DEMO:-1}
mkdir -p "$VAR_DIR"

# development keys for WeChat Pay and Alipay (kept when they exist); play a
# platform with build/platform_sim (see the README)
build/platform_sim keygen "$VAR_DIR/keys" >/dev/null

own_cluster=0
if [ -z "${DATABASE_URL:-}" ]; then
    scripts/pg.sh start "$VAR_DIR"
    DATABASE_URL=$(scripts/pg.sh url "$VAR_DIR")
    export DATABASE_URL
    own_cluster=1
    echo "run: PostgreSQL under $VAR_DIR (log: $VAR_DIR/postgres.log)"
fi
echo "run: http://localhost:${PORT:-8080}/  admin token: $ADMIN_TOKEN"

"$bin" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' INT TERM
rc=0
while kill -0 "$pid" 2>/dev/null; do
    wait "$pid" || rc=$?
done
[ "$own_cluster" = 1 ] && scripts/pg.sh stop "$VAR_DIR"
echo "run: stopped"
exit "$rc"
