#!/usr/bin/env bash
# Installs Debian's Chromium for the viewer's browser tests (playwright-core drives it; it never
# downloads a browser of its own). Does nothing when /usr/bin/chromium is already there.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --headless --no-sandbox --version 2>/dev/null || true
