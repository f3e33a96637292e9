// The syntax check before any execution: Python's own parser, run where the script would run (the sandbox),
// on the script passed in base64 so no quoting can break it. No data is mounted and nothing of the script runs.
import type { Sandbox } from "../sandbox/index.js";

export type SyntaxCheck =
  | { ok: true; durationMs: number }
  | { ok: false; durationMs: number; errorType: string; message: string; line?: number; text: string };

const CHECK_MARKER = "LINGUACODUS_SYNTAX_CHECK:";

/** A Python assignment of `text` to `name`, passed in base64 so no quoting in the text can break the script. */
export function embeddedText(name: string, text: string): string {
  return `import base64\n${name} = base64.b64decode("${Buffer.from(text, "utf8").toString("base64")}").decode("utf-8")`;
}

/** The checker script: compiles (never runs) the candidate and prints one JSON verdict line. */
export function syntaxCheckScript(script: string): string {
  return [
    "import json",
    embeddedText("source", script),
    "try:",
    "    compile(source, 'solution.py', 'exec')",
    "    verdict = {'ok': True}",
    "except (SyntaxError, ValueError) as error:",
    "    verdict = {'ok': False, 'type': type(error).__name__, 'message': str(getattr(error, 'msg', error)),",
    "               'line': getattr(error, 'lineno', None), 'text': (getattr(error, 'text', None) or '').rstrip()}",
    `print("${CHECK_MARKER}" + json.dumps(verdict))`,
  ].join("\n");
}

interface Verdict {
  ok: boolean;
  type?: string;
  message?: string;
  line?: number | null;
  text?: string;
}

function parseVerdict(stdout: string): Verdict | undefined {
  const line = stdout.split("\n").find((l) => l.startsWith(CHECK_MARKER));
  if (!line) return undefined;
  const value = JSON.parse(line.slice(CHECK_MARKER.length)) as unknown;
  if (typeof value !== "object" || value === null || typeof (value as Verdict).ok !== "boolean") return undefined;
  return value as Verdict;
}

/** Checks the script's syntax in the sandbox. Throws when the sandbox itself fails (not the script). */
export async function checkSyntax(sandbox: Sandbox, script: string, timeoutSeconds = 60, fileName = "solution.py"): Promise<SyntaxCheck> {
  const result = await sandbox.run({ script: syntaxCheckScript(script), timeoutSeconds });
  const verdict = parseVerdict(result.stdout);
  if (!verdict) {
    throw new Error(
      `The sandbox could not run the syntax check (${result.outcome}, exit ${result.exitCode}): ${(result.error?.message ?? result.stderr).slice(0, 300)}`,
    );
  }
  if (verdict.ok) return { ok: true, durationMs: result.durationMs };
  const line = typeof verdict.line === "number" ? verdict.line : undefined;
  const sourceLine = line !== undefined ? script.split("\n")[line - 1] : undefined;
  const text = [
    `File "${fileName}", line ${line ?? "?"}`,
    `    ${(sourceLine ?? verdict.text ?? "").trim()}`,
    `${verdict.type ?? "SyntaxError"}: ${verdict.message ?? "invalid syntax"}`,
  ].join("\n");
  return { ok: false, durationMs: result.durationMs, errorType: verdict.type ?? "SyntaxError", message: verdict.message ?? "invalid syntax", line, text };
}
