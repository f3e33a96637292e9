#!/usr/bin/env bash
# Installs everything linguacodus needs on a fresh Debian/Ubuntu machine; safe to run again.
#   system packages (R and the R data packages the built-in suite is prepared from, debootstrap),
#   node modules, the compiled CLI, a running Docker engine and the offline sandbox image.
# One line per step with its time; the tools' own output goes to ~/.linguacodus/logs/ (see .ci/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

r_packages=(r-base-core r-cran-ggplot2 r-cran-modeldata r-cran-mice r-cran-ggally r-cran-dslabs r-cran-mlbench r-cran-mlmrev)

apt_packages() {
  local need=() pkg sudo=""
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
  done
  if ((${#need[@]} == 0)); then
    step_note "already installed"
    return 0
  fi
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
  step_note "installed ${#need[@]} package(s)"
}

node_modules() {
  # `npm ls` checks that what package.json declares is installed (file times mislead in git worktrees).
  if [ -d node_modules ] && npm ls --depth=0 >/dev/null 2>&1; then
    step_note "up to date"
    return 0
  fi
  # npm ci replaces node_modules: through a link (a git worktree sharing another checkout's modules) it would empty
  # the shared folder for everyone using it.
  if [ -L node_modules ]; then
    echo "node_modules links to $(readlink -f node_modules), whose packages do not match package.json;"
    echo "run 'npm ci' in the checkout that owns it (or remove the link to install here)."
    return 1
  fi
  npm ci --no-audit --no-fund --loglevel=error
}

step "system packages" apt_packages "${r_packages[@]}" debootstrap python3
step "node modules" node_modules
step "build" npm run --silent build
bash .ci/docker.sh
