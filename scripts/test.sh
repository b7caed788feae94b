#!/usr/bin/env bash
# Runs all the tests: the formatting check, then the whole suite on SQLite and on a real,
# throwaway PostgreSQL (installed from Debian's packages if missing). Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh

echo "== swift format lint --strict"
swift format lint --strict --recursive Sources Tests Package.swift

echo "== building"
swift build --build-tests

start_throwaway_postgres
export TIDINGS_TEST_REQUIRE_POSTGRES=1

echo "== swift test (SQLite and PostgreSQL)"
swift test --skip-build "$@"
