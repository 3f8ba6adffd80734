#!/usr/bin/env bash
# `make bench`: builds tally in release mode once, then runs every benchmark in BENCHES in order.
# Each benchmark is bench/<name>.sh; it sources bench/lib.sh, writes its own report and copies it
# to bench/out/<name>-<date>.txt. Not part of `make test`.
#
#   bench/run.sh                          # all benchmarks
#   BENCH_ONLY=foundation bench/run.sh    # a subset (comma- or space-separated names)
#   TALLY_BIN=/path/to/tally bench/run.sh # skip the build and use this binary
#   BENCH_SECONDS=30 bench/run.sh         # longer measured runs (see each script's header)
#
# Exit status: 0 when every selected benchmark ran (missed targets are reported as FAIL lines but
# do not fail the run); 1 when a benchmark crashed or could not measure; 2 on a usage error.

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
export BENCH_DIR REPO_ROOT

# Add new benchmarks here, in the order they should run (foundation first: it checks the stack
# that every other benchmark stands on). Planned: auth-keys, onboarding, dry-run, billing-export.
BENCHES=(foundation)

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

if [[ -z ${TALLY_BIN:-} ]]; then
    echo "bench/run.sh: swift build -c release" >&2
    (cd "$REPO_ROOT" && timeout "${BENCH_BUILD_TIMEOUT:-2400}" swift build -c release) >&2 || {
        echo "bench/run.sh: swift build -c release failed" >&2
        exit 1
    }
    TALLY_BIN=$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/tally
fi
[[ -x $TALLY_BIN ]] || { echo "bench/run.sh: $TALLY_BIN is not executable" >&2; exit 1; }
export TALLY_BIN

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
