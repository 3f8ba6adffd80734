#!/usr/bin/env bash
# Onboarding benchmark: the latency of `POST /api/v1/customers/onboard` (dataset, 5 tables, the first
# API key, an inline dry-run pipeline) through nginx on a 2-instance cluster, one onboarding after
# the other, beside the baseline of an authenticated round trip on the same connection in the same
# run: right after each onboarding, the new tenant's `GET /api/v1/tenants/{t}/api-keys` with the key
# it just received (which also proves the key works on whichever instance nginx picks).
#
# The client is `tally-bench onboarding` (bench/swift/HTTPBenchmarks.swift): one keep-alive HTTPS
# connection opened before the clock starts, so the figures hold no TLS handshake or process start.
# BENCH_ONBOARD_WARMUP onboardings come first and are reported apart (first use of each instance).
#
# Environment (all optional):
#   TALLY_BIN, TALLY_BENCH_BIN      binaries (run.sh builds them)
#   BENCH_ONBOARD_COUNT=30          measured onboardings
#   BENCH_ONBOARD_WARMUP=2          onboardings before them, reported apart
#   BENCH_INSTANCES=2 BENCH_WORKERS=8
#   BENCH_BUSY_WARN=10 BENCH_KEEP=1
# Exit status: 0 measured (failed onboardings are reported); 1 when nothing could be measured or a
# process crashed.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COUNT=${BENCH_ONBOARD_COUNT:-30}
WARMUP=${BENCH_ONBOARD_WARMUP:-2}
BENCH_INSTANCES=${BENCH_INSTANCES:-2}
BENCH_WORKERS=${BENCH_WORKERS:-8}
BUSY_WARN=${BENCH_BUSY_WARN:-10}

bench_init onboarding
bench_require_tally
bench_require_tally_bench

bench_tally_admin_home "$BENCH_RUN/tally-home"
bench_start_stack tally "$BENCH_INSTANCES" "$BENCH_WORKERS"
PORT=$(bench_free_port)
# shellcheck disable=SC2086  # word splitting of the socket list is intended
bench_nginx nginx-tally "$PORT" $STACK_SOCKS
URL=https://127.0.0.1:$PORT
bench_wait_for 10 "GET /health through nginx" bench_https_ok "$URL/health" || bench_die "tally does not answer /health"

busy=$(bench_host_busy 1)
bench_log "$WARMUP + $COUNT onboardings through nginx (host ${busy}% busy before)"
out=$BENCH_RUN/logs/tally-bench-onboarding.txt
rc=0
timeout $((120 + (COUNT + WARMUP) * 60)) "$TALLY_BENCH_BIN" onboarding --url "$URL" \
    --ca "$BENCH_RUN/nginx-tally/conf/dev.crt" --admin-key-file "$BENCH_TALLY_HOME/admin-key" \
    --count "$COUNT" --warmup "$WARMUP" --prefix onb >"$out" 2>&1 || rc=$?
busy_after=$(bench_host_busy 1)

r() { bench_result "$out" "$1" "$2"; }
bench_header "Tally onboarding benchmark (sequential onboardings through nginx)"
bench_say "setup: $BENCH_INSTANCES instances × $BENCH_WORKERS threads behind nginx (least_conn, HTTPS), one TALLY_HOME (SQLite warehouse);"
bench_say "       tally-bench onboarding: $WARMUP warm-up + $COUNT onboardings one after the other on one keep-alive connection,"
bench_say "       each followed by the new tenant's GET /api/v1/tenants/{t}/api-keys with its new key (the baseline)"
bench_say "host ${busy}% busy in the second before, ${busy_after}% in the second after"
bench_say ""
if [[ -z $(r onboard n) ]]; then
    bench_say "FAIL  tally-bench onboarding produced no figures (exit status $rc):"
    while IFS= read -r l; do bench_say "        $l"; done < <(tail -n 20 "$out")
    bench_report_problems || true
    bench_finish
    BENCH_KEEP=1
    exit 1
fi
bench_say "$(printf '%-38s %5s %5s %8s %9s %9s %9s %9s %9s' '' 'n' 'ok' 'non-2xx' 'p50 ms' 'p95 ms' 'max ms' 'mean ms' 'min ms')"
for op in onboard_warmup onboard keys_get; do
    case $op in
        onboard_warmup) label="onboarding, warm-up (first $WARMUP)" ;;
        onboard) label="onboarding" ;;
        keys_get) label="baseline: GET .../api-keys (new key)" ;;
    esac
    [[ -n $(r "$op" n) ]] || continue
    bench_say "$(printf '%-38s %5s %5s %8s %9.2f %9.2f %9.2f %9.2f %9.2f' "$label" "$(r "$op" n)" "$(r "$op" ok)" \
        "$(r "$op" non2xx)" "$(r "$op" p50)" "$(r "$op" p95)" "$(r "$op" max)" "$(r "$op" mean)" "$(r "$op" min)")"
done
bench_say "(client-side latency of each request, nginx and TLS included, connection already open; warm-up excluded)"
bench_say ""
if [[ $(r keys_get ok) -gt 0 && $(r onboard ok) -gt 0 ]]; then
    bench_say "ratios onboarding / baseline GET:  p50 $(bench_calc '%.1f' "$(r onboard p50) / $(r keys_get p50)")×   p95 $(bench_calc '%.1f' "$(r onboard p95) / $(r keys_get p95)")×   max $(bench_calc '%.1f' "$(r onboard max) / $(r keys_get max)")×"
    bench_say "sequential onboardings per second (1 / mean latency): $(bench_calc '%.1f' "1000 / $(r onboard mean)")/s; dry runs inside that ended SUCCESS: $(r onboard dryrun_success)/$(r onboard n)"
fi
bench_say ""
{ grep '^NOTE' "$out" || true; } | while IFS= read -r l; do bench_say "WARN  ${l#NOTE }"; done
if (($(r onboard non2xx) + $(r onboard errors) + $(r keys_get non2xx) + $(r keys_get errors) > 0)); then
    bench_say "WARN  some requests failed (see the lines above)"
fi
if ((busy >= BUSY_WARN || busy_after >= BUSY_WARN)); then
    bench_say "WARN  the host was ${busy}%/${busy_after}% busy (other processes) around the run: figures are noisy; rerun on a quiet host"
fi
if ((rc != 0)); then bench_say "WARN  tally-bench exited with status $rc"; fi
crashed=0
bench_report_problems || crashed=1
bench_finish
if ((crashed)); then
    BENCH_KEEP=1
    exit 1
fi
