#!/usr/bin/env bash
# Installs everything linguacodus needs on a fresh Debian/Ubuntu machine; safe to run again.
#   system packages (R and the R data packages the built-in suite is prepared from, debootstrap),
#   node modules, the compiled CLI, a running Docker engine and the offline sandbox image.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }

r_packages=(r-base-core r-cran-ggplot2 r-cran-modeldata r-cran-mice r-cran-ggally r-cran-dslabs r-cran-mlbench r-cran-mlmrev)
need_apt=()
for pkg in "${r_packages[@]}" debootstrap python3; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
  log "apt: installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
log "build"
npm run --silent build

bash .ci/docker.sh
