#!/usr/bin/env bash
# Debian's Chromium for the viewer's browser tests (playwright-core drives /usr/bin/chromium; no browser download).
# Safe to run again: does nothing when Chromium is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh 2>/dev/null || step_note() { :; }
if [ -x /usr/bin/chromium ]; then
  step_note "already installed"
  exit 0
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a $SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
step_note "installed"
