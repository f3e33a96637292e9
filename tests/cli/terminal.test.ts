// Text from a model, a script, a submission or a folder name reaches the terminal only as text (issue 21 item 6):
// through the built CLI, escape sequences that would set the window title, write the clipboard (OSC 52) or clear
// the screen are printed as visible escapes; newlines and tabs stay.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, linguacodus } from "../support/cli.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { builtinTask } from "../pipeline/support.js";
import { buildWebBundle } from "../viewer/support.js";

const TITLE = "\x1b]0;pwned-title\x07";
const CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07";
const CLEAR = "\x1b[2J\x1b[H";
const HOSTILE = `${TITLE}${CLIPBOARD}${CLEAR}\x9b2J\u202e`;

let root: string;
let server: OpenAiTestServer;
let taskDir: string;

/** No control character but newline and tab (ESC, BEL, the C1 CSI, the bidi override) in what the CLI printed. */
function expectTerminalSafe(text: string): void {
  expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
}

beforeAll(async () => {
  await Promise.all([buildCli(), buildWebBundle()]);
  root = mkdtempSync(join(tmpdir(), "lc-terminal-"));
  taskDir = (await builtinTask()).dir;
  // The script a hostile model writes: its traceback carries the sequences.
  const script = `raise RuntimeError(${JSON.stringify(`boom ${HOSTILE}`)})`;
  server = await startOpenAiServer(() => ({ text: `${HOSTILE}\n\`\`\`python\n${script}\n\`\`\`` }));
}, 600_000);

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("terminal output is sanitised", () => {
  it("run: a failing script's traceback with title, clipboard and clear-screen sequences is printed as visible text", async () => {
    const r = await linguacodus(["run", taskDir, "--mode", "direct", "--fix-attempts", "0", "--model", `openai:scripted@${server.baseURL}`, "--out", join(root, "runs")], { LINGUACODUS_HOME: join(root, "home") });
    expect(r.code).toBe(1);
    expectTerminalSafe(r.stderr + r.stdout);
    // the reason is still there, readable
    expect(r.stderr).toContain("RuntimeError: boom \\x1b]0;pwned-title\\x07\\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b[2J");
  }, 600_000);

  it("grade: a submission cell holding the sequences is named in the error as visible text", async () => {
    const answers = readFileSync(join(taskDir, "public", "sample_submission.csv"), "utf8").split("\n");
    const submission = join(root, "sub.csv");
    writeFileSync(submission, [answers[0], `${HOSTILE},1`, ...answers.slice(2)].join("\n"));
    const r = await linguacodus(["grade", taskDir, submission], { LINGUACODUS_HOME: join(root, "home") });
    expect(r.code).toBe(1);
    expectTerminalSafe(r.stderr + r.stdout);
    expect(r.stdout + r.stderr).toContain("\\x1b]52;c;");
  });

  it("view: a path whose name holds the sequences is named as visible text", async () => {
    const file = join(root, `x${TITLE}${CLIPBOARD}`);
    writeFileSync(file, "");
    const r = await linguacodus(["view", file]);
    expect(r.code).toBe(2);
    expectTerminalSafe(r.stderr + r.stdout);
    expect(r.stderr + r.stdout).toContain("\\x1b]0;pwned-title\\x07");
  });
});
