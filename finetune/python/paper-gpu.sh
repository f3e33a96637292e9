#!/usr/bin/env bash
# The paper's Table A.3 recipe on a CUDA GPU, unchanged: r 64, α 16, dropout 0.1, NF4 base (float16 compute, no
# nested quantization), paged AdamW, lr 2e-4 constant, warmup 0.03, batch 4, 1 epoch, gradient checkpointing,
# group by length, no length limit (`linguacodus finetune train --profile paper`).
#   finetune/python/paper-gpu.sh --corpus <dir> --base <model.gguf or HF folder> --out <adapter dir> [more train flags]
# Makes its own venv (default ~/.linguacodus/venvs/finetune-gpu; FINETUNE_GPU_VENV to change): the recipe's
# requirements with PyPI's torch (the CUDA build on Linux x86_64) and bitsandbytes (NF4, paged optimizers), then
# marks it as the recipe's venv so `finetune train` uses it as is. Needs python3, an NVIDIA driver, and the CLI
# (linguacodus on PATH, or this checkout built with `npm run build`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${FINETUNE_GPU_VENV:-${LINGUACODUS_HOME:-$HOME/.linguacodus}/venvs/finetune-gpu}"
requirements="$here/requirements.txt"

if [[ ! -x "$venv/bin/python" ]]; then
  echo "creating $venv" >&2
  python3 -m venv "$venv"
fi
# Plain PyPI (no CPU index): torch==<pin> there is the CUDA wheel.
"$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements" bitsandbytes
"$venv/bin/python" - <<'PY'
import sys, torch
if not torch.cuda.is_available():
    sys.exit(f"torch {torch.__version__} sees no CUDA GPU: this script is for a GPU machine (on the CPU use --profile cpu)")
print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, {torch.cuda.get_device_name(0)}", file=sys.stderr)
PY
# The marker ensureVenv reads (sha256 of requirements.txt, 16 hex digits): the venv is current, nothing reinstalled.
sha256sum "$requirements" | cut -c1-16 > "$venv/.linguacodus-requirements"

if command -v linguacodus >/dev/null 2>&1; then cli=(linguacodus); else cli=(node "$here/../../dist/cli/main.js"); fi
exec "${cli[@]}" finetune train --profile paper --venv "$venv" "$@"
