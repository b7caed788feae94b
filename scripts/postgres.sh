#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests (sourced by scripts/test.sh).
# Installs Debian's postgresql package when no server binaries are present. Exports
# TIDINGS_TEST_POSTGRES_URL and stops and deletes the cluster when the calling shell exits.

pg_bin_dir() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ]; then echo "$dir"; fi
    done | sort -V | tail -n 1
}

ensure_postgres_installed() {
    if [ -z "$(pg_bin_dir)" ]; then
        echo "== installing PostgreSQL from Debian's packages"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq postgresql >/dev/null
    fi
}

# Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root).
as_pg_user() {
    if [ "$(id -u)" = "0" ]; then
        su postgres -s /bin/bash -c "$*"
    else
        bash -c "$*"
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_throwaway_postgres() {
    ensure_postgres_installed
    local bin
    bin="$(pg_bin_dir)"
    PG_TEST_DIR="$(mktemp -d /tmp/tidings-pg.XXXXXX)"
    chmod 755 "$PG_TEST_DIR"
    if [ "$(id -u)" = "0" ]; then chown postgres "$PG_TEST_DIR"; fi
    PG_TEST_PORT="$(free_port)"
    as_pg_user "'$bin/initdb' -D '$PG_TEST_DIR/data' -U postgres -A trust -E UTF8 --no-locale >'$PG_TEST_DIR/initdb.log' 2>&1"
    as_pg_user "'$bin/pg_ctl' -D '$PG_TEST_DIR/data' -l '$PG_TEST_DIR/server.log' -w -o \"-c listen_addresses=127.0.0.1 -c port=$PG_TEST_PORT -c unix_socket_directories='$PG_TEST_DIR' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400\" start >/dev/null"
    export PG_TEST_BIN="$bin" PG_TEST_DIR PG_TEST_PORT
    export TIDINGS_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_TEST_PORT/postgres"
    trap stop_throwaway_postgres EXIT
    echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_TEST_PORT"
}

stop_throwaway_postgres() {
    if [ -n "${PG_TEST_DIR:-}" ] && [ -d "$PG_TEST_DIR/data" ]; then
        as_pg_user "'$PG_TEST_BIN/pg_ctl' -D '$PG_TEST_DIR/data' -m immediate stop >/dev/null 2>&1" || true
        rm -rf "$PG_TEST_DIR"
    fi
}
