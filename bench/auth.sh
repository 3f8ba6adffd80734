#!/usr/bin/env bash
# Auth benchmark (in-process): Authenticator.verify(apiKey:) on a warm APIKeyCache against the
# unavoidable work (SHA-256 of the key + one constant-time compare), the two wrong-key paths (unknown
# key of a cached tenant, unknown tenant) with the loader's calls counted, and 2 threads at once.
# The measuring code is `tally-bench auth` (bench/swift/AuthBenchmark.swift), built only with
# TALLY_BENCHMARKS=1 (see Package.swift); no server, nginx or network is involved.
#
# Environment (all optional):
#   TALLY_BENCH_BIN                 tally-bench binary (run.sh builds it; else built here)
#   BENCH_AUTH_ITERATIONS=1000000   calls per case per round
#   BENCH_AUTH_ROUNDS=5             rounds (default: BENCH_ROUNDS when set), median kept
#   BENCH_AUTH_THREAD_ITERATIONS=1000000   calls per thread in the 1- and 2-thread runs
#   BENCH_AUTH_KEYS=3               keys per tenant
#   BENCH_AUTH_TIMEOUT=1200         seconds before the run is abandoned
#   BENCH_BUSY_WARN=10              WARN when other processes used this % of the host in a round
# Exit status: 0 measured, 1 could not measure (build failed, wrong answers, timeout).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ITERATIONS=${BENCH_AUTH_ITERATIONS:-1000000}
ROUNDS=${BENCH_AUTH_ROUNDS:-${BENCH_ROUNDS:-5}}
THREAD_ITERATIONS=${BENCH_AUTH_THREAD_ITERATIONS:-1000000}
KEYS=${BENCH_AUTH_KEYS:-3}
TIMEOUT=${BENCH_AUTH_TIMEOUT:-1200}

bench_init auth
bench_require_tally_bench

busy=$(bench_host_busy 1)
out=$BENCH_RUN/logs/tally-bench-auth.txt
bench_log "tally-bench auth: $ROUNDS rounds × $ITERATIONS calls per case (host ${busy}% busy before)"
rc=0
timeout "$TIMEOUT" "$TALLY_BENCH_BIN" auth --iterations "$ITERATIONS" --rounds "$ROUNDS" \
    --thread-iterations "$THREAD_ITERATIONS" --keys "$KEYS" --busy-warn "${BENCH_BUSY_WARN:-10}" \
    >"$out" 2>&1 || rc=$?

bench_header "Tally auth benchmark (in-process API-key verification, tally-bench auth)"
bench_say "host ${busy}% busy in the second before the run (per-round 'others' = CPU not used by tally-bench)"
while IFS= read -r line; do
    [[ $line == RESULT* ]] || bench_say "$line"
done <"$out"
if ((rc != 0)); then
    bench_say "FAIL  tally-bench auth exited with status $rc$( ((rc == 124)) && echo " (timed out after ${TIMEOUT}s)")"
fi
bench_finish
if ((rc != 0)); then
    BENCH_KEEP=1
    exit 1
fi
