#!/usr/bin/env bash
# Dry-run benchmark: how many `gcp/example/dryrun` pipeline runs per second a 2-instance cluster
# completes through nginx: one tenant running them one after the other (only one run of a pipeline
# may be PENDING or RUNNING at a time), then K tenants at once (one active run each) to show how it
# scales across tenants. Each run is `POST /api/v1/pipelines/run/{t}/gcp/example/dryrun` with
# {"trigger_by":"bench"} (202), then `GET /api/v1/pipelines/runs/{id}` every BENCH_DRYRUN_POLL_MS until
# SUCCESS/FAILED/CANCELLED; latency = POST sent → final status seen (client side, so it includes up to
# one poll interval; the run's own `duration_ms` is reported beside it).
# Baseline beside it, in the same rounds: the same number of plain authenticated GETs
# (`GET /api/v1/pipelines/runs?limit=1`) by the same tenants, one after the other per tenant.
#
# The client is `tally-bench dryrun` / `tally-bench get` (bench/swift/HTTPBenchmarks.swift): one
# thread and one keep-alive HTTPS connection per tenant, opened before the clock starts.
#
# Environment (all optional):
#   TALLY_BIN, TALLY_BENCH_BIN       binaries (run.sh builds them)
#   BENCH_DRYRUN_RUNS=30             runs (and baseline GETs) per tenant per phase
#   BENCH_DRYRUN_PARALLEL="2 4"      tenant counts for the parallel phases (1 is always measured)
#   BENCH_DRYRUN_ROUNDS=3            rounds (order alternates), best runs/s per phase kept
#   BENCH_DRYRUN_POLL_MS=5           poll interval
#   BENCH_DRYRUN_RUN_TIMEOUT=60      seconds a run may take before it counts as failed
#   BENCH_INSTANCES=2 BENCH_WORKERS=8; TALLY_RUN_CONCURRENCY (tally's run threads per instance, 2)
#   BENCH_BUSY_WARN=10 BENCH_KEEP=1
# Exit status: 0 measured (failed runs are reported); 1 when a phase produced no figures or a process
# crashed.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS=${BENCH_DRYRUN_RUNS:-30}
PARALLEL=${BENCH_DRYRUN_PARALLEL:-2 4}
ROUNDS=${BENCH_DRYRUN_ROUNDS:-3}
POLL_MS=${BENCH_DRYRUN_POLL_MS:-5}
RUN_TIMEOUT=${BENCH_DRYRUN_RUN_TIMEOUT:-60}
BENCH_INSTANCES=${BENCH_INSTANCES:-2}
BENCH_WORKERS=${BENCH_WORKERS:-8}
BUSY_WARN=${BENCH_BUSY_WARN:-10}

bench_init dryrun
bench_require_tally
bench_require_tally_bench

COUNTS=(1)
for k in $PARALLEL; do
    [[ $k =~ ^[0-9]+$ ]] && ((k >= 2 && k <= 64)) || bench_die "BENCH_DRYRUN_PARALLEL: '$k' is not 2-64"
    COUNTS+=("$k")
done
MAX_K=$(printf '%s\n' "${COUNTS[@]}" | sort -n | tail -n1)

bench_tally_admin_home "$BENCH_RUN/tally-home"
bench_start_stack tally "$BENCH_INSTANCES" "$BENCH_WORKERS"
TALLY_PIDS=$STACK_PIDS
PORT=$(bench_free_port)
# shellcheck disable=SC2086  # word splitting of the socket list is intended
bench_nginx nginx-tally "$PORT" $STACK_SOCKS
URL=https://127.0.0.1:$PORT
CA=$BENCH_RUN/nginx-tally/conf/dev.crt
bench_wait_for 10 "GET /health through nginx" bench_https_ok "$URL/health" || bench_die "tally does not answer /health"

TENANT_ARGS=()
for ((i = 0; i < MAX_K; i++)); do
    key=$(bench_onboard "$URL" "dry_$i") || bench_die "onboarding dry_$i failed"
    TENANT_ARGS+=("dry_$i:$key")
done
bench_log "onboarded $MAX_K tenants"

tenants_for() { # K → --tenant arguments of the first K tenants
    local i
    for ((i = 0; i < $1; i++)); do printf '%s\n' --tenant "${TENANT_ARGS[i]}"; done
}

# One warm-up of each kind (first runs load templates and caches on both instances).
mapfile -t args < <(tenants_for "$MAX_K")
timeout 300 "$TALLY_BENCH_BIN" dryrun --url "$URL" --ca "$CA" "${args[@]}" --count 2 --poll-ms "$POLL_MS" \
    --run-timeout "$RUN_TIMEOUT" >"$BENCH_RUN/logs/warmup-dryrun.txt" 2>&1 || bench_die "warm-up dry runs failed"
timeout 300 "$TALLY_BENCH_BIN" get --url "$URL" --ca "$CA" "${args[@]}" --count 10 \
    >"$BENCH_RUN/logs/warmup-get.txt" 2>&1 || bench_die "warm-up GETs failed"

tally_cpu_ticks() { # user + system ticks of the tally instances
    local sum=0 pid t
    for pid in $TALLY_PIDS; do
        t=$(bench_cpu_ticks "$pid")
        sum=$((sum + ${t:-0}))
    done
    echo "$sum"
}
CLK_TCK=$(getconf CLK_TCK)

PHASES=()
for k in "${COUNTS[@]}"; do PHASES+=("runs-$k"); done
for k in "${COUNTS[@]}"; do PHASES+=("gets-$k"); done
declare -A BEST_FILE BEST_RATE BEST_CPU FAILED_SUM NON2XX_SUM
for phase in "${PHASES[@]}"; do FAILED_SUM[$phase]=0; NON2XX_SUM[$phase]=0; done
RUN_LINES=()
MAX_BUSY=0
NO_FIGURES=0
for ((r = 1; r <= ROUNDS; r++)); do
    # Interleave runs and GETs so both see the same conditions; reverse the order every other round.
    order=()
    for k in "${COUNTS[@]}"; do order+=("runs-$k" "gets-$k"); done
    if ((r % 2 == 0)); then mapfile -t order < <(printf '%s\n' "${order[@]}" | tac); fi
    for phase in "${order[@]}"; do
        kind=${phase%-*}
        k=${phase#*-}
        busy=$(bench_host_busy 1)
        if ((busy > MAX_BUSY)); then MAX_BUSY=$busy; fi
        mapfile -t args < <(tenants_for "$k")
        out=$BENCH_RUN/logs/round$r-$phase.txt
        bench_log "round $r/$ROUNDS: $phase ($k tenant(s) × $RUNS) (host ${busy}% busy before)"
        cpu_before=$(tally_cpu_ticks)
        if [[ $kind == runs ]]; then
            op=dryrun
            timeout $((60 + RUNS * (RUN_TIMEOUT + 5))) "$TALLY_BENCH_BIN" dryrun --url "$URL" --ca "$CA" "${args[@]}" \
                --count "$RUNS" --poll-ms "$POLL_MS" --run-timeout "$RUN_TIMEOUT" >"$out" 2>&1 || true
        else
            op=get
            timeout $((60 + RUNS * 60)) "$TALLY_BENCH_BIN" get --url "$URL" --ca "$CA" "${args[@]}" --count "$RUNS" \
                >"$out" 2>&1 || true
        fi
        cpu_after=$(tally_cpu_ticks)
        rate=$(bench_result "$out" "$op" rate)
        if [[ -z $rate ]]; then
            NO_FIGURES=$((NO_FIGURES + 1))
            RUN_LINES+=("$(printf '  round %d  %-8s  no figures (see logs/round%d-%s.txt)' "$r" "$phase" "$r" "$phase")")
            continue
        fi
        # tally's CPU time (both instances, user + system) per successful run or GET.
        cpu_ms=$(bench_calc '%.2f' "($cpu_after - $cpu_before) * 1000 / $CLK_TCK / ($(bench_result "$out" "$op" ok) > 0 ? $(bench_result "$out" "$op" ok) : 1)")
        failed=$(bench_result "$out" "$op" failed)
        non2xx=$(bench_result "$out" "$op" non2xx)
        if [[ $op == dryrun ]]; then
            non2xx=$((non2xx + $(bench_result "$out" dryrun_post non2xx) + $(bench_result "$out" dryrun_poll non2xx)))
        fi
        FAILED_SUM[$phase]=$((FAILED_SUM[$phase] + failed))
        NON2XX_SUM[$phase]=$((NON2XX_SUM[$phase] + non2xx))
        note=""
        if ((busy >= BUSY_WARN)); then note="  <-- host ${busy}% busy before"; fi
        if ((failed > 0 || non2xx > 0)); then note+="  <-- $failed failed, $non2xx non-2xx"; fi
        unit=$([[ $op == dryrun ]] && echo "runs/s" || echo "GET/s ")
        RUN_LINES+=("$(printf '  round %d  %-8s  %8.2f %s   p50 %8.2f ms   p95 %8.2f ms   tally CPU %6.2f ms/op%s' "$r" "$phase" \
            "$rate" "$unit" "$(bench_result "$out" "$op" p50)" "$(bench_result "$out" "$op" p95)" "$cpu_ms" "$note")")
        if [[ -z ${BEST_RATE[$phase]:-} ]] || ! bench_ge "${BEST_RATE[$phase]}" "$rate"; then
            BEST_RATE[$phase]=$rate
            BEST_FILE[$phase]=$out
            BEST_CPU[$phase]=$cpu_ms
        fi
    done
done

# --- report --------------------------------------------------------------------------------------

bench_header "Tally dry-run benchmark (gcp/example/dryrun runs per second through nginx)"
bench_say "setup: $BENCH_INSTANCES instances × $BENCH_WORKERS threads behind nginx (least_conn, HTTPS), run threads per instance: ${TALLY_RUN_CONCURRENCY:-2 (default)};"
bench_say "       per phase: $RUNS runs per tenant, one after the other (POST, poll every ${POLL_MS} ms until it ends), all tenants at once;"
bench_say "       baseline: $RUNS GET /api/v1/pipelines/runs?limit=1 per tenant, the same way; $ROUNDS rounds alternating order, best rate per phase kept"
bench_say ""
bench_say "runs:"
for line in "${RUN_LINES[@]}"; do bench_say "$line"; done
bench_say ""
bench_say "$(printf '%-26s %7s %6s %5s %9s %9s %9s %9s %10s %9s %9s %10s' '' 'tenants' 'n' 'ok' 'per s' 'p50 ms' 'p95 ms' 'max ms' 'server p50' 'POST p50' 'polls/run' 'CPU ms/op')"
for phase in "${PHASES[@]}"; do
    [[ -n ${BEST_FILE[$phase]:-} ]] || continue
    f=${BEST_FILE[$phase]}
    k=${phase#*-}
    if [[ $phase == runs-* ]]; then
        op=dryrun
        label=$([[ $k == 1 ]] && echo "dry runs, sequential" || echo "dry runs, $k tenants at once")
        server="$(bench_result "$f" dryrun server_p50) ms"
        post="$(bench_result "$f" dryrun_post p50) ms"
        polls=$(bench_result "$f" dryrun polls_per_run)
    else
        op=get
        label=$([[ $k == 1 ]] && echo "baseline GETs, sequential" || echo "baseline GETs, $k tenants")
        server="-"
        post="-"
        polls="-"
    fi
    bench_say "$(printf '%-26s %7s %6s %5s %9.2f %9.2f %9.2f %9.2f %10s %9s %9s %10.2f' "$label" "$k" "$(bench_result "$f" "$op" n)" \
        "$(bench_result "$f" "$op" ok)" "$(bench_result "$f" "$op" rate)" "$(bench_result "$f" "$op" p50)" \
        "$(bench_result "$f" "$op" p95)" "$(bench_result "$f" "$op" max)" "$server" "$post" "$polls" "${BEST_CPU[$phase]}")"
done
bench_say "(per s = successful runs or GETs per second of wall time, all tenants together; latencies client-side per run/GET;"
bench_say " server p50 = the runs' own duration_ms; POST p50 = starting a run (202); a run's latency includes at least one ${POLL_MS} ms poll wait;"
bench_say " CPU ms/op = user + system CPU of both tally instances per successful run (its polls included) or GET: CPU ms/op × per s ≈ cores busy in tally;"
bench_say " read from /proc in $((1000 / CLK_TCK)) ms ticks, so coarse for the short GET phases: ± $(bench_calc '%.2f' "1000 / $CLK_TCK / $RUNS") ms/op with 1 tenant)"
bench_say ""
bench_say "ratios:"
if [[ -n ${BEST_RATE[runs-1]:-} ]]; then
    for k in "${COUNTS[@]}"; do
        [[ $k != 1 && -n ${BEST_RATE[runs-$k]:-} ]] || continue
        bench_say "  scaling, $k tenants ÷ 1 tenant:      runs/s $(bench_calc '%.2f' "${BEST_RATE[runs-$k]} / ${BEST_RATE[runs-1]}")×   (baseline GET/s $(bench_calc '%.2f' "${BEST_RATE[gets-$k]:-0} / ${BEST_RATE[gets-1]:-1}")×)"
    done
fi
for k in "${COUNTS[@]}"; do
    [[ -n ${BEST_RATE[runs-$k]:-} && -n ${BEST_RATE[gets-$k]:-} ]] || continue
    bench_say "  $k tenant(s): runs/s ÷ GET/s $(bench_calc '%.3f' "${BEST_RATE[runs-$k]} / ${BEST_RATE[gets-$k]}")×;   run p50 ÷ GET p50 $(bench_calc '%.1f' "$(bench_result "${BEST_FILE[runs-$k]}" dryrun p50) / $(bench_result "${BEST_FILE[gets-$k]}" get p50)")×"
done
bench_say ""
for phase in "${PHASES[@]}"; do
    if ((FAILED_SUM[$phase] > 0 || NON2XX_SUM[$phase] > 0)); then
        bench_say "WARN  $phase: ${FAILED_SUM[$phase]} failed and ${NON2XX_SUM[$phase]} non-2xx over all rounds, e.g.:"
    fi
done
{ grep -h '^NOTE' "$BENCH_RUN"/logs/round*-*.txt 2>/dev/null || true; } | sed 's/^NOTE //' | sort | uniq -c |
    sort -rn | head -n 8 | cut -c1-300 | while IFS= read -r l; do bench_say "      $l"; done
if ((MAX_BUSY >= BUSY_WARN)); then
    bench_say "WARN  the host was up to ${MAX_BUSY}% busy (other processes) just before a phase: figures are noisy; rerun on a quiet host"
fi
crashed=0
bench_report_problems || crashed=1
bench_finish
if ((crashed || NO_FIGURES)); then
    BENCH_KEEP=1
    exit 1
fi
