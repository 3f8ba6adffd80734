#!/usr/bin/env bash
# Runs the FinOps Foundation's focus-validator 2.2.1 on a FOCUS CSV export, offline on its bundled 1.2 rules.
#
#   Tests/Support/focus-validator.sh FILE.csv [APPLICABILITY_CRITERIA]
#
# The validator lives in a virtual environment under .build-venv/focus (created and cached on first use; set
# TALLY_FOCUS_VENV to put it elsewhere). It needs Python 3.12 (numpy < 2, which focus-validator 2.2.1 pins,
# has wheels up to 3.12) and pyarrow < 21 (newer wheels refuse numpy < 2). Exits 77 with a SKIP line when the
# environment cannot be built (PyPI unreachable, no Python 3.12); otherwise with the validator's status.
set -euo pipefail

csv=$1
criteria=${2:-}
repo=$(cd "$(dirname "$0")/../.." && pwd)
venv=${TALLY_FOCUS_VENV:-$repo/.build-venv/focus}
pins=("focus-validator==2.2.1" "pyarrow<21")
marker="$venv/.tally-pins"

find_python() {
    local candidate
    for candidate in "${TALLY_PYTHON:-}" python3.12 /root/.pyenv/versions/3.12*/bin/python3 python3; do
        [[ -n $candidate ]] && command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else 1)' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
if [[ ! -x $venv/bin/focus-validator || "$(cat "$marker" 2>/dev/null)" != "${pins[*]}" ]]; then
    python=$(find_python) || { echo "SKIP: focus-validator needs Python 3.12 (set TALLY_PYTHON)"; exit 77; }
    rm -rf "$venv"
    "$python" -m venv "$venv"
    if ! "$venv/bin/pip" install --quiet --disable-pip-version-check \
        --only-binary=numpy,pyarrow,pandas,duckdb,polars "${pins[@]}" >"$venv.install.log" 2>&1; then
        rm -rf "$venv"
        echo "SKIP: cannot install ${pins[*]} from PyPI (see $venv.install.log)"
        exit 77
    fi
    echo "${pins[*]}" >"$marker"
fi
flock -u 9

# The validator opens focus_validator/rules/currency_codes.csv relative to the working directory.
site=$("$venv/bin/python" -c 'import focus_validator, os; print(os.path.dirname(os.path.dirname(focus_validator.__file__)))')
cd "$site"
args=(--data-file "$csv" --validate-version 1.2 --block-download)
[[ -n $criteria ]] && args+=(--applicability-criteria "$criteria")
echo "\$ cd $site && $venv/bin/focus-validator ${args[*]}"
exec "$venv/bin/focus-validator" "${args[@]}"
