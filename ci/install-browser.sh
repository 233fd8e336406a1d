#!/usr/bin/env bash
# Install what the browser tests (tests/test_browser.py) need: Debian's chromium at /usr/bin/chromium.
# Idempotent: does nothing when chromium is already there. Playwright's own browser downloads are
# not used (they cannot be fetched here); the tests launch /usr/bin/chromium through Playwright.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium
/usr/bin/chromium --version 2>/dev/null | head -n1 || true
