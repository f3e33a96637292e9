#!/usr/bin/env bash
# Debian's Chromium for the viewer's browser tests (playwright-core drives it; no browser download). Idempotent.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
