#!/usr/bin/env bash
# The local BigQuery peer for TallyBigQueryTests: PyPI local-bigquery 0.4.0 (FastAPI on DuckDB), installed
# offline-capable with the pinned recipe from shared/reference/google/local-bigquery.md.
#
#   scripts/local-bigquery.sh install               venv + pinned --no-deps install (skipped when current)
#   scripts/local-bigquery.sh start PORT DATADIR    serve on 127.0.0.1:PORT, wait until ready, record the pid
#   scripts/local-bigquery.sh stop [PORT]           stop the server started for PORT (all we started if none)
#
#   TALLY_LBQ_VENV      venv location (default .build-lbq/venv)
#   TALLY_LBQ_PYTHON    a Python >= 3.13 interpreter (default pyenv's 3.13.0, else python3.13 on PATH)
#   TALLY_LBQ_PROJECT   the peer's default project id (default tally-test)
#   TALLY_SHARED        the shared/ folder (default ../shared beside the repository)
#
# Exit status 3 means "cannot be installed here" (no shared/ requirements, no Python 3.13): tests skip on it.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$repo/.build-lbq"
venv="${TALLY_LBQ_VENV:-$state/venv}"
shared="${TALLY_SHARED:-$repo/../shared}"
requirements="$shared/reference/google/local-bigquery-requirements.txt"
wrapper="$repo/Tests/Support/local_bigquery_wrapper.py"
project="${TALLY_LBQ_PROJECT:-tally-test}"

say() { echo "local-bigquery: $*" >&2; }

find_python() {
    local candidate
    for candidate in "${TALLY_LBQ_PYTHON:-}" /root/.pyenv/versions/3.13.0/bin/python3 "$(command -v python3.13 || true)"; do
        [[ -n "$candidate" && -x "$candidate" ]] || continue
        if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# The stamp records the requirements' checksum, so a changed pin list reinstalls and an unchanged one skips.
install() {
    if [[ ! -f "$requirements" ]]; then
        say "cannot install: $requirements not found (shared/ is not beside the repository; set TALLY_SHARED)"
        exit 3
    fi
    local sum stamp="$venv/.tally-requirements.sha256"
    sum="$(sha256sum "$requirements" | cut -d' ' -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]] && "$venv/bin/python" -c 'import local_bigquery' 2>/dev/null; then
        say "already installed in $venv"
        return 0
    fi
    local python
    if ! python="$(find_python)"; then
        say "cannot install: no Python >= 3.13 (local-bigquery requires it); set TALLY_LBQ_PYTHON"
        exit 3
    fi
    mkdir -p "$(dirname "$venv")"
    exec 9>"$(dirname "$venv")/.install.lock"
    flock 9
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then return 0; fi # another installer finished first
    local started=$SECONDS
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$requirements"
    "$venv/bin/python" -c 'import local_bigquery, duckdb_ext'
    echo "$sum" >"$stamp"
    say "installed in $venv in $((SECONDS - started)) s"
}

pid_file() { echo "$state/server-$1.pid"; }

# True when `pid` is alive and is our wrapper (a recycled pid of another program is never signalled).
is_ours() {
    local pid="$1"
    kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$wrapper"
}

free_port() {
    "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local port="${1:?usage: start PORT DATADIR}" data="${2:?usage: start PORT DATADIR}"
    [[ -x "$venv/bin/python" ]] || { say "not installed: run '$0 install' first"; exit 3; }
    stop_one "$port" # a server this script left on the same port (and its data directory)
    mkdir -p "$state" "$data"
    # A fresh state every start: wipe only a directory that is empty or that this script made.
    if [[ -n "$(ls -A "$data")" && ! -f "$data/.tally-local-bigquery" ]]; then
        say "refusing to wipe $data: not empty and not made by this script"
        exit 2
    fi
    find "$data" -mindepth 1 -delete
    touch "$data/.tally-local-bigquery"
    local pidfile log grpc
    pidfile="$(pid_file "$port")"
    log="$state/server-$port.log"
    grpc="$(free_port)"
    local started=$SECONDS
    # An empty environment: the server's settings also read unprefixed variables (DATA_DIR, CALLER, …).
    env -i PATH="/usr/bin:/bin" HOME="${HOME:-/root}" \
        "$venv/bin/python" "$wrapper" serve --host 127.0.0.1 --port "$port" --grpc-port "$grpc" \
        --data-dir "$data" --project "$project" </dev/null >"$log" 2>&1 &
    local pid=$!
    echo "$pid" >"$pidfile"
    echo "$data" >"$state/server-$port.data"
    local url="http://127.0.0.1:$port/bigquery/v2/projects/$project/datasets"
    for _ in $(seq 300); do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "server exited during start; last log lines:"
            tail -n 20 "$log" >&2
            rm -f "$pidfile"
            exit 1
        fi
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
            say "ready on http://127.0.0.1:$port (pid $pid) in $((SECONDS - started)) s"
            return 0
        fi
        sleep 0.1
    done
    say "not ready after 30 s; stopping it"
    stop_one "$port"
    exit 1
}

# SIGTERM, then SIGINT (once, SIGTERM left the gRPC server running), then SIGKILL; by recorded pid only.
stop_one() {
    local pidfile pid
    pidfile="$(pid_file "$1")"
    [[ -f "$pidfile" ]] || return 0
    pid="$(cat "$pidfile")"
    if is_ours "$pid"; then
        local signal
        for signal in TERM INT KILL; do
            kill "-$signal" "$pid" 2>/dev/null || true
            for _ in $(seq 50); do
                is_ours "$pid" || break 2
                sleep 0.1
            done
        done
    fi
    rm -f "$pidfile"
    # The data directory goes too, but only one this script marked as its own.
    local datafile="$state/server-$1.data" data
    if [[ -f "$datafile" ]]; then
        data="$(cat "$datafile")"
        [[ -f "$data/.tally-local-bigquery" ]] && rm -rf "$data"
        rm -f "$datafile"
    fi
}

stop() {
    if [[ $# -gt 0 ]]; then
        stop_one "$1"
        return
    fi
    local pidfile
    for pidfile in "$state"/server-*.pid; do
        [[ -f "$pidfile" ]] || continue
        pidfile="${pidfile##*/server-}"
        stop_one "${pidfile%.pid}"
    done
}

case "${1:-}" in
install) install ;;
start) start "${@:2}" ;;
stop) stop "${@:2}" ;;
*)
    echo "usage: $0 install | start PORT DATADIR | stop [PORT]" >&2
    exit 2
    ;;
esac
