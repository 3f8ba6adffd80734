#!/usr/bin/env bash
# `make run`: Tally locally, the production shape in miniature.
#
#   nginx (HTTPS on 127.0.0.1:$TALLY_PORT, config rendered from nginx/dev.conf.in)
#     -> tally serve --listen $TALLY_HOME/run/tally-1.sock --instance 1
#     -> tally serve --listen $TALLY_HOME/run/tally-2.sock --instance 2
#
# Steps: install missing apt packages, `swift build -c release`, `tally init`, render the dev
# nginx config into $TALLY_HOME/nginx, start the instances and nginx (in the foreground, not as a
# daemon), then supervise: an instance that dies is reported and restarted (with back-off; after 5
# quick failures in a row it is given up). Ctrl-C / SIGTERM stops everything this script started.
#
# Environment:
#   TALLY_HOME       state directory (default: $PWD/.tally); keyring, admin key, data, run/, nginx/
#   TALLY_PORT       HTTPS port on 127.0.0.1 (default 8443)
#   TALLY_INSTANCES  number of tally processes (default 2)
#   TALLY_CONFIGS    configs directory (default: <repo>/configs)
#   TALLY_BIN        use this binary instead of building (default: swift build -c release)
#   TALLY_LOG_LEVEL  passed through to tally
#   TALLY_SKIP_APT=1 do not install packages
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TALLY_HOME="${TALLY_HOME:-$PWD/.tally}"
mkdir -p "$TALLY_HOME"
TALLY_HOME="$(cd "$TALLY_HOME" && pwd)"
TALLY_CONFIGS="${TALLY_CONFIGS:-$repo_root/configs}"
export TALLY_HOME TALLY_CONFIGS
port="${TALLY_PORT:-8443}"
instances="${TALLY_INSTANCES:-2}"
[[ "$instances" =~ ^[1-9][0-9]?$ ]] || { echo "run: TALLY_INSTANCES must be 1-99" >&2; exit 2; }

say() { echo "run: $*" >&2; }

# ---- One run per TALLY_HOME (the sockets and the nginx prefix live there) ----------------------
run_dir="$TALLY_HOME/run"
mkdir -p "$run_dir"
lock="$run_dir/run.pid"
if [[ -s "$lock" ]] && kill -0 "$(cat "$lock")" 2>/dev/null; then
    say "already running for $TALLY_HOME (pid $(cat "$lock")); stop it first or set TALLY_HOME"
    exit 1
fi
echo $$ >"$lock"

# ---- Packages and build -------------------------------------------------------------------------
# curl: the readiness probe below.
"$repo_root/scripts/ensure-packages.sh" libfcgi-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev nginx openssl curl

if [[ -z "${TALLY_BIN:-}" ]]; then
    say "building (swift build -c release --static-swift-stdlib: the Swift runtime linked in, no toolchain needed where it runs)"
    (cd "$repo_root" && swift build -c release --static-swift-stdlib)
    TALLY_BIN="$(cd "$repo_root" && swift build -c release --static-swift-stdlib --show-bin-path)/tally"
fi
[[ -x "$TALLY_BIN" ]] || { say "no executable at $TALLY_BIN"; exit 1; }
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

# ---- State: keyring and admin key (idempotent) --------------------------------------------------
"$TALLY_BIN" init
TALLY_ADMIN_KEY_SHA256="$(tr -d '[:space:]' <"$TALLY_HOME/admin-key.sha256")"
export TALLY_ADMIN_KEY_SHA256

# ---- nginx config -------------------------------------------------------------------------------
sockets=()
for ((i = 1; i <= instances; i++)); do
    sockets+=("$run_dir/tally-$i.sock")
done
prefix="$TALLY_HOME/nginx"
"$repo_root/scripts/render-nginx-dev.sh" "$prefix" "$port" "${sockets[@]}"
nginx_args=(-p "$prefix/" -c conf/nginx.conf -e logs/error.log)
"$nginx_bin" -t -q "${nginx_args[@]}"

# ---- Processes ----------------------------------------------------------------------------------
supervisors=() # one background subshell per instance; each owns its tally process
nginx_pid=""
stopping=0

# supervise N SOCKET: runs `tally serve` and restarts it when it dies. On SIGTERM it stops its
# tally (SIGTERM = graceful stop), waits for it, and exits 0.
supervise() {
    local n=$1 sock=$2 child="" rc started failures=0
    set +e
    trap '[[ -n "$child" ]] && kill -TERM "$child" 2>/dev/null; [[ -n "$child" ]] && wait "$child"; exit 0' TERM
    trap '' INT # Ctrl-C reaches the whole process group; the parent turns it into an ordered stop
    while :; do
        rm -f "$sock" # a stale socket from a killed run; this directory is ours
        started=$SECONDS
        "$TALLY_BIN" serve --listen "$sock" --instance "$n" &
        child=$!
        wait "$child"
        rc=$?
        child=""
        say "tally instance $n (socket $sock) exited unexpectedly with status $rc"
        if ((SECONDS - started < 10)); then failures=$((failures + 1)); else failures=1; fi
        if ((failures >= 5)); then
            say "instance $n failed $failures times in a row; giving up on it"
            exit 1
        fi
        say "restarting instance $n in ${failures}s"
        sleep "$failures" &
        wait $! # interruptible by SIGTERM, unlike a foreground sleep
    done
}

cleanup() {
    ((stopping)) && return
    stopping=1
    trap '' INT TERM
    say "stopping"
    local pid pids=()
    for pid in "${supervisors[@]}"; do
        kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
    done
    if [[ -n "$nginx_pid" ]] && kill -QUIT "$nginx_pid" 2>/dev/null; then # QUIT = graceful stop
        pids+=("$nginx_pid")
    fi
    # Up to 30 s for graceful stops, then SIGKILL whatever is left (tally children first).
    local deadline=$((SECONDS + 30))
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then
            say "pid $pid did not stop in time; killing it"
            pkill -KILL -P "$pid" 2>/dev/null || true
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    rm -f "$lock" "${sockets[@]}"
    say "stopped"
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup' EXIT

for ((i = 1; i <= instances; i++)); do
    supervise "$i" "${sockets[i - 1]}" &
    supervisors+=($!)
done

# Wait for the sockets before nginx takes traffic (nginx itself would only log a 502).
for sock in "${sockets[@]}"; do
    for _ in $(seq 100); do
        [[ -S "$sock" ]] && break
        sleep 0.1
    done
    [[ -S "$sock" ]] || say "warning: $sock did not appear within 10s"
done

"$nginx_bin" "${nginx_args[@]}" -g 'daemon off;' &
nginx_pid=$!

ready=""
for _ in $(seq 50); do
    code="$(curl -sk -o /dev/null -w '%{http_code}' --max-time 2 "https://127.0.0.1:$port/health" 2>/dev/null || true)"
    if [[ "$code" == 2?? ]]; then
        ready=yes
        break
    fi
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.2
done
if ! kill -0 "$nginx_pid" 2>/dev/null; then
    say "nginx failed to start (port $port in use?):"
    tail -n 5 "$prefix/logs/error.log" >&2 || true
    exit 1
fi
[[ -n "$ready" ]] || say "warning: GET /health did not answer 2xx yet (last status: ${code:-none})"

cat <<EOF

  Tally is running ($instances instances behind nginx)
    URL        https://127.0.0.1:$port/   (self-signed: curl -k, or --cacert $prefix/conf/dev.crt)
    health     curl -sk https://127.0.0.1:$port/health
    admin key  $TALLY_HOME/admin-key   (send it as the X-Admin-Key header)
    logs       $prefix/logs/access.log (JSON), $prefix/logs/error.log; tally logs below
  Ctrl-C stops everything.

EOF

# ---- Supervise ----------------------------------------------------------------------------------
live=("${supervisors[@]}")
while :; do
    exited=""
    rc=0
    wait -n -p exited "$nginx_pid" "${live[@]}" || rc=$?
    [[ -n "$exited" ]] || continue # interrupted by a signal whose trap returned
    if [[ "$exited" == "$nginx_pid" ]]; then
        nginx_pid=""
        say "nginx exited unexpectedly (status $rc); see $prefix/logs/error.log"
        exit 1
    fi
    remaining=()
    for pid in "${live[@]}"; do [[ "$pid" == "$exited" ]] || remaining+=("$pid"); done
    live=("${remaining[@]}")
    if ((${#live[@]} == 0)); then
        say "no tally instance left"
        exit 1
    fi
    say "continuing with ${#live[@]} instance(s)"
done
