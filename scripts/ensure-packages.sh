#!/usr/bin/env bash
# Installs the Debian packages among its arguments that are not installed yet.
#
#   scripts/ensure-packages.sh PKG [PKG...]
#
# Nothing to do -> no apt at all (no `apt-get update`, no sudo prompt). Otherwise one
# `apt-get update` and one `apt-get install`, as root directly or through sudo.
# TALLY_SKIP_APT=1 only reports what is missing (for hosts where you manage packages yourself).
set -euo pipefail

[[ $# -gt 0 ]] || { echo "usage: $0 PKG [PKG...]" >&2; exit 2; }
command -v dpkg-query >/dev/null || { echo "ensure-packages: not a Debian system; install: $*" >&2; exit 1; }

missing=()
for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
((${#missing[@]} > 0)) || exit 0

if [[ "${TALLY_SKIP_APT:-0}" == 1 ]]; then
    echo "ensure-packages: missing (TALLY_SKIP_APT=1, not installing): ${missing[*]}" >&2
    exit 0
fi

if [[ "$(id -u)" == 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null; then
    as_root=(sudo)
else
    echo "ensure-packages: need root or sudo to install: ${missing[*]}" >&2
    exit 1
fi

echo "ensure-packages: installing ${missing[*]}" >&2
# `env` sets the variable for apt itself (sudo's env_reset would drop an exported one). No stdin
# in CI: -y and noninteractive debconf.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
