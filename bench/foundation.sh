#!/usr/bin/env bash
# Foundation benchmark: nginx → `tally serve` (GET /health) versus the same nginx configuration →
# a minimal C libfcgi responder doing the same work (bench/c-responder/responder.c).
#
# Both stacks run side by side for the whole benchmark, each as BENCH_INSTANCES instances ×
# BENCH_WORKERS threads behind its own nginx rendered by scripts/render-nginx-dev.sh (the same
# script, so the same configuration). wrk drives each with BENCH_CONNECTIONS connections.
#
# Fairness on a small box: wrk, nginx and the responders share the same cores, so the order of the
# runs matters (thermal/frequency drift, page cache, a neighbour waking up). The runs alternate in
# ABBA order (round 1: tally then C, round 2: C then tally, ...) and the best req/s of each
# responder is kept, with the latencies of that same run. Every run is printed as well. During each
# run the CPU used by other processes (host ticks minus those of the responders, nginx and wrk) is
# measured; a run where it reached BENCH_BUSY_WARN % is marked and not kept while an undisturbed
# run of the same responder exists.
#
# Environment (all optional):
#   TALLY_BIN            tally binary (run.sh builds it like `make build`: -c release --static-swift-stdlib)
#   BENCH_SECONDS=10     length of each measured wrk run
#   BENCH_WARMUP=3       seconds of wrk warm-up per stack before measuring
#   BENCH_ROUNDS=4       measured rounds (each round runs both stacks once)
#   BENCH_CONNECTIONS=64 BENCH_THREADS=2   wrk -c / -t
#   BENCH_INSTANCES=2 BENCH_WORKERS=8      responder processes per stack / threads per process
#   BENCH_IDLE_SETTLE=1  seconds to wait after start before sampling idle RSS
#   BENCH_BUSY_WARN=10   % of the host used by other processes that marks a run as disturbed
#   BENCH_KEEP=1         keep the scratch directory (logs, wrk output, nginx logs)
#   RENDER_NGINX         nginx config renderer (default scripts/render-nginx-dev.sh)
# Targets (issue): tally req/s ≥ 0.8 × C req/s; an idle tally instance ≤ 32 MB RSS.
# Exit status: 0 even when a target is missed (it is a report); 1 when something crashed or could
# not be measured.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_WARMUP=${BENCH_WARMUP:-3}
BENCH_ROUNDS=${BENCH_ROUNDS:-4}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_INSTANCES=${BENCH_INSTANCES:-2}
BENCH_WORKERS=${BENCH_WORKERS:-8}
BENCH_IDLE_SETTLE=${BENCH_IDLE_SETTLE:-1}
TARGET_RPS_RATIO=${TARGET_RPS_RATIO:-0.8}
TARGET_IDLE_RSS_MB=${TARGET_IDLE_RSS_MB:-32}
ROUTE=/health
EXPECTED_FIELD='"status":"ok"'

bench_init foundation

# --- build -------------------------------------------------------------------------------------

bench_build_c_responder  # sets C_BIN
bench_require_tally      # TALLY_BIN, built with `swift build -c release` when unset

# kB figures → MB, maxima and sums over a space-separated list of instances.
mb() { bench_calc '%.1f' "$1 / 1024"; }
max_kb() { tr ' ' '\n' <<<"$1" | awk 'NF && $1 > m {m = $1} END {print m + 0}'; }
sum_kb() { tr ' ' '\n' <<<"$1" | awk 'NF {s += $1} END {print s + 0}'; }
per_instance_mb() { tr ' ' '\n' <<<"$1" | awk 'NF {printf "%s%.1f", (n++ ? "/" : ""), $1 / 1024}'; }

# --- start the responders ------------------------------------------------------------------------

KINDS=(tally c)
declare -A NAME=([tally]="tally" [c]="C libfcgi")
declare -A PIDS SOCKS PORT IDLE_KB IDLE_PARTS BODY

TALLY_HOME_DIR=$BENCH_RUN/tally-home
bench_tally_home "$TALLY_HOME_DIR"

for kind in "${KINDS[@]}"; do
    PIDS[$kind]=""
    SOCKS[$kind]=""
    for ((i = 1; i <= BENCH_INSTANCES; i++)); do
        sock=$BENCH_RUN/sock/$kind-$i.sock
        if [[ $kind == tally ]]; then
            bench_tally_serve "tally-$i" "$sock" "$TALLY_HOME_DIR" "$BENCH_WORKERS" "$i"
        else
            bench_bg "c-$i" "$C_BIN" "$sock" "$BENCH_WORKERS"
        fi
        PIDS[$kind]+="$BG_PID "
        SOCKS[$kind]+="$sock "
    done
done

for kind in "${KINDS[@]}"; do
    i=0
    for sock in ${SOCKS[$kind]}; do
        i=$((i + 1))
        if ! bench_wait_for "$BENCH_START_TIMEOUT" "$kind-$i socket $sock" test -S "$sock"; then
            cat "$BENCH_RUN/logs/$kind-$i.log" >&2 || true
            bench_die "$kind-$i did not create its socket"
        fi
    done
done

# Idle RSS: right after start, before any request.
sleep "$BENCH_IDLE_SETTLE"
for kind in "${KINDS[@]}"; do
    IDLE_KB[$kind]=""
    i=0
    for pid in ${PIDS[$kind]}; do
        i=$((i + 1))
        bench_alive "$pid" || { cat "$BENCH_RUN/logs/$kind-$i.log" >&2; bench_die "$kind-$i exited at start"; }
        IDLE_KB[$kind]+="$(bench_status_kb "$pid" VmRSS) "
    done
    # What the first instance's idle RSS is made of: private anonymous memory, mapped files (the
    # binary and shared libraries, shared between instances) and PSS (shared pages divided among
    # the processes that map them).
    pid=${PIDS[$kind]%% *}
    IDLE_PARTS[$kind]="RSS $(mb "$(bench_status_kb "$pid" VmRSS)") MB = anon $(mb "$(bench_status_kb "$pid" RssAnon)") + files $(mb "$(bench_status_kb "$pid" RssFile)"); PSS $(mb "$(awk '$1 == "Pss:" {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)") MB"
done

# --- nginx, smoke test, warm-up ------------------------------------------------------------------

for kind in "${KINDS[@]}"; do
    PORT[$kind]=$(bench_free_port)
    # shellcheck disable=SC2086  # word splitting of the socket list is intended
    bench_nginx "nginx-$kind" "${PORT[$kind]}" ${SOCKS[$kind]}
    PIDS[nginx-$kind]=$BG_PID
done

url() { echo "https://127.0.0.1:${PORT[$1]}$ROUTE"; }

for kind in "${KINDS[@]}"; do
    # least_conn spreads sequential requests over both instances; a few probes reach each.
    for ((i = 1; i <= 2 * BENCH_INSTANCES; i++)); do
        hdr=$BENCH_RUN/logs/smoke-$kind-$i.headers
        body=$(curl -sk --max-time 5 -D "$hdr" "$(url "$kind")") || true
        status=$(awk 'NR == 1 {print $2}' "$hdr" 2>/dev/null || true)
        # The C responder answers exactly {"status":"ok"}; tally may add fields (e.g. its instance).
        if [[ $status != 200 || $body != *"$EXPECTED_FIELD"* ]]; then
            bench_log "smoke test of $kind failed: status '$status', body '$body'"
            cat "$hdr" "$BENCH_RUN/nginx-$kind/logs/error.log" >&2 2>/dev/null || true
            bench_die "GET $ROUTE through nginx → $kind did not answer 200 with $EXPECTED_FIELD"
        fi
    done
    BODY[$kind]=$body
    bench_log "$kind: GET $ROUTE → 200 $body (headers in logs/smoke-$kind-1.headers)"
done

for kind in "${KINDS[@]}"; do
    bench_log "warming up $kind for ${BENCH_WARMUP}s"
    BENCH_SECONDS=$BENCH_WARMUP bench_wrk "warmup-$kind" "$(url "$kind")" ||
        bench_die "warm-up of $kind failed"
done

# --- measured rounds (ABBA) ----------------------------------------------------------------------

cpu_ticks_of() { # sum of the CPU ticks of a kind's instances
    local sum=0 pid t
    for pid in ${PIDS[$1]}; do
        t=$(bench_cpu_ticks "$pid")
        sum=$((sum + ${t:-0}))
    done
    echo "$sum"
}
CLK_TCK=$(getconf CLK_TCK)

declare -A BEST_RPS BEST_P50 BEST_P99 BEST_CPU BEST_ROUND BEST_QUIET
# Every run's req/s and CPU µs/req per responder ("rps cpu quiet" lines), for the medians.
declare -A ALL_RUNS=([tally]="" [c]="")
RUN_LINES=()
FAILED_RUNS=0
INVALID=0
MAX_BUSY=0
BUSY_WARN=${BENCH_BUSY_WARN:-10}
for ((r = 1; r <= BENCH_ROUNDS; r++)); do
    if ((r % 2 == 1)); then order=(tally c); else order=(c tally); fi
    for kind in "${order[@]}"; do
        bench_log "round $r/$BENCH_ROUNDS: $kind, wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d${BENCH_SECONDS}s"
        before=$(cpu_ticks_of "$kind")
        nginx_before=$(bench_tree_ticks "${PIDS[nginx-$kind]}")
        # shellcheck disable=SC2086  # word splitting of the PID lists is intended
        bench_others_begin ${PIDS[tally]} ${PIDS[c]} "${PIDS[nginx-tally]}" "${PIDS[nginx-c]}"
        if ! bench_wrk "round$r-$kind" "$(url "$kind")"; then
            FAILED_RUNS=$((FAILED_RUNS + 1))
            RUN_LINES+=("$(printf '  round %d  %-9s  wrk failed (see logs/wrk-round%d-%s.txt)' "$r" "${NAME[$kind]}" "$r" "$kind")")
            continue
        fi
        bench_others_end
        busy=$OTHERS_PCT
        if ((busy > MAX_BUSY)); then MAX_BUSY=$busy; fi
        after=$(cpu_ticks_of "$kind")
        nginx_after=$(bench_tree_ticks "${PIDS[nginx-$kind]}")
        # Responder CPU time per request (µs), both instances together.
        cpu_us=$(bench_calc '%.1f' "($after - $before) * 1000000 / $CLK_TCK / (${WRK_REQUESTS:-0} > 0 ? $WRK_REQUESTS : 1)")
        # nginx's own CPU per request (master and workers): the same configuration for both stacks.
        nginx_us=$(bench_calc '%.1f' "($nginx_after - $nginx_before) * 1000000 / $CLK_TCK / (${WRK_REQUESTS:-0} > 0 ? $WRK_REQUESTS : 1)")
        note=""
        if ((busy >= BUSY_WARN)); then note="  <-- other processes used ${busy}% of the host"; fi
        if ((WRK_NON2XX > 0 || WRK_SOCKET_ERRORS > 0)); then
            note="  <-- $WRK_NON2XX non-2xx, $WRK_SOCKET_ERRORS socket errors"
            if ((WRK_NON2XX > 0)); then INVALID=1; fi
        fi
        ALL_RUNS[$kind]+="$WRK_RPS $cpu_us $((busy < BUSY_WARN))"$'\n'
        RUN_LINES+=("$(printf '  round %d  %-9s  %10.1f req/s   p50 %7.2f ms   p99 %7.2f ms   %6.1f µs CPU/req (nginx %5.1f)%s' \
            "$r" "${NAME[$kind]}" "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$cpu_us" "$nginx_us" "$note")")
        # Keep the best undisturbed run (others < BUSY_WARN); a disturbed run only while no
        # undisturbed one exists for this responder.
        quiet=$((busy < BUSY_WARN))
        if [[ -z ${BEST_RPS[$kind]:-} ]] || ((quiet > ${BEST_QUIET[$kind]})) ||
            { ((quiet == ${BEST_QUIET[$kind]})) && ! bench_ge "${BEST_RPS[$kind]}" "$WRK_RPS"; }; then
            BEST_QUIET[$kind]=$quiet
            BEST_RPS[$kind]=$WRK_RPS
            BEST_P50[$kind]=$WRK_P50
            BEST_P99[$kind]=$WRK_P99
            BEST_CPU[$kind]=$cpu_us
            BEST_ROUND[$kind]=$r
        fi
    done
done

# --- after the load: peak RSS, crashes, upstream errors ----------------------------------------

declare -A HWM_KB POST_KB
CRASHED=()
for kind in "${KINDS[@]}"; do
    HWM_KB[$kind]=""
    POST_KB[$kind]=""
    i=0
    for pid in ${PIDS[$kind]}; do
        i=$((i + 1))
        if bench_alive "$pid"; then
            HWM_KB[$kind]+="$(bench_status_kb "$pid" VmHWM) "
            POST_KB[$kind]+="$(bench_status_kb "$pid" VmRSS) "
        else
            CRASHED+=("$kind-$i (pid $pid)")
        fi
    done
done
for kind in "${KINDS[@]}"; do
    bench_alive "${PIDS[nginx-$kind]}" || CRASHED+=("nginx-$kind")
done


# --- report ------------------------------------------------------------------------------------

rev=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo "no commit")
dirty=$(git -C "$REPO_ROOT" status --porcelain 2>/dev/null | grep -q . && echo "+local changes" || true)
bench_say "Tally foundation benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
bench_say "host: $(nproc) cores, $(uname -r); $(nginx -v 2>&1 | sed 's/^nginx version: //'); wrk $(wrk -v 2>&1 | awk 'NR == 1 {print $2}'); tally $rev $dirty"
bench_say "setup: GET $ROUTE over HTTPS through nginx (least_conn, fastcgi_keep_conn off) to $BENCH_INSTANCES instances × $BENCH_WORKERS threads per responder;"
bench_say "       wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d${BENCH_SECONDS}s --latency; ${BENCH_WARMUP}s warm-up; $BENCH_ROUNDS rounds in ABBA order, best undisturbed req/s per responder kept"
bench_say "bodies: tally ${BODY[tally]} (${#BODY[tally]} bytes), C ${BODY[c]} (${#BODY[c]} bytes)"
bench_say ""
bench_say "runs:"
for line in "${RUN_LINES[@]}"; do bench_say "$line"; done
bench_say ""
bench_say "$(printf '%-14s %11s %9s %9s %10s %13s %18s %13s' '' 'req/s' 'p50 ms' 'p99 ms' 'CPU µs/req' 'idle RSS MB' 'peak RSS MB (sum)' 'RSS after MB')"
for kind in "${KINDS[@]}"; do
    [[ -n ${BEST_RPS[$kind]:-} ]] || continue
    bench_say "$(printf '%-14s %11.1f %9.2f %9.2f %10.1f %13s %18s %13s' "${NAME[$kind]}" \
        "${BEST_RPS[$kind]}" "${BEST_P50[$kind]}" "${BEST_P99[$kind]}" "${BEST_CPU[$kind]}" \
        "$(per_instance_mb "${IDLE_KB[$kind]}")" \
        "$(per_instance_mb "${HWM_KB[$kind]}") ($(mb "$(sum_kb "${HWM_KB[$kind]}")"))" \
        "$(per_instance_mb "${POST_KB[$kind]}")")"
done
bench_say "(RSS columns are per instance: instance 1/instance 2. Idle = VmRSS ${BENCH_IDLE_SETTLE}s after start, before any request;"
bench_say " peak = VmHWM after all runs; after = VmRSS after all runs.)"
swift_runtime=$(ldd "$TALLY_BIN" 2>/dev/null | grep -q libswiftCore && echo "dynamic Swift runtime" || echo "static Swift runtime")
bench_say "idle instance 1: tally ${IDLE_PARTS[tally]} ($swift_runtime); C ${IDLE_PARTS[c]}"

RPS_RATIO=""
if [[ -n ${BEST_RPS[tally]:-} && -n ${BEST_RPS[c]:-} ]]; then
    RPS_RATIO=$(bench_calc '%.2f' "${BEST_RPS[tally]} / ${BEST_RPS[c]}")
    bench_say ""
    bench_say "ratios tally / C:  req/s $RPS_RATIO×   p50 $(bench_calc '%.2f' "${BEST_P50[tally]} / ${BEST_P50[c]}")×   p99 $(bench_calc '%.2f' "${BEST_P99[tally]} / ${BEST_P99[c]}")×   CPU/req $(bench_calc '%.2f' "${BEST_CPU[tally]} / (${BEST_CPU[c]} > 0 ? ${BEST_CPU[c]} : 1)")×   peak RSS $(bench_calc '%.1f' "$(max_kb "${HWM_KB[tally]}") / $(max_kb "${HWM_KB[c]}")")×"
    # Medians over the undisturbed runs (all runs when none was undisturbed): less sensitive than
    # the best run to one lucky or unlucky run.
    median_of() { # KIND COLUMN (1 = req/s, 2 = CPU µs/req)
        awk -v c="$2" 'NF { v[NR] = $c; q[NR] = $3; n++ } END {
            m = 0; for (i in v) if (q[i]) m++
            k = 0; for (i in v) if (q[i] || m == 0) a[++k] = v[i]
            for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            printf "%.1f", (k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2) }' <<<"${ALL_RUNS[$1]}"
    }
    MED_RPS_T=$(median_of tally 1) MED_RPS_C=$(median_of c 1)
    MED_CPU_T=$(median_of tally 2) MED_CPU_C=$(median_of c 2)
    bench_say "medians over the runs: tally $MED_RPS_T req/s, $MED_CPU_T µs CPU/req; C $MED_RPS_C req/s, $MED_CPU_C µs CPU/req;" \
        "ratios req/s $(bench_calc '%.2f' "$MED_RPS_T / $MED_RPS_C")×, CPU/req $(bench_calc '%.2f' "$MED_CPU_T / ($MED_CPU_C > 0 ? $MED_CPU_C : 1)")×"
    bench_say "(req/s above 1 is better for tally; latency, CPU and RSS above 1 are worse; the targets use the best runs)"
fi

bench_say ""
if [[ -z $RPS_RATIO ]]; then
    bench_say "FAIL  req/s ratio: not measured (wrk failed)"
elif ((INVALID)); then
    bench_say "FAIL  req/s ratio $RPS_RATIO× not valid: wrk saw non-2xx responses (see runs above)"
elif bench_ge "$RPS_RATIO" "$TARGET_RPS_RATIO"; then
    bench_say "PASS  req/s ratio $RPS_RATIO× ≥ ${TARGET_RPS_RATIO}× the C responder"
else
    bench_say "FAIL  req/s ratio $RPS_RATIO× < ${TARGET_RPS_RATIO}× the C responder"
fi
idle_max=$(max_kb "${IDLE_KB[tally]}")
if (( idle_max <= TARGET_IDLE_RSS_MB * 1024 )); then
    bench_say "PASS  idle tally instance $(mb "$idle_max") MB RSS ≤ $TARGET_IDLE_RSS_MB MB (largest of $BENCH_INSTANCES)"
else
    bench_say "FAIL  idle tally instance $(mb "$idle_max") MB RSS > $TARGET_IDLE_RSS_MB MB (largest of $BENCH_INSTANCES)"
fi
for kind in "${KINDS[@]}"; do
    if [[ -n ${BEST_RPS[$kind]:-} ]] && ((${BEST_QUIET[$kind]} == 0)); then
        bench_say "WARN  every ${NAME[$kind]} run was disturbed (other processes used ≥ $BUSY_WARN% of the host): its figures are too low; rerun on a quiet host"
    fi
done
if ((MAX_BUSY >= BUSY_WARN)); then
    bench_say "NOTE  other processes used up to ${MAX_BUSY}% of the host during a run; the disturbed runs (marked) were not used where an undisturbed one exists"
fi
# WARN lines for nginx error-log lines and tally warnings, CRASH lines for any process that died.
PROBLEMS=0
bench_report_problems || PROBLEMS=1

bench_finish

if ((${#CRASHED[@]} || PROBLEMS || FAILED_RUNS)); then
    BENCH_KEEP=1
    exit 1
fi
