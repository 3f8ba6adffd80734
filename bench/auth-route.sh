#!/usr/bin/env bash
# Authenticated-route benchmark: nginx → `tally serve` for `GET /api/v1/pipelines/runs?limit=1` with a
# tenant's `X-API-Key` (API-key verification on a warm cache + one warehouse query), beside Tally's
# unauthenticated `GET /health` and the foundation benchmark's C libfcgi responder (`GET /health`),
# all in the same run on the same nginx configuration.
#
# Setup: BENCH_INSTANCES × `tally serve --workers BENCH_WORKERS --instance i` sharing one TALLY_HOME
# (`tally init`), behind nginx rendered by scripts/render-nginx-dev.sh; the same for the C responder
# (bench/c-responder/responder.c). One tenant is onboarded through nginx with the admin key; its
# API key is sent by wrk with -H. Runs rotate in the order auth, health, C / C, health, auth, ...
# and the best req/s of each target is kept with its own latencies (as foundation does).
#
# Environment (all optional):
#   TALLY_BIN            tally binary (run.sh builds it with `swift build -c release`)
#   BENCH_SECONDS=10     length of each measured wrk run
#   BENCH_WARMUP=3       seconds of wrk warm-up per target before measuring
#   BENCH_ROUNDS=4       measured rounds (each runs every target once)
#   BENCH_CONNECTIONS=64 BENCH_THREADS=2   wrk -c / -t
#   BENCH_INSTANCES=2 BENCH_WORKERS=8      responder processes per stack / threads per process
#   BENCH_ROUTE_TENANT=benchroute          the onboarded tenant
#   BENCH_BUSY_WARN=10   WARN when the host was this % busy just before a run
#   BENCH_KEEP=1         keep the scratch directory (logs, wrk output, nginx logs)
# Exit status: 0 measured (non-2xx answers are reported, not fatal); 1 when something crashed or
# could not be measured.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_WARMUP=${BENCH_WARMUP:-3}
BENCH_ROUNDS=${BENCH_ROUNDS:-4}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_INSTANCES=${BENCH_INSTANCES:-2}
BENCH_WORKERS=${BENCH_WORKERS:-8}
TENANT=${BENCH_ROUTE_TENANT:-benchroute}
AUTH_ROUTE='/api/v1/pipelines/runs?limit=1'
BUSY_WARN=${BENCH_BUSY_WARN:-10}

bench_init auth-route
bench_build_c_responder
bench_require_tally

# --- stacks --------------------------------------------------------------------------------------

bench_tally_admin_home "$BENCH_RUN/tally-home"
declare -A PIDS PORT
bench_start_stack tally "$BENCH_INSTANCES" "$BENCH_WORKERS"
PIDS[tally]=$STACK_PIDS
TALLY_SOCKS=$STACK_SOCKS
bench_start_stack c "$BENCH_INSTANCES" "$BENCH_WORKERS"
PIDS[c]=$STACK_PIDS
C_SOCKS=$STACK_SOCKS

PORT[tally]=$(bench_free_port)
# shellcheck disable=SC2086  # word splitting of the socket list is intended
bench_nginx nginx-tally "${PORT[tally]}" $TALLY_SOCKS
PORT[c]=$(bench_free_port)
# shellcheck disable=SC2086
bench_nginx nginx-c "${PORT[c]}" $C_SOCKS
TALLY_URL=https://127.0.0.1:${PORT[tally]}
C_URL=https://127.0.0.1:${PORT[c]}

# --- tenant and smoke tests ----------------------------------------------------------------------

t0=$(date +%s.%N)
API_KEY=$(bench_onboard "$TALLY_URL" "$TENANT") || bench_die "onboarding $TENANT failed"
ONBOARD_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
KEY_HEADER=$BENCH_RUN/key.header
(umask 077 && printf 'X-API-Key: %s\n' "$API_KEY" >"$KEY_HEADER")
bench_log "onboarded $TENANT in ${ONBOARD_S}s"

KINDS=(auth health c)
declare -A NAME=([auth]="tally auth route" [health]="tally /health" [c]="C /health")
declare -A URL=([auth]="$TALLY_URL$AUTH_ROUTE" [health]="$TALLY_URL/health" [c]="$C_URL/health")
declare -A STACK=([auth]=tally [health]=tally [c]=c)
declare -A BODY
wrk_args() { # extra wrk arguments of a target
    if [[ $1 == auth ]]; then printf '%s\n' -H "X-API-Key: $API_KEY"; fi
}

for kind in "${KINDS[@]}"; do
    # least_conn spreads sequential requests; a few probes reach every instance (and warm its cache).
    for ((i = 1; i <= 2 * BENCH_INSTANCES; i++)); do
        hdr=$BENCH_RUN/logs/smoke-$kind-$i.headers
        extra=()
        if [[ $kind == auth ]]; then extra=(-H @"$KEY_HEADER"); fi
        body=$(curl -sk --max-time 10 -D "$hdr" "${extra[@]}" "${URL[$kind]}") || true
        status=$(awk 'NR == 1 {print $2}' "$hdr" 2>/dev/null || true)
        if [[ $status != 200 ]]; then
            bench_log "smoke test of $kind failed: status '$status', body '$body'"
            bench_die "GET ${URL[$kind]} did not answer 200"
        fi
    done
    BODY[$kind]=$body
    bench_log "$kind: GET ${URL[$kind]#https://127.0.0.1:*/} → 200 ${body:0:120}"
done
# Auth is really enforced on the route: no key → 401, a wrong key of the same tenant → 401.
NOKEY=$(curl -sk --max-time 10 -o /dev/null -w '%{http_code}' "${URL[auth]}" || true)
WRONG=$(curl -sk --max-time 10 -o /dev/null -w '%{http_code}' \
    -H "X-API-Key: ${TENANT}_api_$(printf 'z%.0s' {1..32})" "${URL[auth]}" || true)

for kind in "${KINDS[@]}"; do
    bench_log "warming up $kind for ${BENCH_WARMUP}s"
    mapfile -t extra < <(wrk_args "$kind")
    BENCH_SECONDS=$BENCH_WARMUP bench_wrk "warmup-$kind" "${URL[$kind]}" "${extra[@]}" ||
        bench_die "warm-up of $kind failed"
done

# --- measured rounds -----------------------------------------------------------------------------

cpu_ticks_of() { # sum of the CPU ticks of a stack's responder processes
    local sum=0 pid t
    for pid in ${PIDS[$1]}; do
        t=$(bench_cpu_ticks "$pid")
        sum=$((sum + ${t:-0}))
    done
    echo "$sum"
}
CLK_TCK=$(getconf CLK_TCK)

declare -A BEST_RPS BEST_P50 BEST_P99 BEST_CPU NON2XX SOCKERR
for kind in "${KINDS[@]}"; do NON2XX[$kind]=0; SOCKERR[$kind]=0; done
RUN_LINES=()
FAILED_RUNS=0
MAX_BUSY=0
for ((r = 1; r <= BENCH_ROUNDS; r++)); do
    if ((r % 2 == 1)); then order=(auth health c); else order=(c health auth); fi
    for kind in "${order[@]}"; do
        busy=$(bench_host_busy 1)
        if ((busy > MAX_BUSY)); then MAX_BUSY=$busy; fi
        bench_log "round $r/$BENCH_ROUNDS: $kind, wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d${BENCH_SECONDS}s (host ${busy}% busy before)"
        mapfile -t extra < <(wrk_args "$kind")
        before=$(cpu_ticks_of "${STACK[$kind]}")
        if ! bench_wrk "round$r-$kind" "${URL[$kind]}" "${extra[@]}"; then
            FAILED_RUNS=$((FAILED_RUNS + 1))
            RUN_LINES+=("$(printf '  round %d  %-16s  wrk failed (see logs/wrk-round%d-%s.txt)' "$r" "${NAME[$kind]}" "$r" "$kind")")
            continue
        fi
        after=$(cpu_ticks_of "${STACK[$kind]}")
        cpu_us=$(bench_calc '%.1f' "($after - $before) * 1000000 / $CLK_TCK / (${WRK_REQUESTS:-0} > 0 ? $WRK_REQUESTS : 1)")
        NON2XX[$kind]=$((NON2XX[$kind] + WRK_NON2XX))
        SOCKERR[$kind]=$((SOCKERR[$kind] + WRK_SOCKET_ERRORS))
        note=""
        if ((busy >= BUSY_WARN)); then note="  <-- host ${busy}% busy before the run"; fi
        if ((WRK_NON2XX > 0 || WRK_SOCKET_ERRORS > 0)); then
            note+="  <-- $WRK_NON2XX non-2xx, $WRK_SOCKET_ERRORS socket errors"
        fi
        RUN_LINES+=("$(printf '  round %d  %-16s  %9.1f req/s   p50 %7.2f ms   p99 %7.2f ms   %7.1f µs CPU/req%s' \
            "$r" "${NAME[$kind]}" "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$cpu_us" "$note")")
        if [[ -z ${BEST_RPS[$kind]:-} ]] || ! bench_ge "${BEST_RPS[$kind]}" "$WRK_RPS"; then
            BEST_RPS[$kind]=$WRK_RPS
            BEST_P50[$kind]=$WRK_P50
            BEST_P99[$kind]=$WRK_P99
            BEST_CPU[$kind]=$cpu_us
        fi
    done
done

# What the non-2xx answers were (nginx's JSON access log has the status of every request). Two 401s
# are the probes above; 499 is nginx noting that wrk closed a connection with a request in flight at
# the end of a run (not an answer anyone received).
STATUS_SUMMARY=$(awk 'match($0, /"status": *"?[0-9]+/) { s = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", s);
    if (s !~ /^2/) c[s]++ } END { c["401"] -= 2; for (k in c) if (c[k] > 0) printf "%s%s×%d", (n++ ? ", " : ""), k, c[k] }' \
    "$BENCH_RUN/nginx-tally/logs/access.log" 2>/dev/null || true)

# --- report --------------------------------------------------------------------------------------

bench_header "Tally authenticated-route benchmark (nginx → tally with X-API-Key, beside the C responder)"
bench_say "setup: $BENCH_INSTANCES instances × $BENCH_WORKERS threads per responder behind nginx (least_conn, fastcgi_keep_conn off, HTTPS);"
bench_say "       wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d${BENCH_SECONDS}s --latency; ${BENCH_WARMUP}s warm-up per target; $BENCH_ROUNDS rounds (auth, health, C / C, health, auth), best req/s kept"
bench_say "targets: tally auth route = GET $AUTH_ROUTE with X-API-Key of tenant '$TENANT' (onboarded in ${ONBOARD_S}s through nginx);"
bench_say "         tally /health and C /health = GET /health, no key"
bench_say "bodies: auth route ${#BODY[auth]} bytes ${BODY[auth]:0:100}…; tally /health ${BODY[health]}; C /health ${BODY[c]}"
bench_say "auth enforced: without a key → $NOKEY, with a wrong key of the tenant → $WRONG (both should be 401)"
bench_say ""
bench_say "runs:"
for line in "${RUN_LINES[@]}"; do bench_say "$line"; done
bench_say ""
bench_say "$(printf '%-18s %11s %9s %9s %11s %12s' '' 'req/s' 'p50 ms' 'p99 ms' 'CPU µs/req' 'non-2xx (all runs)')"
for kind in "${KINDS[@]}"; do
    [[ -n ${BEST_RPS[$kind]:-} ]] || continue
    bench_say "$(printf '%-18s %11.1f %9.2f %9.2f %11.1f %12s' "${NAME[$kind]}" "${BEST_RPS[$kind]}" \
        "${BEST_P50[$kind]}" "${BEST_P99[$kind]}" "${BEST_CPU[$kind]}" "${NON2XX[$kind]}")"
done
bench_say "(CPU = user + system time of the responder processes ÷ requests; nginx and wrk not included)"

ratio_line() { # A B LABEL
    local a=$1 b=$2
    [[ -n ${BEST_RPS[$a]:-} && -n ${BEST_RPS[$b]:-} ]] || return 0
    bench_say "$(printf '  %-34s req/s %5.2f×   p50 %5.2f×   p99 %5.2f×   CPU/req %5.2f×' "$3" \
        "$(bench_calc '%.4f' "${BEST_RPS[$a]} / ${BEST_RPS[$b]}")" \
        "$(bench_calc '%.4f' "${BEST_P50[$a]} / ${BEST_P50[$b]}")" \
        "$(bench_calc '%.4f' "${BEST_P99[$a]} / ${BEST_P99[$b]}")" \
        "$(bench_calc '%.4f' "${BEST_CPU[$a]} / (${BEST_CPU[$b]} > 0 ? ${BEST_CPU[$b]} : 1)")")"
}
bench_say ""
bench_say "ratios:"
ratio_line auth c "tally auth route / C /health"
ratio_line auth health "tally auth route / tally /health"
ratio_line health c "tally /health / C /health"
bench_say "(req/s above 1 is better for the first; latency and CPU above 1 are worse. auth route / tally /health"
bench_say " is the price of key verification + the warehouse query + a larger JSON body, on the same stack)"
bench_say ""
for kind in "${KINDS[@]}"; do
    if ((NON2XX[$kind] > 0 || SOCKERR[$kind] > 0)); then
        bench_say "WARN  ${NAME[$kind]}: ${NON2XX[$kind]} non-2xx answers and ${SOCKERR[$kind]} socket errors over all runs (figures of those runs are not comparable)"
    fi
done
if [[ -n $STATUS_SUMMARY ]]; then
    bench_say "NOTE  non-2xx statuses in nginx → tally's access log (besides the two 401 probes): $STATUS_SUMMARY"
    bench_say "      (499 = wrk closed the connection with a request in flight when a run ended: not an answer)"
    if grep -qE '(^|, )[^4][0-9]{2}×|(^|, )4([0-8][0-9]|9[0-8])×' <<<"$STATUS_SUMMARY"; then
        bench_say "WARN  tally or nginx answered non-2xx statuses other than 499 (see above)"
    fi
fi
if [[ $NOKEY != 401 || $WRONG != 401 ]]; then bench_say "WARN  the route did not refuse a missing or wrong key with 401"; fi
if ((MAX_BUSY >= BUSY_WARN)); then
    bench_say "WARN  the host was up to ${MAX_BUSY}% busy (other processes) just before a run: figures are noisy; rerun on a quiet host"
fi
crashed=0
bench_report_problems || crashed=1
bench_finish

if ((crashed || FAILED_RUNS)); then
    BENCH_KEEP=1
    exit 1
fi
