#!/usr/bin/env bash
# Runs the browser tests (Tests/Browser) in headless Chromium, installing Debian's chromium,
# chromium-driver and python3-selenium when missing. They use Debian's own Python
# (/usr/bin/python3), where python3-selenium lives. Needs the debug build of `tidings`
# (scripts/test.sh builds it first). Screenshots land in docs/screenshots/.
# Usage: scripts/browser.sh [test name pattern]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=/usr/bin/python3
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v zbarimg >/dev/null \
    || ! "$PYTHON" -c 'import selenium' 2>/dev/null; then
    echo "== installing Chromium, its driver, Selenium and zbar (a QR decoder) from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver python3-selenium zbar-tools >/dev/null
fi

export TIDINGS_BIN="${TIDINGS_BIN:-$(swift build --show-bin-path)/tidings}"
cd Tests/Browser
if [ $# -gt 0 ]; then
    "$PYTHON" -m unittest -v -k "$1"
else
    "$PYTHON" -m unittest discover -s . -p 'test_*.py' -v
fi
