#!/usr/bin/env bash
# `make bench`: builds tally in release mode once, then runs every benchmark in BENCHES in order.
# Each benchmark is bench/<name>.sh; it sources bench/lib.sh, writes its own report and copies it
# to bench/out/<name>-<date>.txt. Not part of `make test`.
#
#   bench/run.sh                          # all benchmarks
#   BENCH_ONLY=foundation bench/run.sh    # a subset (comma- or space-separated names)
#   TALLY_BIN=/path/to/tally bench/run.sh # skip the build and use this binary
#   BENCH_STATIC=0 bench/run.sh           # build without --static-swift-stdlib (default: as make build)
#   TALLY_BENCH_BIN=/path/to/tally-bench  # the same for the benchmarks' client (bench/swift)
#   BENCH_SCRATCH=.build-bench bench/run.sh   # build in this --scratch-path instead of .build
#   BENCH_SECONDS=30 bench/run.sh         # longer measured runs (see each script's header)
#   BENCH_ROWS=100000 BENCH_ONLY=billing-export bench/run.sh   # a quick billing-export run
#
# Exit status: 0 when every selected benchmark ran (missed targets are reported as FAIL lines but
# do not fail the run); 1 when a benchmark crashed or could not measure; 2 on a usage error.

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
export BENCH_DIR REPO_ROOT

# Add new benchmarks here, in the order they should run (foundation first: it checks the stack
# that every other benchmark stands on).
BENCHES=(foundation auth auth-route onboarding dryrun billing-export)
# Those whose client is `tally-bench` (bench/swift), a target that exists only when the manifest is
# evaluated with TALLY_BENCHMARKS=1 (end of Package.swift).
NEEDS_TALLY_BENCH=(auth onboarding dryrun billing-export)

selected=()
if [[ -n ${BENCH_ONLY:-} ]]; then
    for name in ${BENCH_ONLY//,/ }; do
        found=0
        for b in "${BENCHES[@]}"; do [[ $b == "$name" ]] && found=1; done
        if ((!found)); then
            echo "bench/run.sh: unknown benchmark '$name' (known: ${BENCHES[*]})" >&2
            exit 2
        fi
        selected+=("$name")
    done
else
    selected=("${BENCHES[@]}")
fi

# One timestamp for the whole run, so the reports of one `make bench` share a suffix.
BENCH_STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
export BENCH_STAMP

need_bench_client=0
for name in "${selected[@]}"; do
    for b in "${NEEDS_TALLY_BENCH[@]}"; do [[ $b == "$name" ]] && need_bench_client=1; done
done
# The same flags as `make build` (CONFIG=release): the Swift runtime linked statically, as deployed.
# It changes the figures: idle RSS counts the shared Swift libraries' pages when they are dynamic.
# BENCH_STATIC=0 measures a dynamically linked build instead.
build_args=(-c release)
if [[ ${BENCH_STATIC:-1} != 0 ]]; then build_args+=(--static-swift-stdlib); fi
if [[ -n ${BENCH_SCRATCH:-} ]]; then build_args+=(--scratch-path "$BENCH_SCRATCH"); fi
# build [VAR=value...] — swift build with build_args and $extra in that environment; exits 1 on failure.
build() {
    echo "bench/run.sh: $* swift build ${build_args[*]}" >&2
    (cd "$REPO_ROOT" && env "$@" timeout "${BENCH_BUILD_TIMEOUT:-2400}" swift build "${build_args[@]}" "${extra[@]}") >&2 || {
        echo "bench/run.sh: swift build ${build_args[*]} ${extra[*]} failed" >&2
        exit 1
    }
}
bin_path() { (cd "$REPO_ROOT" && swift build "${build_args[@]}" --show-bin-path); }

built_client=0
if [[ -z ${TALLY_BIN:-} ]]; then
    extra=()
    if ((need_bench_client)) && [[ -z ${TALLY_BENCH_BIN:-} ]]; then
        build TALLY_BENCHMARKS=1 # tally and tally-bench in one build
        built_client=1
    else
        build # exactly `swift build -c release`, as before the benchmarks needed a client
    fi
    TALLY_BIN=$(bin_path)/tally
fi
[[ -x $TALLY_BIN ]] || { echo "bench/run.sh: $TALLY_BIN is not executable" >&2; exit 1; }
export TALLY_BIN
if ((need_bench_client)) && [[ -z ${TALLY_BENCH_BIN:-} ]]; then
    if ((!built_client)); then
        extra=(--product tally-bench)
        build TALLY_BENCHMARKS=1
    fi
    TALLY_BENCH_BIN=$(bin_path)/tally-bench
fi
if ((need_bench_client)); then
    [[ -x $TALLY_BENCH_BIN ]] || { echo "bench/run.sh: $TALLY_BENCH_BIN is not executable" >&2; exit 1; }
    export TALLY_BENCH_BIN
fi

# Ctrl-C reaches the benchmark scripts too (same process group); each stops its own processes.
trap 'echo "bench/run.sh: interrupted" >&2; exit 130' INT TERM

failed=()
for name in "${selected[@]}"; do
    echo "=== bench: $name ==="
    if ! bash "$BENCH_DIR/$name.sh"; then
        failed+=("$name")
    fi
    echo
done

if ((${#failed[@]})); then
    echo "bench/run.sh: failed: ${failed[*]}" >&2
    exit 1
fi
