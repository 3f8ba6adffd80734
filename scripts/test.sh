#!/usr/bin/env bash
# `make test` (and CI through .ci/run): packages, lint, debug build, every test target.
#
# The deployment tests (Tests/DeploymentTests) shell out to nginx, openssl, curl and
# systemd-analyze, and run the built binary end to end through nginx via TALLY_BIN.
# Exit status: non-zero when the build, any test, or the lint fails. Lint findings do not stop the
# tests from running: one run reports everything.
#
#   TALLY_SWIFT_FLAGS  extra flags for every swift build/test, e.g. "--scratch-path .build-x" to
#                      use a separate build directory
#   TALLY_TEST_FLAGS   extra flags for `swift test` only, e.g. "--filter DeploymentTests"
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
read -ra swift_flags <<<"${TALLY_SWIFT_FLAGS:-}"
read -ra test_flags <<<"${TALLY_TEST_FLAGS:-}"

scripts/ensure-packages.sh \
    libfcgi-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev \
    nginx openssl libfcgi-bin curl systemd

echo "== lint"
lint_rc=0
scripts/lint.sh || lint_rc=$?
((lint_rc == 0)) && echo "lint: clean" || echo "lint: FAILED (scripts/lint.sh --fix rewrites most findings)"

echo "== build (debug)"
swift build "${swift_flags[@]}"

echo "== test"
log="$(mktemp "${TMPDIR:-/tmp}/tally-test.XXXXXX.log")"
test_rc=0
bin_path="$(swift build "${swift_flags[@]}" --show-bin-path)"
TALLY_BIN="$bin_path/tally" swift test "${swift_flags[@]}" "${test_flags[@]}" 2>&1 | tee "$log" ||
    test_rc=${PIPESTATUS[0]}

echo
echo "== summary"
# XCTest prints "Executed N tests" (per suite and in total: keep the last), Swift Testing one
# "Test run with N tests ... passed/failed" line and one "✘ Test X failed after" line per failing test.
grep -aE 'Executed [0-9]+ tests?, with' "$log" | tail -n 1 || true
grep -aE 'Test run with [0-9]+ tests?|✘ Test .* failed after|^error: |: error: ' "$log" | tail -n 40 || true
echo "swift test: $( ((test_rc == 0)) && echo passed || echo "FAILED (exit $test_rc)")   full log: $log"
echo "lint:       $( ((lint_rc == 0)) && echo clean || echo "FAILED (exit $lint_rc)")"
((test_rc == 0 && lint_rc == 0))
