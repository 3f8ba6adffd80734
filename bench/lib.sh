# shellcheck shell=bash
# Helpers shared by the benchmarks in bench/*.sh. Source it; do not run it.
#
#   source "$(dirname "$0")/lib.sh"
#   bench_init NAME          # run dir under bench/.work, report file, cleanup traps
#   bench_bg LABEL CMD...    # start a process in the background; it is stopped on exit
#   bench_nginx LABEL PORT SOCKET...   # render a config with the project's script and start nginx
#   bench_tally_serve LABEL SOCKET     # start `tally serve` on a unix socket
#   bench_wrk LABEL URL      # run wrk, parse req/s and latency percentiles into WRK_* variables
#   bench_say TEXT           # print and append to the report
#   bench_finish             # copy the report to bench/out/NAME-DATE.txt
#
# Every wait is bounded (bench_wait_for has a timeout). Every process started through bench_bg is
# stopped by PID on exit, Ctrl-C or failure: SIGTERM, then SIGKILL after BENCH_STOP_TIMEOUT seconds.

set -euo pipefail

BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
REPO_ROOT=${REPO_ROOT:-$(cd "$BENCH_DIR/.." && pwd)}
BENCH_WORK=${BENCH_WORK:-$BENCH_DIR/.work}
BENCH_OUT=${BENCH_OUT:-$BENCH_DIR/out}
BENCH_STAMP=${BENCH_STAMP:-$(date -u +%Y-%m-%dT%H%M%SZ)}
BENCH_STOP_TIMEOUT=${BENCH_STOP_TIMEOUT:-5}
BENCH_START_TIMEOUT=${BENCH_START_TIMEOUT:-30}
RENDER_NGINX=${RENDER_NGINX:-$REPO_ROOT/scripts/render-nginx-dev.sh}

BENCH_NAME=""
BENCH_RUN=""     # this run's scratch directory
BENCH_REPORT=""  # report being written (copied to bench/out at the end)
BENCH_PIDS=()    # started processes, stopped in reverse order
BENCH_LABELS=()

bench_log() { printf '[%s %s] %s\n' "${BENCH_NAME:-bench}" "$(date +%H:%M:%S)" "$*" >&2; }
bench_die() { bench_log "ERROR: $*"; exit 1; }

# Prints to stdout and appends to the report.
bench_say() {
    printf '%s\n' "$*"
    if [[ -n $BENCH_REPORT ]]; then printf '%s\n' "$*" >>"$BENCH_REPORT"; fi
}

bench_init() {
    BENCH_NAME=$1
    mkdir -p "$BENCH_WORK" "$BENCH_OUT"
    BENCH_RUN=$(mktemp -d "$BENCH_WORK/$BENCH_NAME.XXXXXX")
    # nginx workers (nobody when the master runs as root) must traverse it to reach the sockets.
    chmod 0755 "$BENCH_RUN"
    mkdir -p "$BENCH_RUN/logs" "$BENCH_RUN/sock"
    chmod 0755 "$BENCH_RUN/sock"
    BENCH_REPORT=$BENCH_RUN/report.txt
    : >"$BENCH_REPORT"
    trap bench_cleanup EXIT
    trap 'bench_log "interrupted"; exit 130' INT
    trap 'bench_log "terminated"; exit 143' TERM HUP
    bench_log "scratch directory $BENCH_RUN"
}

# Stops every process started with bench_bg, newest first, by PID only.
bench_cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    local i pid label deadline
    for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${BENCH_PIDS[i]}
        label=${BENCH_LABELS[i]}
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done
    deadline=$((SECONDS + BENCH_STOP_TIMEOUT))
    for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${BENCH_PIDS[i]}
        label=${BENCH_LABELS[i]}
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            bench_log "$label (pid $pid) ignored SIGTERM for ${BENCH_STOP_TIMEOUT}s; SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    BENCH_PIDS=()
    BENCH_LABELS=()
    # nginx workers outlive a SIGKILLed master only briefly; sockets and scratch files stay for
    # inspection when the run failed, and are removed when it succeeded.
    if ((rc == 0)) && [[ -n $BENCH_RUN && -d $BENCH_RUN && ${BENCH_KEEP:-0} != 1 ]]; then
        rm -rf "$BENCH_RUN"
    elif [[ -n $BENCH_RUN ]]; then
        bench_log "kept $BENCH_RUN for inspection"
    fi
    exit "$rc"
}

# bench_bg LABEL CMD... — starts CMD in the background with its output in logs/LABEL.log and
# sets BG_PID. Environment assignments go before the call or through `env`.
bench_bg() {
    local label=$1
    shift
    "$@" >"$BENCH_RUN/logs/$label.log" 2>&1 </dev/null &
    BG_PID=$!
    BENCH_PIDS+=("$BG_PID")
    BENCH_LABELS+=("$label")
}

# Whether a process started by bench_bg is still alive (and not a zombie).
bench_alive() {
    local pid=$1 state
    [[ -r /proc/$pid/stat ]] || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ $state != Z && $state != X ]]
}

# bench_wait_for TIMEOUT_S DESCRIPTION CMD... — polls CMD every 0.1 s until it succeeds.
bench_wait_for() {
    local timeout=$1 what=$2
    shift 2
    local deadline=$((SECONDS + timeout))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            bench_log "timed out after ${timeout}s waiting for $what"
            return 1
        fi
        sleep 0.1
    done
}

# Prints a free loopback TCP port (random in 20000-59999, checked against listening sockets).
bench_free_port() {
    local i port used
    used=$(ss -Htln 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)
    for ((i = 0; i < 200; i++)); do
        port=$((20000 + RANDOM % 40000))
        if ! grep -qx "$port" <<<"$used"; then
            echo "$port"
            return 0
        fi
    done
    bench_die "no free port found"
}

bench_port_listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

# bench_status_kb PID FIELD — a /proc/PID/status field in kB (VmRSS, VmHWM), or empty.
bench_status_kb() {
    awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null || true
}

# CPU time (user + system) of PID in clock ticks.
bench_cpu_ticks() {
    # Fields after the ")" of comm: state is $1, utime is $12, stime is $13.
    sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}'
}

# Gives the nginx workers of master PID access to unix sockets they could not otherwise open:
# when nginx runs as root without a `user` directive its workers are `nobody`, and the responders'
# sockets are 0660 root:root. Production does the same with SocketGroup=www-data.
bench_grant_sockets() {
    local master=$1
    shift
    local worker gid uid
    worker=$(pgrep -P "$master" | head -n1 || true)
    [[ -n $worker ]] || return 0
    uid=$(awk '$1 == "Uid:" {print $2}' "/proc/$worker/status")
    gid=$(awk '$1 == "Gid:" {print $2}' "/proc/$worker/status")
    local s
    for s in "$@"; do
        if [[ $uid != 0 && $uid != "$(stat -c %u "$s")" && $gid != "$(stat -c %g "$s")" ]]; then
            chgrp "$gid" "$s"
        fi
    done
}

# bench_nginx LABEL PORT SOCKET... — renders PREFIX=run/LABEL with the project's render script,
# starts nginx in the foreground (as a background job), waits for the port, sets BG_PID.
bench_nginx() {
    local label=$1 port=$2
    shift 2
    local prefix=$BENCH_RUN/$label
    [[ -x $RENDER_NGINX ]] || bench_die "render script $RENDER_NGINX not found (set RENDER_NGINX)"
    # The development render limits to 10000 r/s, below what wrk reaches on /health: lift the rate
    # limit (the same for every stack) so that no run measures nginx's cheap 429s.
    TALLY_NGINX_RATE=${BENCH_NGINX_RATE:-1000000r/s} TALLY_NGINX_BURST=${BENCH_NGINX_BURST:-100000} \
        "$RENDER_NGINX" "$prefix" "$port" "$@" >"$BENCH_RUN/logs/$label-render.log" 2>&1 ||
        { cat "$BENCH_RUN/logs/$label-render.log" >&2; bench_die "rendering the nginx config failed"; }
    nginx -t -q -p "$prefix/" -c conf/nginx.conf -e logs/error.log >"$BENCH_RUN/logs/$label-t.log" 2>&1 ||
        { cat "$BENCH_RUN/logs/$label-t.log" >&2; bench_die "nginx -t failed for $label"; }
    bench_bg "$label" nginx -p "$prefix/" -c conf/nginx.conf -e logs/error.log -g 'daemon off;'
    local master=$BG_PID
    bench_wait_for "$BENCH_START_TIMEOUT" "$label on port $port" bench_port_listening "$port" ||
        { cat "$BENCH_RUN/logs/$label.log" "$prefix/logs/error.log" 2>/dev/null >&2 || true; bench_die "$label did not start"; }
    bench_wait_for 5 "$label workers" pgrep -P "$master" || true
    bench_grant_sockets "$master" "$@"
    BG_PID=$master
}

# bench_https_ok URL — one GET through nginx answered with 2xx.
bench_https_ok() {
    local code
    code=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 5 "$1") || return 1
    [[ $code == 2?? ]]
}

# bench_tally_home DIR — a TALLY_HOME initialised with `tally init`; sets TALLY_ADMIN_KEY_SHA256.
bench_tally_home() {
    local home=$1
    mkdir -p "$home"
    TALLY_HOME=$home timeout 60 "$TALLY_BIN" init >"$BENCH_RUN/logs/tally-init.log" 2>&1 ||
        { cat "$BENCH_RUN/logs/tally-init.log" >&2; bench_die "tally init failed"; }
    # `tally init` writes the admin key's SHA-256 next to it; any 64-hex value would do, since the
    # benchmarks that need no admin key never send one.
    if [[ -z ${TALLY_ADMIN_KEY_SHA256:-} && -s $home/admin-key.sha256 ]]; then
        TALLY_ADMIN_KEY_SHA256=$(tr -d ' \n' <"$home/admin-key.sha256" | cut -c1-64)
    fi
    TALLY_ADMIN_KEY_SHA256=${TALLY_ADMIN_KEY_SHA256:-$(openssl rand -hex 32)}
    export TALLY_ADMIN_KEY_SHA256
}

# bench_tally_serve LABEL SOCKET HOME THREADS [INSTANCE] — starts `tally serve` in the background;
# BG_PID. INSTANCE (default: tally's own default) names the instance in its logs and /health.
bench_tally_serve() {
    local label=$1 sock=$2 home=$3 threads=$4 instance=${5:-}
    local extra=()
    if [[ -n $instance ]]; then extra=(--instance "$instance"); fi
    bench_bg "$label" env TALLY_HOME="$home" TALLY_ADMIN_KEY_SHA256="$TALLY_ADMIN_KEY_SHA256" \
        TALLY_CONFIGS="${TALLY_CONFIGS:-$REPO_ROOT/configs}" \
        "$TALLY_BIN" serve --listen "$sock" --workers "$threads" "${extra[@]}"
}

# Converts a wrk duration ("812.00us", "3.21ms", "1.02s", "1.50m") to milliseconds.
bench_to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
        else if (u == "h") n *= 3600000;
        printf "%.3f", n }'
}

# bench_wrk LABEL URL [extra wrk args] — runs wrk with BENCH_THREADS/BENCH_CONNECTIONS/
# BENCH_SECONDS, keeps the raw output in logs/wrk-LABEL.txt, and sets WRK_RPS, WRK_P50, WRK_P99
# (ms), WRK_REQUESTS, WRK_NON2XX and WRK_SOCKET_ERRORS. Returns 1 when wrk produced no figures.
bench_wrk() {
    local label=$1 url=$2
    shift 2
    local out=$BENCH_RUN/logs/wrk-$label.txt
    local secs=${BENCH_SECONDS:-10}
    timeout $((secs + 30)) wrk -t"${BENCH_THREADS:-2}" -c"${BENCH_CONNECTIONS:-64}" -d"${secs}s" \
        --latency "$@" "$url" >"$out" 2>&1 || true
    WRK_RPS=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    WRK_P50=$(awk '$1 == "50%" {print $2}' "$out")
    WRK_P99=$(awk '$1 == "99%" {print $2}' "$out")
    WRK_REQUESTS=$(awk '/requests in/ {print $1}' "$out")
    WRK_NON2XX=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out")
    WRK_NON2XX=${WRK_NON2XX:-0}
    WRK_SOCKET_ERRORS=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out")
    WRK_SOCKET_ERRORS=${WRK_SOCKET_ERRORS:-0}
    if [[ -z $WRK_RPS || -z $WRK_P50 || -z $WRK_P99 ]]; then
        bench_log "wrk produced no figures for $label:"
        cat "$out" >&2
        return 1
    fi
    WRK_P50=$(bench_to_ms "$WRK_P50")
    WRK_P99=$(bench_to_ms "$WRK_P99")
}

# Percentage of the host's CPU capacity busy over the next SECONDS (default 1): run it while the
# benchmark's own processes are idle to see how much a neighbour (a build, a test run) is using.
bench_host_busy() {
    local a b
    a=$(awk '$1 == "cpu" {idle = $5 + $6; t = 0; for (i = 2; i <= NF; i++) t += $i; print t, idle}' /proc/stat)
    sleep "${1:-1}"
    b=$(awk '$1 == "cpu" {idle = $5 + $6; t = 0; for (i = 2; i <= NF; i++) t += $i; print t, idle}' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); dt = y[1] - x[1];
        printf "%.0f", (dt > 0 ? 100 * (dt - (y[2] - x[2])) / dt : 0) }'
}

# --- CPU used by other processes during a measurement ----------------------------------------
# The host's user+nice+system+steal ticks (all CPUs) minus the ticks of the benchmark's own
# processes give the share of the host that something else used while a run was measured.
# Interrupt and softirq time is left out on both sides (loopback traffic is softirq work that no
# process is charged for). Usage (not in a subshell: wrk's CPU time is read with bash's `times`,
# which only the shell that waited for wrk can see):
#   bench_others_begin PID...            # the processes to count as ours (children included)
#   bench_wrk ...                        # wrk and other waited-for children count as ours
#   bench_others_end                     # sets OTHERS_PCT: percent of the host's capacity
bench_stat_ticks() {
    awk '$1 == "cpu" {t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $2 + $3 + $4 + $9}' /proc/stat
}
# Ticks of the given PIDs and their direct children (nginx workers), all alive now.
bench_tree_ticks() {
    local sum=0 pid t child
    for pid in "$@"; do
        t=$(bench_cpu_ticks "$pid")
        sum=$((sum + ${t:-0}))
        for child in $(pgrep -P "$pid" 2>/dev/null || true); do
            t=$(bench_cpu_ticks "$child")
            sum=$((sum + ${t:-0}))
        done
    done
    echo "$sum"
}
# Sets CHILDREN_TICKS: user + system ticks of this shell's waited-for children (bash's `times`).
bench_children_ticks() {
    local f=$BENCH_RUN/.times
    times >"$f"
    CHILDREN_TICKS=$(awk -v hz="$(getconf CLK_TCK)" 'NR == 2 {
        n = split($0, a, " "); s = 0
        for (i = 1; i <= n; i++) { split(a[i], p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] }
        printf "%d", s * hz }' "$f")
}
bench_others_begin() {
    BENCH_OTHERS_PIDS=("$@")
    BENCH_OTHERS_STAT=$(bench_stat_ticks)
    bench_children_ticks
    BENCH_OTHERS_OURS=$(($(bench_tree_ticks "$@") + CHILDREN_TICKS))
}
bench_others_end() {
    local stat ours
    stat=$(bench_stat_ticks)
    bench_children_ticks
    ours=$(($(bench_tree_ticks "${BENCH_OTHERS_PIDS[@]}") + CHILDREN_TICKS))
    OTHERS_PCT=$(awk -v a="$BENCH_OTHERS_STAT" -v b="$stat" -v ours="$((ours - BENCH_OTHERS_OURS))" 'BEGIN {
        split(a, x, " "); split(b, y, " "); total = y[1] - x[1]; busy = y[2] - x[2]
        o = total > 0 ? 100 * (busy - ours) / total : 0
        printf "%.0f", (o < 0 ? 0 : o) }')
}

# Floating-point helpers (awk).
bench_calc() { awk "BEGIN { printf \"$1\", $2 }"; }
bench_ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }

bench_finish() {
    local dest=$BENCH_OUT/$BENCH_NAME-$BENCH_STAMP.txt
    cp "$BENCH_REPORT" "$dest"
    bench_log "report written to ${dest#"$REPO_ROOT"/}"
}

# --- Shared by foundation and the benchmarks after it ------------------------------------------

# The release build flags of `make build` (and run.sh): static Swift runtime unless BENCH_STATIC=0.
bench_release_args() {
    BENCH_RELEASE_ARGS=(-c release)
    if [[ ${BENCH_STATIC:-1} != 0 ]]; then BENCH_RELEASE_ARGS+=(--static-swift-stdlib); fi
}

# bench_require_tally — checks TALLY_BIN, building it (`swift build -c release
# --static-swift-stdlib`, as `make build`) when it is unset.
bench_require_tally() {
    if [[ -z ${TALLY_BIN:-} ]]; then
        bench_release_args
        bench_log "TALLY_BIN not set; building tally (swift build ${BENCH_RELEASE_ARGS[*]})"
        (cd "$REPO_ROOT" && timeout "${BENCH_BUILD_TIMEOUT:-2400}" swift build "${BENCH_RELEASE_ARGS[@]}") >&2 ||
            bench_die "swift build ${BENCH_RELEASE_ARGS[*]} failed"
        TALLY_BIN=$(cd "$REPO_ROOT" && swift build "${BENCH_RELEASE_ARGS[@]}" --show-bin-path)/tally
    fi
    [[ -x $TALLY_BIN ]] || bench_die "tally binary $TALLY_BIN not found or not executable"
}

# bench_require_tally_bench — checks TALLY_BENCH_BIN (the measuring client, bench/swift), building it
# when unset: `TALLY_BENCHMARKS=1 swift build -c release --product tally-bench` (plus
# `--scratch-path $BENCH_SCRATCH` when set). The target exists only with TALLY_BENCHMARKS=1.
bench_require_tally_bench() {
    if [[ -z ${TALLY_BENCH_BIN:-} ]]; then
        bench_release_args
        local args=("${BENCH_RELEASE_ARGS[@]}")
        if [[ -n ${BENCH_SCRATCH:-} ]]; then args+=(--scratch-path "$BENCH_SCRATCH"); fi
        bench_log "TALLY_BENCH_BIN not set; building it (TALLY_BENCHMARKS=1 swift build ${args[*]} --product tally-bench)"
        (cd "$REPO_ROOT" && TALLY_BENCHMARKS=1 timeout "${BENCH_BUILD_TIMEOUT:-2400}" \
            swift build "${args[@]}" --product tally-bench) >&2 || bench_die "building tally-bench failed"
        TALLY_BENCH_BIN=$(cd "$REPO_ROOT" && TALLY_BENCHMARKS=1 swift build "${args[@]}" --show-bin-path)/tally-bench
    fi
    [[ -x $TALLY_BENCH_BIN ]] || bench_die "tally-bench binary $TALLY_BENCH_BIN not found or not executable"
}

# bench_build_c_responder — compiles bench/c-responder/responder.c to bench/.work/responder; sets C_BIN.
bench_build_c_responder() {
    C_BIN=$BENCH_WORK/responder
    bench_log "building the C responder"
    # Into a temporary name first: writing over a binary that is running fails (ETXTBSY).
    gcc -O2 -pthread -Wall -Wextra -o "$C_BIN.$$" "$BENCH_DIR/c-responder/responder.c" -lfcgi &&
        mv -f "$C_BIN.$$" "$C_BIN" ||
        bench_die "building bench/c-responder/responder.c failed"
}

# bench_tally_admin_home DIR — bench_tally_home, then uses the admin key that `tally init` wrote (the
# benchmarks that onboard need it, so an inherited TALLY_ADMIN_KEY_SHA256 is ignored). Sets
# BENCH_TALLY_HOME and BENCH_ADMIN_HEADER (a curl header file `X-Admin-Key: ...`, mode 0600).
bench_tally_admin_home() {
    BENCH_TALLY_HOME=$1
    bench_tally_home "$BENCH_TALLY_HOME"
    [[ -s $BENCH_TALLY_HOME/admin-key && -s $BENCH_TALLY_HOME/admin-key.sha256 ]] ||
        bench_die "tally init wrote no admin key in $BENCH_TALLY_HOME"
    TALLY_ADMIN_KEY_SHA256=$(tr -d ' \n' <"$BENCH_TALLY_HOME/admin-key.sha256")
    export TALLY_ADMIN_KEY_SHA256
    BENCH_ADMIN_HEADER=$BENCH_RUN/admin.header
    (umask 077 && printf 'X-Admin-Key: %s\n' "$(tr -d ' \n' <"$BENCH_TALLY_HOME/admin-key")" >"$BENCH_ADMIN_HEADER")
}

# bench_start_stack KIND COUNT THREADS — starts COUNT responders of KIND (`tally`: `tally serve
# --instance i` on BENCH_TALLY_HOME; `c`: the C responder) on unix sockets in the run dir and waits
# for the sockets. Sets STACK_PIDS and STACK_SOCKS (space-separated; labels KIND-1, KIND-2, ...).
bench_start_stack() {
    local kind=$1 count=$2 threads=$3 i sock
    STACK_PIDS=""
    STACK_SOCKS=""
    for ((i = 1; i <= count; i++)); do
        sock=$BENCH_RUN/sock/$kind-$i.sock
        if [[ $kind == tally ]]; then
            bench_tally_serve "tally-$i" "$sock" "$BENCH_TALLY_HOME" "$threads" "$i"
        else
            bench_bg "c-$i" "$C_BIN" "$sock" "$threads"
        fi
        STACK_PIDS+="$BG_PID "
        STACK_SOCKS+="$sock "
    done
    i=0
    for sock in $STACK_SOCKS; do
        i=$((i + 1))
        if ! bench_wait_for "$BENCH_START_TIMEOUT" "$kind-$i socket $sock" test -S "$sock"; then
            cat "$BENCH_RUN/logs/$kind-$i.log" >&2 || true
            bench_die "$kind-$i did not create its socket"
        fi
    done
}

# bench_onboard BASE_URL TENANT — onboards TENANT with the admin key (bench_tally_admin_home) and
# prints its API key; returns 1 (with the reply logged) unless the answer is 201 with a key.
bench_onboard() {
    local base=$1 tenant=$2 out code key
    out=$BENCH_RUN/logs/onboard-$tenant.json
    code=$(curl -sk --max-time 60 -o "$out" -w '%{http_code}' -H @"$BENCH_ADMIN_HEADER" \
        -H 'Content-Type: application/json' -d "{\"tenant_id\":\"$tenant\"}" \
        "$base/api/v1/customers/onboard") || true
    key=$(sed -n 's/.*"api_key" *: *"\([^"]*\)".*/\1/p' "$out" 2>/dev/null || true)
    if [[ $code != 201 || -z $key ]]; then
        bench_log "onboarding $tenant: HTTP $code $(head -c 300 "$out" 2>/dev/null || true)"
        return 1
    fi
    echo "$key"
}

# bench_header TITLE — the report's first lines: title and date, host, versions, load average.
bench_header() {
    local rev dirty
    rev=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo "no commit")
    dirty=$(git -C "$REPO_ROOT" status --porcelain 2>/dev/null | grep -q . && echo "+local changes" || true)
    bench_say "$1 — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    bench_say "host: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end;" \
        "$(nginx -v 2>&1 | sed 's/^nginx version: //'); wrk $(wrk -v 2>&1 | awk 'NR == 1 {print $2}'); tally $rev $dirty"
    local bin
    for bin in ${TALLY_BIN:-} ${TALLY_BENCH_BIN:-}; do
        [[ -x $bin ]] && bench_say "binary: ${bin#"$REPO_ROOT"/} built $(date -u -r "$bin" '+%Y-%m-%d %H:%M:%S UTC')"
    done
    return 0
}

# bench_result FILE OP FIELD — FIELD of the `RESULT op=OP ...` line that tally-bench printed to FILE.
bench_result() {
    awk -v op="op=$2" -v f="$3" '$1 == "RESULT" && $2 == op {
        for (i = 3; i <= NF; i++) { n = index($i, "="); if (substr($i, 1, n - 1) == f) print substr($i, n + 1) } }' "$1"
}

# bench_report_problems — WARN lines for error-level nginx log lines (every nginx-* prefix of this
# run) and warning/error lines in the responders' logs, CRASH lines for tracked processes that died
# (with the end of their log). Returns 1 when something crashed.
bench_report_problems() {
    local log n label i pid crashed=0
    for log in "$BENCH_RUN"/nginx-*/logs/error.log; do
        [[ -f $log ]] || continue
        n=$(grep -cE '\[(error|crit|alert|emerg)\]' "$log" || true)
        if ((n > 0)); then
            label=${log#"$BENCH_RUN"/}
            bench_say "WARN  ${label%%/*}: $n error lines in its error.log, e.g.:"
            { grep -E '\[(error|crit|alert|emerg)\]' "$log" || true; } | head -n 3 | cut -c1-300 |
                sed 's/^/        /' | while IFS= read -r l; do bench_say "$l"; done
        fi
    done
    for log in "$BENCH_RUN"/logs/tally-[0-9]*.log; do
        [[ -f $log ]] || continue
        n=$(grep -cE ' (warning|error|critical) ' "$log" || true)
        if ((n > 0)); then
            bench_say "WARN  ${log##*/}: $n warning/error lines, e.g.:"
            { grep -E ' (warning|error|critical) ' "$log" || true; } | head -n 3 | cut -c1-300 |
                sed 's/^/        /' | while IFS= read -r l; do bench_say "$l"; done
        fi
    done
    for ((i = 0; i < ${#BENCH_PIDS[@]}; i++)); do
        pid=${BENCH_PIDS[i]}
        label=${BENCH_LABELS[i]}
        if ! bench_alive "$pid"; then
            crashed=1
            bench_say "CRASH $label (pid $pid) exited during the benchmark; last lines of its log:"
            tail -n 15 "$BENCH_RUN/logs/$label.log" 2>/dev/null | while IFS= read -r l; do bench_say "        $l"; done
        fi
    done
    return "$crashed"
}
