#!/usr/bin/env bash
# Makes a Docker engine and the sandbox image available; safe to run again, and a no-op (apart from a
# quick check) where Docker already runs and the image of the current recipe exists.
#   1. `docker info` fails → install docker.io from Debian (if dockerd is missing) and start dockerd
#      in the background, waiting (bounded) until it answers;
#   2. build the sandbox image offline (debootstrap; no registry needed) unless it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

engine_up() { docker info >/dev/null 2>&1; }

docker_engine() {
  if ! engine_up; then
    if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
      echo "installing docker.io"
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q docker.io
    fi
    # A pid file left by a dockerd that is gone would stop the new one from starting.
    if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
      $SUDO rm -f /var/run/docker.pid
    fi
    if ! { command -v pgrep >/dev/null 2>&1 && pgrep -x dockerd >/dev/null 2>&1; }; then
      echo "starting dockerd (log: /var/log/dockerd.log)"
      # In a session of its own: a signal to the process group that ran this script (Ctrl-C, a CI step's
      # timeout, an agent's job ending) must not take the engine down with it.
      $SUDO setsid -f sh -c 'exec nohup dockerd >/var/log/dockerd.log 2>&1'
    fi
    for _ in $(seq 1 90); do
      engine_up && break
      sleep 1
    done
    if ! engine_up; then
      echo "dockerd did not answer within 90 s; last lines of /var/log/dockerd.log:"
      tail -n 20 /var/log/dockerd.log || true
      return 1
    fi
  fi
  step_note "$(docker info --format '{{.ServerVersion}} ({{.Driver}}, cgroup v{{.CgroupVersion}})' 2>/dev/null || echo up)"
}

sandbox_image() {
  # The CLI decides whether anything needs building (the tag is the recipe's hash; the rootfs is cached).
  if [ ! -f dist/cli/main.js ] || [ ! -f dist/sandbox/index.js ]; then
    echo "compiling the CLI"
    npx tsc -p tsconfig.json || [ -f dist/cli/main.js ]
  fi
  local out
  out="$(mktemp)"
  node dist/cli/main.js sandbox build --offline 2>&1 | tee "$out"
  step_note "$(grep -v '^\s*$' "$out" | tail -n 1 | cut -d';' -f1 | cut -c1-80)"
  rm -f "$out"
}

step "docker engine" docker_engine
step "sandbox image" sandbox_image
