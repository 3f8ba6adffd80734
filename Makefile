# Tally developer entry points. Each target is a thin wrapper around a script, so everything also
# works without make (and CI runs exactly `make test` through .ci/run).
#
#   make run      build (release), init .tally/, nginx on https://127.0.0.1:8443 + 2 instances
#   make test     install packages, lint, debug build, all tests (incl. Tests/DeploymentTests)
#   make bench    benchmarks (bench/run.sh; not part of make test)
#   make build    swift build -c $(CONFIG) (CONFIG=release by default, statically linked Swift runtime)
#   make lint     swift format lint --strict; fails on any finding
#   make format   swift format in place
#   make clean    build products and the rendered dev nginx config (.tally/nginx); keeps the rest
#                 of .tally/ (keyring, admin key, data): rm -rf .tally by hand for a fresh start

SHELL := /bin/bash
CONFIG ?= release

.DEFAULT_GOAL := help
.PHONY: help run test bench build lint format clean

help:
	@sed -n 's/^#   make /  make /p' $(firstword $(MAKEFILE_LIST))

run:
	scripts/run.sh

test:
	scripts/test.sh

bench:
	bash bench/run.sh

build:
	swift build -c $(CONFIG) $(if $(filter release,$(CONFIG)),--static-swift-stdlib)

lint:
	scripts/lint.sh

format:
	scripts/lint.sh --fix

clean:
	swift package clean
	rm -rf .build-deploy .tally/nginx
