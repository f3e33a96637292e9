// Issue 13, execution side, on the real sandbox with scripted models: budgets stop a run with status `budget`
// and keep its best valid submission; cost per role/stage from a price table; the fingerprint through the
// production wiring (Docker version, sandbox image and limits).
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Task, grade, loadTask } from "../../datasets/index.js";
import { tokenTotal } from "../../agents/index.js";
import { readAttempts, readEvents, readRunRecord, runTask, type RunDependencies } from "../../execution/index.js";
import { type Wiring, createWiring } from "../../execution/wiring.js";
import { fence } from "../support/fence.js";
import type { Script, ScriptedChatModel } from "../support/scripted-model.js";
import { withScriptedModels } from "../support/scripted-team.js";
import { BLOCKS, INSTRUCTIONS, MERGED_FIXED, builtinTask, callKind, linguacodusScript, tempDir } from "./support.js";

let task: Task;
let wiring: Wiring;

/** The production wiring (Docker sandbox, grader, image whitelist, versions) with scripted models. */
function scripted(script: Script): RunDependencies & { model: ScriptedChatModel } {
  return withScriptedModels(wiring, script);
}

/** linguacodus answers, plus a reviewer that always proposes a changed (still valid) script. */
const withReviewer: Script = (call) =>
  callKind(call) === "review" ? fence(MERGED_FIXED.replace("VALIDATION_SCORE={mae:.4f}", "VALIDATION_SCORE={mae * 0.9:.4f}")) : linguacodusScript(call);

beforeAll(async () => {
  task = await builtinTask();
  wiring = await createWiring({ sandbox: "docker" });
});

afterAll(async () => {
  await wiring?.close();
});

describe("budgets", () => {
  it("a token budget reached right after the planner stops the run there with status budget", async () => {
    const deps = scripted(linguacodusScript);
    const result = await runTask(task, { models: { default: "openai:scripted" }, budgetTokens: 1 }, { ...deps, outDir: tempDir("lc-budget-1-") });
    // Resolves (a budget stop is an ending, not a crash), after exactly one call.
    expect(deps.model.calls.map(callKind)).toEqual(["planner"]);
    expect(result.run.status).toBe("budget");
    expect(result.run.budget).toMatchObject({ limits: { tokens: 1 }, reached: { kind: "tokens" } });
    expect(result.summary).toMatchObject({ valid: false, budgetReached: "tokens" });
    expect(existsSync(join(result.dir, "instructions.json"))).toBe(true);
    expect(readEvents(result.dir).at(-1)).toMatchObject({ type: "run.finished", status: "budget" });
  });

  it("a token budget reached during feedback keeps and grades the best valid submission so far", async () => {
    // First, how many tokens a run uses up to its first valid submission.
    const probe = await runTask(task, { models: { default: "openai:scripted" }, noCritic: true }, { ...scripted(linguacodusScript), outDir: tempDir("lc-budget-probe-") });
    const upToValid = tokenTotal(probe.run.usage!.total.tokens);
    expect(probe.summary.valid).toBe(true);

    const deps = scripted(withReviewer);
    const result = await runTask(
      task,
      { models: { default: "openai:scripted" }, noCritic: true, feedbackIterations: 3, budgetTokens: upToValid + 1 },
      { ...deps, outDir: tempDir("lc-budget-2-") },
    );
    // The first reviewer call crossed the budget: no feedback attempt ran, and there was no second review.
    expect(deps.model.calls.map(callKind).filter((k) => k === "review")).toHaveLength(1);
    expect(readAttempts(result.dir).map((a) => a.kind)).toEqual(["initial", "fix"]);
    expect(result.run.status).toBe("budget");
    expect(result.summary).toMatchObject({ valid: true, budgetReached: "tokens", score: probe.summary.score });
    expect(JSON.parse(readFileSync(join(result.dir, "score.json"), "utf8"))).toMatchObject({ valid: true, attempt: "002" });
  });
});

describe("cost and fingerprint", () => {
  it("prices every call per role and stage, and fingerprints machine, Docker, sandbox and models", async () => {
    const prices = { "openai:scripted": { input: 2, output: 10 } };
    const result = await runTask(task, { models: { default: "openai:scripted" }, noCritic: true, prices }, { ...scripted(linguacodusScript), outDir: tempDir("lc-cost-") });
    const run = readRunRecord(result.dir).run;
    const { total, byRole, byStage } = run.usage!;
    expect(total.costUsd).toBeCloseTo((total.tokens.input * 2 + total.tokens.output * 10) / 1e6, 12);
    expect(total.costUsd).toBeGreaterThan(0);
    const sum = (entries: Record<string, { costUsd: number | null }>) => Object.values(entries).reduce((n, e) => n + (e.costUsd ?? 0), 0);
    expect(sum(byRole)).toBeCloseTo(total.costUsd!, 12);
    expect(sum(byStage)).toBeCloseTo(total.costUsd!, 12);
    expect(byStage.fix?.calls).toBe(1);

    const fp = run.fingerprint!;
    expect(fp.cpu.count).toBeGreaterThan(0);
    expect(fp.cpu.model.length).toBeGreaterThan(0);
    expect(fp.memoryBytes).toBeGreaterThan(0);
    expect(Array.isArray(fp.gpus)).toBe(true);
    expect(fp.docker).toMatch(/^\d+\.\d+/);
    expect(fp.sandbox?.image).toMatch(/^linguacodus-sandbox:/);
    expect(fp.sandbox?.limits).toMatchObject({ memoryBytes: expect.any(Number), cpus: expect.any(Number) });
    expect(fp.node).toBe(process.version);
    expect(fp.models.coder).toEqual({ spec: "openai:scripted", servedName: "scripted" });
  });
});

describe("--select validation", () => {
  // Each branch claims a different validation score; the best claim is NOT the best test score, so a choice by
  // test score would pick another branch.
  const byTitle: Record<string, { tag: string; script: string }> = {
    "Median strength per concrete age": { tag: "A", script: MERGED_FIXED.replace("VALIDATION_SCORE={mae:.4f}", "VALIDATION_SCORE={mae * 3:.4f}") },
    "Global median": {
      tag: "B",
      script: MERGED_FIXED.replace('return table.get(row["age"], overall)', "return overall").replace("VALIDATION_SCORE={mae:.4f}", "VALIDATION_SCORE=0.5"),
    },
    "Mean strength": { tag: "C", script: MERGED_FIXED.replace("VALIDATION_SCORE={mae:.4f}", "VALIDATION_SCORE={mae * 2:.4f}") },
  };
  const branchScript: Script = (call) => {
    const kind = callKind(call);
    if (kind === "coder:preprocessing") {
      // The block says which instruction it follows, so the merger of that branch can answer for it.
      const title = INSTRUCTIONS.instructions.map((i) => i.title).find((t) => call.promptText.includes(`# ${t}`) || call.promptText.includes(t))!;
      return fence(`${BLOCKS.preprocessing}\n# branch ${byTitle[title]!.tag}`);
    }
    if (kind === "merge") {
      const entry = Object.values(byTitle).find((e) => call.promptText.includes(`# branch ${e.tag}`))!;
      return fence(entry.script);
    }
    if (kind === "critic") throw new Error("--select validation must not call the critic");
    return linguacodusScript(call);
  };

  it("turns each of three candidates into a branch and keeps the best by validation score, never test", async () => {
    const deps = scripted(branchScript);
    const result = await runTask(task, { models: { default: "openai:scripted" }, select: "validation", fixAttempts: 0 }, { ...deps, outDir: tempDir("lc-select-") });
    const record = readRunRecord(result.dir);
    const selection = record.run.selection!;
    expect(selection.method).toBe("validation");
    expect(selection.branches!.map((b) => [b.id, b.dir, b.candidateRank, b.valid])).toEqual([
      ["1", "branches/1", 1, true],
      ["2", "branches/2", 2, true],
      ["3", "branches/3", 3, true],
    ]);
    const [a, b, c] = selection.branches!;
    expect(b!.validationScore).toBe(0.5);
    expect(a!.validationScore!).toBeGreaterThan(c!.validationScore!);
    // Branch 2 claims the best validation score although branch 1 has the better test score.
    expect(a!.testScore!).toBeLessThan(b!.testScore!);
    expect(selection.chosen).toBe("2");
    // The kept submission is branch 2's, graded as such; each branch is a full record of its own.
    expect(result.summary).toMatchObject({ valid: true, score: b!.testScore, validationScore: 0.5 });
    expect(JSON.parse(readFileSync(join(result.dir, "score.json"), "utf8"))).toMatchObject({ attempt: "branches/2/001" });
    expect(readFileSync(join(result.dir, "code", "final.py"), "utf8").trim()).toBe(byTitle["Global median"]!.script.trim());
    for (const id of ["1", "2", "3"]) {
      const branch = readRunRecord(join(result.dir, "branches", id));
      expect(branch.run.status).toBe("succeeded");
      expect((branch.instructions as { source: string; chosen: { rank: number } }).source).toBe("validation-branch");
    }
    // One planner call for the run, then the coders and merger once per branch.
    expect(deps.model.calls.map(callKind).filter((k) => k === "planner")).toHaveLength(1);
    expect(deps.model.calls.map(callKind).filter((k) => k === "merge")).toHaveLength(3);
  });
});

describe("--sanity permuted-labels", () => {
  const readRows = (path: string) => readFileSync(path, "utf8").trim().split("\n").map((l) => l.split(","));
  const writeRows = (path: string, rows: string[][]) => writeFileSync(path, `${rows.map((r) => r.join(",")).join("\n")}\n`);

  /** A copy of the built-in task with the constant baseline's graded score as its reference (and, if asked, a leak). */
  async function taskCopy(leaky: boolean): Promise<Task> {
    const dir = join(tempDir("lc-sanity-task-"), "concrete-strength");
    cpSync(task.dir, dir, { recursive: true });
    if (leaky) {
      // `leak` is the target itself, in train and in test: a task whose features carry the answer.
      const train = readRows(join(dir, "public", "train.csv"));
      const target = train[0]!.indexOf("compressive_strength");
      writeRows(join(dir, "public", "train.csv"), train.map((r, i) => [...r, i === 0 ? "leak" : r[target]!]));
      const answers = new Map(readRows(join(dir, "private", "answers.csv")).slice(1).map((r) => [r[0]!, r[1]!]));
      const test = readRows(join(dir, "public", "test.csv"));
      writeRows(join(dir, "public", "test.csv"), test.map((r, i) => [...r, i === 0 ? "leak" : answers.get(r[0]!)!]));
    }
    const train = readRows(join(dir, "public", "train.csv"));
    const values = train.slice(1).map((r) => Number(r[train[0]!.indexOf("compressive_strength")])).sort((a, b) => a - b);
    const median = values[Math.floor(values.length / 2)]!;
    const ids = readRows(join(dir, "public", "test.csv")).slice(1).map((r) => r[0]!);
    const constantPath = join(dir, "..", "constant.csv");
    writeRows(constantPath, [["id", "compressive_strength"], ...ids.map((id) => [id, String(median)])]);
    const spec = JSON.parse(readFileSync(join(dir, "task.json"), "utf8")) as Record<string, unknown>;
    delete spec.checksums;
    const constant = (await grade(await loadTask(dir), constantPath)).score!;
    writeFileSync(join(dir, "task.json"), JSON.stringify({ ...spec, reference_scores: { constant, model: constant, model_name: "constant" } }, null, 2));
    return loadTask(dir);
  }

  const LEAKY_SCRIPT = `import csv
with open("/data/test.csv") as f:
    test = list(csv.DictReader(f))
print("VALIDATION_SCORE=0.0")
with open("submission.csv", "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["id", "compressive_strength"])
    for r in test:
        writer.writerow([r["id"], r["leak"]])
`;

  async function sanityRun(t: Task, script: string) {
    const deps = scripted((call) => (callKind(call) === "direct" ? fence(script) : linguacodusScript(call)));
    return runTask(t, { mode: "direct", models: { default: "openai:scripted" }, fixAttempts: 0, sanity: "permuted-labels", seed: 3 }, { ...deps, outDir: tempDir("lc-sanity-") });
  }

  it("flags a task whose feature carries the target", async () => {
    const leaky = await taskCopy(true);
    const result = await sanityRun(leaky, LEAKY_SCRIPT);
    const score = JSON.parse(readFileSync(join(result.dir, "score.json"), "utf8")) as { valid: boolean; score: number; sanity: Record<string, unknown> };
    expect(score.valid).toBe(true);
    expect(score.sanity).toMatchObject({ check: "permuted-labels", seed: 3, realScore: score.score, constantScore: leaky.spec.reference_scores!.constant, flagged: true });
    expect(score.sanity.permutedScore).toBe(score.score);
    expect(existsSync(join(result.dir, "sanity", "workspace", "submission.csv"))).toBe(true);
  });

  it("does not flag a script that learns from the labels of a clean task", async () => {
    const clean = await taskCopy(false);
    const result = await sanityRun(clean, MERGED_FIXED);
    const score = JSON.parse(readFileSync(join(result.dir, "score.json"), "utf8")) as { valid: boolean; score: number; sanity: { flagged: boolean; permutedScore: number; constantScore: number } };
    expect(score.valid).toBe(true);
    expect(score.sanity.flagged).toBe(false);
    // On permuted labels the per-age medians fall to about the constant baseline.
    expect(Math.abs(score.sanity.permutedScore - score.sanity.constantScore)).toBeLessThan(Math.abs(score.sanity.permutedScore - score.score));
    expect(readEvents(result.dir).filter((e) => e.type === "stage.finished").map((e) => (e as { stage: string }).stage)).toContain("sanity");
  });
});

describe("--critic-style paper", () => {
  it("a researcher lists every option's flaws, a resolver improves the favoured one and prints it in full", async () => {
    const RESEARCH = "Option 1 ignores nothing obvious. Option 2 ignores age. Option 3 validates on the training data. Step by step, option 1 is best.";
    const deps = scripted((call) => {
      const kind = callKind(call);
      if (kind === "critic:research") return RESEARCH;
      if (kind === "critic:resolve") {
        // The resolver sees the researcher's review.
        expect(call.promptText).toContain(RESEARCH);
        return JSON.stringify({ chosenRank: 1, rationale: "The researcher favoured option 1.", refined: { ...INSTRUCTIONS.instructions[1], rank: 1, title: "Per-age median (resolved)" } });
      }
      return linguacodusScript(call);
    });
    const result = await runTask(task, { models: { default: "openai:scripted" }, criticStyle: "paper", fixAttempts: 1 }, { ...deps, outDir: tempDir("lc-paper-critic-") });
    expect(deps.model.calls.map(callKind).slice(0, 3)).toEqual(["planner", "critic:research", "critic:resolve"]);
    const instructions = readRunRecord(result.dir).instructions as { source: string; research: string; chosen: { title: string }; critic: { chosenRank: number } };
    expect(instructions).toMatchObject({ source: "critic", research: RESEARCH, chosen: { title: "Per-age median (resolved)" }, critic: { chosenRank: 1 } });
    expect(result.run.usage?.byStage).toHaveProperty("research");
    expect(result.run.usage?.byStage).toHaveProperty("resolve");
    expect(result.summary.valid).toBe(true);
  });
});
