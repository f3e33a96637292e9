#!/usr/bin/env bash
# The tests' Python environments, each made once and reused while its requirements are unchanged:
#   .ci/python.sh [finetune]  the fine-tuning recipe's (~/.linguacodus/venvs/finetune: torch CPU 2.13.0,
#                             transformers, peft, gguf — finetune/python/requirements.txt), made by the same code
#                             `linguacodus finetune` uses. Needs the compiled CLI (npm run build).
#   .ci/python.sh aide        aideml 0.2.2's journal code (~/.linguacodus/venvs/aide, ~320 MB: what `import aide`
#                             needs, tests/search/aide/requirements.txt), for the test that AIDE reads journal.json.
#   .ci/python.sh inspect     Inspect AI (~/.linguacodus/venvs/inspect, ~325 MB: tests/interop/inspect/requirements.txt),
#                             for the test that inspect_ai reads the logs `export inspect` writes.
#   .ci/python.sh notebook    a Jupyter kernel (~/.linguacodus/venvs/notebook: ipykernel, nbclient, nbformat —
#                             tests/notebook/requirements.txt), for the test that runs a notebook with the Python package.
#   .ci/python.sh pyarrow     pyarrow (~/.linguacodus/venvs/pyarrow, ~160 MB: tests/datasets/pyarrow/requirements.txt),
#                             which writes the parquet data the OpenML import test serves.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

which="${1:-finetune}"
dir="${LINGUACODUS_HOME:-$HOME/.linguacodus}/venvs/$which"

venv() {
  local before=""
  [[ -f "$dir/.linguacodus-requirements" ]] && before="$(cat "$dir/.linguacodus-requirements")"
  case "$which" in
    finetune)
      node --input-type=module -e '
        const { ensureVenv } = await import(process.cwd() + "/dist/finetune/index.js");
        await ensureVenv({ dir: process.argv[1], log: (line) => console.log(line) });
      ' "$dir"
      ;;
    aide)
      # The venv's definition is the test's (tests/search/aide.ts), run from source.
      node --import tsx --input-type=module -e '
        const { aidePython } = await import(process.cwd() + "/tests/search/aide.ts");
        await aidePython((line) => console.log(line));
      '
      ;;
    inspect)
      node --import tsx --input-type=module -e '
        const { inspectPython } = await import(process.cwd() + "/tests/interop/inspect.ts");
        await inspectPython((line) => console.log(line));
      '
      ;;
    notebook)
      node --import tsx --input-type=module -e '
        const { notebookPython } = await import(process.cwd() + "/tests/notebook/notebook.ts");
        await notebookPython((line) => console.log(line));
      '
      ;;
    pyarrow)
      node --import tsx --input-type=module -e '
        const { pyarrowPython } = await import(process.cwd() + "/tests/datasets/pyarrow.ts");
        await pyarrowPython((line) => console.log(line));
      '
      ;;
    *)
      echo "usage: .ci/python.sh [finetune|aide|inspect|notebook|pyarrow]" >&2
      return 2
      ;;
  esac
  if [[ -n "$before" && "$before" == "$(cat "$dir/.linguacodus-requirements")" ]]; then step_note "cached"; else step_note "installed, $(du -sh "$dir" | cut -f1)"; fi
}

step "python venv ($which)" venv
