#!/usr/bin/env bash
# Runs all the tests: the formatting check, then the whole suite on SQLite and on a real,
# throwaway PostgreSQL (installed from Debian's packages if missing). Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh

echo "== swift format lint --strict"
swift format lint --strict --recursive Sources Tests Package.swift

echo "== building (no warnings allowed in Sources/, Tests/ or bench/)"
mkdir -p .build
build_log=.build/test-build.log
swift build --build-tests 2>&1 | tee "$build_log"
# Only files that the compiler compiled are reported: on a clean clone (CI) that is every file,
# locally an incremental build re-reports nothing that is up to date. Dependencies'
# warnings (.build/checkouts) and SwiftPM's package notes are not the project's to fix.
if grep -E "^$PWD/(Sources|Tests|bench)/[^:]+:[0-9]+:[0-9]+: warning:" "$build_log" | sort -u | grep .; then
    echo "error: the build has warnings in the project's own code (above); fix them" >&2
    exit 1
fi

start_throwaway_postgres
export TIDINGS_TEST_REQUIRE_POSTGRES=1

# At most 12 tests at a time: with all ~200 at once on a small machine, an in-process server's
# request could wait 20 s for a thread and time out. (Faster overall, too: 80 s instead of 90.)
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-12}"

echo "== swift test (SQLite and PostgreSQL)"
swift test --skip-build "$@"

# The admin UI in headless Chromium (Debian's chromium, chromium-driver and python3-selenium,
# installed by the script when missing); screenshots go to docs/screenshots/.
if [ "${TIDINGS_SKIP_BROWSER_TESTS:-0}" != 1 ]; then
    echo "== browser tests (headless Chromium)"
    scripts/browser.sh
fi
