#!/usr/bin/env bash
# System packages the browser tests need: Debian's Chromium (Playwright drives it; it never
# downloads a browser of its own). Needs root; safe to run again.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "note: install Debian's chromium to run the browser tests (they are skipped otherwise)"
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
