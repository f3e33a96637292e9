// Reads the exception that ended a Python script from its stderr: type, message, and the line of the
// last traceback frame inside the generated script (what the fixer needs to point at).
import type { PythonErrorInfo } from "./types.js";

const FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?$/;
const EXCEPTION_LINE = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/;
const TAIL_LINES = 30;

/**
 * Parses the last traceback in `stderr`. `scriptPath` is the generated script's file name as it
 * appears in frames. Returns undefined when stderr holds no Python exception.
 */
export function parsePythonError(stderr: string, scriptPath: string): PythonErrorInfo | undefined {
  const lines = stderr.replace(/\r\n/g, "\n").split("\n");
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? "";
    if (/^\s*(?:\+ )?(?:\| )?Traceback \(most recent call last\):\s*$/.test(line) || /^\s*\+ Exception Group Traceback/.test(line)) {
      start = i;
      break;
    }
  }
  if (start < 0) {
    // A syntax error is reported without a "Traceback" header: a File line, the source, a caret.
    for (let i = lines.length - 1; i >= 0; i--) {
      const match = FRAME.exec(lines[i] ?? "");
      if (match && match[3] === undefined) {
        start = i;
        break;
      }
    }
  }
  if (start < 0) return undefined;

  let line: number | undefined;
  let exceptionIndex = -1;
  for (let i = start; i < lines.length; i++) {
    const text = lines[i] ?? "";
    const frame = FRAME.exec(text);
    if (frame) {
      if (frame[1] === scriptPath) line = Number(frame[2]);
      continue;
    }
    if (i === start) continue;
    if (text.length > 0 && !/^\s/.test(text) && EXCEPTION_LINE.test(text.trimEnd())) {
      exceptionIndex = i;
      break;
    }
  }
  if (exceptionIndex < 0) return undefined;

  const header = EXCEPTION_LINE.exec((lines[exceptionIndex] ?? "").trimEnd());
  if (!header) return undefined;
  const rest = lines.slice(exceptionIndex + 1);
  while (rest.length > 0 && (rest[rest.length - 1] ?? "").trim() === "") rest.pop();
  const message = [header[2] ?? "", ...rest].join("\n").trim();
  const tail = lines.slice(Math.max(start, exceptionIndex + 1 + rest.length - TAIL_LINES), exceptionIndex + 1 + rest.length);
  const info: PythonErrorInfo = { type: header[1] ?? "Exception", message, tracebackTail: tail.join("\n") };
  if (line !== undefined) info.line = line;
  return info;
}
