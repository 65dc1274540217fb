#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright. Install it when missing.
set -euo pipefail
CHROMIUM="${SRM_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: $CHROMIUM is missing and installing it needs root." >&2
  echo "       Run: sudo apt-get install -y chromium   (or set SRM_CHROMIUM to a Chromium binary)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: $CHROMIUM is missing and apt-get is not available; install Chromium and set SRM_CHROMIUM." >&2
  exit 1
fi
echo "Installing Debian's chromium for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends chromium >/dev/null
test -x "$CHROMIUM"
