#!/usr/bin/env bash
# The fine-tuning recipe's Python environment (~/.linguacodus/venvs/finetune: torch CPU 2.13.0, transformers, peft,
# gguf — finetune/python/requirements.txt), made by the same code `linguacodus finetune` uses, so it is created once
# and reused while requirements.txt is unchanged. Needs the compiled CLI (npm run build).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

venv() {
  local dir="${LINGUACODUS_HOME:-$HOME/.linguacodus}/venvs/finetune"
  local before=""
  [[ -f "$dir/.linguacodus-requirements" ]] && before="$(cat "$dir/.linguacodus-requirements")"
  node --input-type=module -e '
    const { ensureVenv } = await import(process.cwd() + "/dist/finetune/index.js");
    await ensureVenv({ dir: process.argv[1], log: (line) => console.log(line) });
  ' "$dir"
  if [[ -n "$before" && "$before" == "$(cat "$dir/.linguacodus-requirements")" ]]; then step_note "cached"; else step_note "installed"; fi
}

step "python venv (finetune)" venv
