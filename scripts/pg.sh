#!/usr/bin/env bash
# pg.sh: a private PostgreSQL cluster under a directory, listening only on a
# Unix socket inside it (no TCP port). As root the cluster runs as the
# postgres user, since initdb refuses root.
#
#   pg.sh start DIR   create (first time) and start; creates database medins
#   pg.sh stop DIR    fast shutdown
#   pg.sh kill DIR    SIGKILL the postmaster and its children (fault tests)
#   pg.sh url DIR     print the libpq connection string
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop|kill|url DIR}
dir=${2:?usage: pg.sh start|stop|kill|url DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
base=$dir
# As root the cluster belongs to the postgres user, who may not be able to
# reach a folder under /root: then the cluster lives in postgres's home and
# $dir keeps a note of where.
if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1 &&
    ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
    base=/var/lib/postgresql/medins-$(printf %s "$dir" | cksum | cut -d' ' -f1)
    mkdir -p "$base"
    chown postgres: "$base"
    echo "$base" > "$dir/pg-location"
fi
data=$base/pgdata
log=$base/postgres.log

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "pg.sh: PostgreSQL server not installed (make deps)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The socket path must fit in sun_path (107 bytes): use a short one if needed.
sockdir=$base/run
if [ ${#sockdir} -gt 90 ]; then
    sockdir=/tmp/medins-pg-$(printf %s "$dir" | cksum | cut -d' ' -f1)
fi

url() { echo "host=$sockdir port=5432 dbname=medins user=medins connect_timeout=5"; }

init_cluster() {
    mkdir -p "$data" "$sockdir"
    chmod 700 "$data"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$data" "$sockdir" "$base"
    fi
    as_owner "$bindir/initdb" -D "$data" -U medins --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$base/initdb.log" 2>&1 || { cat "$base/initdb.log" >&2; exit 1; }
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sockdir'
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
timezone = 'Asia/Shanghai'
log_min_messages = warning
CONF
}

start() {
    [ -f "$data/PG_VERSION" ] || init_cluster
    mkdir -p "$sockdir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$sockdir" && touch "$log" && chown postgres: "$log"
    if as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        :
    else
        # setsid: Ctrl-C at the terminal must reach the service first, not
        # the database under it
        as_owner setsid "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start \
            >"$base/pg_ctl.out" 2>&1 || { cat "$base/pg_ctl.out" "$log" >&2; exit 1; }
    fi
    psql "$(url | sed 's/dbname=medins/dbname=postgres/')" -qtAc \
        "SELECT 1 FROM pg_database WHERE datname = 'medins'" | grep -q 1 ||
        psql "$(url | sed 's/dbname=medins/dbname=postgres/')" -qc "CREATE DATABASE medins" >/dev/null
}

stop() {
    [ -f "$data/PG_VERSION" ] || return 0
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

kill_all() {
    [ -f "$data/postmaster.pid" ] || return 0
    pid=$(head -n 1 "$data/postmaster.pid")
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

case $cmd in
    start) start ;;
    stop) stop ;;
    kill) kill_all ;;
    url) url ;;
    *) echo "pg.sh: unknown command $cmd" >&2; exit 2 ;;
esac
