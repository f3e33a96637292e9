// `linguacodus batch` through the built CLI: 3 Markdown prompts × 2 models (an OpenAI-protocol test server answering
// by model and prompt) as analysis runs with --unit-tests in the real Docker sandbox. One tester answer does not
// parse (its one fix is recorded); one model writes no code for one prompt. The batch's tables count per model and
// per prompt; --resume keeps every finished run; a prompt folder without .md files is refused with the fix.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readUnitTests } from "../../execution/index.js";
import { linguacodus } from "../support/cli.js";
import { fence } from "../support/fence.js";
import type { OpenAiTestServer, ServerReply } from "../support/openai-server.js";
import { tempDir, useCliAndModelServer } from "../pipeline/support.js";

const PROMPTS = {
  "sum.md": "# PROMPT-SUM\nAdd the whole numbers from 1 to 10. The result is the sum.\n",
  "squares.md": "# PROMPT-SQUARES\nList the squares of 1, 2 and 3. The result is the list.\n",
  "count.md": "# PROMPT-COUNT\nCount the vowels in 'linguacodus'. The result is the count.\n",
};

/** Each prompt's script: a function the tests can call, and the RESULT line printed at top level (unguarded). */
const SCRIPTS: Record<string, { name: string; body: string; value: string }> = {
  "PROMPT-SUM": { name: "total", body: "return sum(range(1, 11))", value: "55" },
  "PROMPT-SQUARES": { name: "squares", body: "return [i * i for i in (1, 2, 3)]", value: "[1, 4, 9]" },
  "PROMPT-COUNT": { name: "vowels", body: "return sum(c in 'aeiou' for c in 'linguacodus')", value: "5" },
};

function script(prompt: string): string {
  const s = SCRIPTS[prompt]!;
  return `import json\n\n\ndef ${s.name}():\n    ${s.body}\n\n\nprint("RESULT=" + json.dumps(${s.name}()))\n`;
}

/** One passing test and one failing test per script. */
function tests(prompt: string): string {
  const s = SCRIPTS[prompt]!;
  return `from solution import ${s.name}\n\n\ndef test_value():\n    assert ${s.name}() == ${s.value}\n\n\ndef test_wrong():\n    assert ${s.name}() is None\n`;
}

function text(body: Record<string, unknown>): string {
  return (body.messages as { content: string }[]).map((m) => m.content).join("\n");
}

function reply(body: Record<string, unknown>): ServerReply {
  const prompt = text(body);
  const model = String(body.model);
  const which = Object.keys(SCRIPTS).find((p) => prompt.includes(p));
  if (!which) return { text: "I cannot tell which prompt this is." };
  if (prompt.includes("## It does not parse")) return { text: fence(tests(which)) };
  if (prompt.includes("You write pytest unit tests")) {
    // model-a's tests for the squares prompt do not parse the first time.
    if (model === "model-a" && which === "PROMPT-SQUARES") return { text: fence("from solution import squares\n\ndef test_value(:\n    assert squares() == [1, 4, 9]\n") };
    return { text: fence(tests(which)) };
  }
  // model-b writes no code for the count prompt (every fix too).
  if (model === "model-b" && which === "PROMPT-COUNT") return { text: "Counting vowels is easy: there are a few of them." };
  return { text: fence(script(which)) };
}

let server: OpenAiTestServer;
useCliAndModelServer(reply, (fixture) => ({ server } = fixture));

function promptFolder(): string {
  const dir = tempDir("lc-batch-prompts-");
  for (const [name, body] of Object.entries(PROMPTS)) writeFileSync(join(dir, name), body);
  writeFileSync(join(dir, "notes.txt"), "not a prompt");
  return dir;
}

/** A table of the printed Markdown by its title: its rows as column → cell. */
function markdownRows(stdout: string, title: string): Record<string, string>[] {
  const section = stdout.split("## ").find((s) => s.startsWith(title))!;
  const lines = section.split("\n").filter((l) => l.startsWith("|"));
  const cells = (l: string) => l.slice(1, -1).split("|").map((c) => c.trim());
  const header = cells(lines[0]!);
  return lines.slice(2).map((l) => Object.fromEntries(cells(l).map((c, i) => [header[i]!, c])));
}

describe("linguacodus batch", () => {
  it("refuses a prompt folder with no .md file, naming the fix", async () => {
    const empty = tempDir("lc-batch-empty-");
    writeFileSync(join(empty, "readme.txt"), "no prompts here");
    const result = await linguacodus(["batch", empty, "--models", "openai:x@http://127.0.0.1:9/v1", "--out", tempDir("lc-batch-out-")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/holds no \.md file: put one prompt per Markdown file there/);
  });

  it("runs 3 prompts × 2 models with unit tests, records the tester's one fix, counts per model and prompt, resumes", { timeout: 900_000 }, async () => {
    const prompts = promptFolder();
    const out = join(tempDir("lc-batch-"), "batch");
    const models = [`label=model-a;all=openai:model-a@${server.baseURL}`, `label=model-b;all=openai:model-b@${server.baseURL}`].join(",");
    const args = ["batch", prompts, "--models", models, "--unit-tests", "--timeout", "60", "--out", out];
    const first = await linguacodus(args, { OPENAI_API_KEY: "test-key" });
    expect(first.stderr).toMatch(/batch: 3 prompt\(s\) × 2 model\(s\)/);
    expect(first.stdout).toMatch(/Analyses per model/);

    const perModel = markdownRows(first.stdout, "Analyses per model");
    expect(perModel.map((r) => r.Model)).toEqual(["model-a", "model-b", "all (the batch)"]);
    expect(perModel[0]).toMatchObject({ Runs: "3", "Scripts extracted": "3 (100%)", Parse: "3 (100%)", "Run without error": "3 (100%)", "Result given": "3 (100%)", "Unit-tested": "3", "≥1 passing test": "3 (100%)", "Test pass rate": "50%" });
    expect(perModel[1]).toMatchObject({ Runs: "3", "Scripts extracted": "2 (67%)", "Run without error": "2 (67%)", "Result given": "2 (67%)", "Unit-tested": "2" });
    expect(perModel[2]).toMatchObject({ Runs: "6", "Result given": "5 (83%)" });
    const perPrompt = markdownRows(first.stdout, "Analyses per prompt and model");
    expect(perPrompt).toHaveLength(6);
    expect(perPrompt.find((r) => r.Prompt === "count" && r.Model === "model-b")).toMatchObject({ "Scripts extracted": "0 (0%)", "Unit-tested": "0" });

    // The tester's answer that did not parse, and its fix, in that run's record.
    const runsDir = join(out, "runs");
    const records = readdirSync(runsDir).map((name) => ({ name, unitTests: readUnitTests(join(runsDir, name)) }));
    const fixed = records.filter((r) => r.unitTests?.fix);
    expect(fixed).toHaveLength(1);
    expect(fixed[0]!.name).toMatch(/squares/);
    expect(fixed[0]!.unitTests).toMatchObject({ syntaxErrors: 1, fix: { attempted: true, fixed: true }, passed: 1, failed: 1, outcome: "ran" });
    expect(records.filter((r) => r.unitTests && !r.unitTests.fix).every((r) => r.unitTests!.syntaxErrors === 0)).toBe(true);
    expect(readFileSync(join(out, "report", "report.md"), "utf8")).toMatch(/Generated unit tests/);

    // Resumed: nothing is run again.
    const calls = server.received.length;
    const again = await linguacodus([...args, "--resume"], { OPENAI_API_KEY: "test-key" });
    expect(again.code).toBe(first.code);
    expect(again.stdout).toMatch(/0 succeeded, 0 failed, 6 kept from earlier sessions/);
    expect(server.received.length).toBe(calls);
  });
});
