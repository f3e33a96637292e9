# Sourced by the .ci scripts: quiet, timed setup steps.
#   step "<name>" <command…>   runs the command with its output appended to one log file and prints one line,
#                              "[setup] <name> … ok (12.3 s)"; on failure it prints the log's last lines and
#                              the log's path, then exits with the command's status.
#   step_note "<text>"         (inside a step's command) adds a short note to the step's line, e.g. "cached".
# The log is ${LINGUACODUS_HOME:-~/.linguacodus}/logs/setup-<time>.log, shared (via LC_SETUP_LOG) by the scripts a
# top-level script calls, so one setup run is one log. A step inside a step just runs (its output is already logged).
# Usage in another helper's script: `source "$(dirname "$0")/lib.sh"` then `step "chromium" bash .ci/chromium.sh`.

if [[ -z "${LC_SETUP_LOG:-}" ]]; then
  LC_LOG_DIR="${LINGUACODUS_HOME:-$HOME/.linguacodus}/logs"
  mkdir -p "$LC_LOG_DIR"
  LC_SETUP_LOG="$LC_LOG_DIR/setup-$(date -u +%Y%m%d-%H%M%S)-$$.log"
  : >"$LC_SETUP_LOG"
  ln -sfn "$(basename "$LC_SETUP_LOG")" "$LC_LOG_DIR/setup-latest.log"
  export LC_SETUP_LOG
fi
# How many log lines a failed step shows.
LC_FAIL_TAIL="${LC_FAIL_TAIL:-40}"

step_note() {
  [[ -n "${LC_STEP_NOTE:-}" ]] && printf '%s' "$*" >"$LC_STEP_NOTE"
  return 0
}

step() {
  local name="$1"
  shift
  if [[ -n "${LC_IN_STEP:-}" ]]; then
    printf '=== %s: %s\n' "$name" "$*"
    "$@"
    return
  fi
  local started note_file status=0 seconds note=""
  started="$EPOCHREALTIME"
  note_file="$(mktemp)"
  printf '[setup] %-26s ' "$name"
  printf '\n=== %s (%s): %s\n' "$name" "$(date -u +%H:%M:%S)" "$*" >>"$LC_SETUP_LOG"
  # The command runs in a subshell with errexit on (and not as an `||` operand, where bash would ignore errexit
  # inside functions), so a step function stops at its first failing command; the caller's errexit is restored.
  local had_errexit=0
  [[ $- == *e* ]] && had_errexit=1
  set +e
  (
    set -e
    export LC_IN_STEP=1 LC_STEP_NOTE="$note_file"
    "$@"
  ) </dev/null >>"$LC_SETUP_LOG" 2>&1
  status=$?
  ((had_errexit)) && set -e
  seconds="$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
  note="$(cat "$note_file")"
  rm -f "$note_file"
  if ((status == 0)); then
    printf 'ok (%s s)%s\n' "$seconds" "${note:+, $note}"
    return 0
  fi
  printf 'FAILED (exit %d after %s s)\n' "$status" "$seconds"
  printf -- '--- last %d lines of %s ---\n' "$LC_FAIL_TAIL" "$LC_SETUP_LOG" >&2
  tail -n "$LC_FAIL_TAIL" "$LC_SETUP_LOG" >&2
  printf -- '--- full log: %s ---\n' "$LC_SETUP_LOG" >&2
  exit "$status"
}
