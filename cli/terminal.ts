// What the CLI prints may carry text it did not write: a model's answer, a script's output or traceback, a task
// folder's names, a submission's cells. A terminal obeys the control sequences in such text (set the title, write
// the clipboard with OSC 52, clear the screen, rewrite earlier lines), so everything the CLI writes to stdout and
// stderr passes terminalSafe (guardTerminal, installed once by main.ts). Only the CLI's own drawing (the progress
// line, the bench's bars) writes control sequences, through rawStderr, with text that went through terminalSafe.

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides (text shown in another order).
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** The text with every control character shown as a visible escape (`\x1b`, `\x07`, `\u202e`); newlines and tabs kept. */
export function terminalSafe(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, "0")}` : `\\x${code.toString(16).padStart(2, "0")}`;
  });
}

type Write = NodeJS.WriteStream["write"];
const originalWrite = process.stderr.write.bind(process.stderr) as Write;

/** process.stderr for the CLI's own drawing: its `write` is the unguarded one. */
export const rawStderr: NodeJS.WriteStream = new Proxy(process.stderr, {
  get(target, property) {
    if (property === "write") return originalWrite;
    const value: unknown = Reflect.get(target, property, target);
    return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  },
});

function guard(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString("utf8") : undefined;
    return text === undefined ? write(chunk, ...rest) : write(terminalSafe(text), ...rest.filter((arg) => typeof arg === "function"));
  }) as Write;
}

let guarded = false;

/** Makes every later write to process.stdout and process.stderr pass terminalSafe. */
export function guardTerminal(): void {
  if (guarded) return;
  guarded = true;
  guard(process.stdout);
  guard(process.stderr);
}
