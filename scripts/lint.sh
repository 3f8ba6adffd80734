#!/usr/bin/env bash
# `make lint` / `make format`: swift format (ships with the toolchain), rules in .swift-format.
#
#   scripts/lint.sh          report findings; exit 1 if there is any (--strict)
#   scripts/lint.sh --fix    rewrite the files in place
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

paths=(Sources Tests Package.swift)
if [[ "${1:-}" == --fix ]]; then
    exec swift format format --in-place --recursive --parallel "${paths[@]}"
fi
exec swift format lint --recursive --strict --parallel "${paths[@]}"
