// End-to-end runs through the real Docker sandbox and the real grader, with scripted models behind the real
// agent team: linguacodus mode with a failing-then-fixed script, the fix limit, direct mode, replay, resume.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createProviderResolver } from "../../agents/providers/index.js";
import { TEAM_SYSTEM, readTranscript, tokenTotal } from "../../agents/index.js";
import { grade, type Task } from "../../datasets/index.js";
import { readAttempts, readEvents, readRunRecord, resumeRun, runTask, type RunProgress, type RunResult } from "../../execution/index.js";
import { teamFactory } from "../../execution/wiring.js";
import { fence } from "../support/fence.js";
import type { Sandbox } from "../../sandbox/types.js";
import {
  MERGED_BUGGY,
  MERGED_FIXED,
  TEST_LIBRARIES,
  linguacodusScript,
  callKind,
  scriptedDeps,
  tempDir,
  useTaskAndSandbox,
} from "./support.js";


let task: Task;
let sandbox: Sandbox;
useTaskAndSandbox((fixture) => ({ task, sandbox } = fixture));

describe("linguacodus mode end to end", () => {
  // One run (plans, critiques, writes blocks, merges, fails once, fixes, grades a valid submission), then one case
  // per part of its record, so one failure does not hide the rest.
  let runDir: string;
  let deps: ReturnType<typeof scriptedDeps>;
  let result: RunResult;
  const progress: RunProgress[] = [];

  beforeAll(async () => {
    deps = scriptedDeps(sandbox, linguacodusScript);
    result = await runTask(
      task,
      { mode: "linguacodus", models: { default: "openai:scripted" }, seed: 11, temperature: 0.2, notebook: true },
      { ...deps, outDir: tempDir("lc-run-"), onProgress: (e) => progress.push(e) },
    );
    runDir = result.dir;
  });

  it("makes the model calls in order: planner, critic, four coders, merger, one fix", () => {
    expect(deps.model.calls.map(callKind)).toEqual([
      "planner",
      "critic",
      "coder:preprocessing",
      "coder:model",
      "coder:training",
      "coder:submission",
      "merge",
      "fix",
    ]);
    // Each coder saw the blocks already written.
    expect(deps.model.calls[5]!.promptText).toContain("def build_model(rows):");
  });

  it("opens every role's prompt with the same system text and task context, so prompt caches serve it to every role", () => {
    const [first, ...rest] = deps.model.calls;
    // the planner's task context: everything before its environment section
    const context = first!.messages[1]!.content.split("\n\n## Environment\n")[0]!;
    expect(context).toMatch(/^# Task: /);
    expect(context.length).toBeGreaterThan(500);
    for (const call of [first!, ...rest]) {
      expect([callKind(call), call.messages[0]]).toEqual([callKind(call), { role: "system", content: TEAM_SYSTEM }]);
      expect(call.messages[1]!.content.startsWith(`${context}\n\n## `), callKind(call)).toBe(true);
    }
  });

  it("records the run's status, seed and models in run.json", () => {
    const record = readRunRecord(runDir);
    expect(record.run.status).toBe("succeeded");
    expect(record.run.seed).toBe(11);
    expect(record.run.models.planner).toBe("openai:scripted");
  });

  it("keeps the ranked candidates, the critic's findings, its choice and the refined instruction", () => {
    // instructions.json: ranked candidates (normalized to 1..3 in rank order), findings, choice, refined.
    const instructions = readRunRecord(runDir).instructions as { candidates: Array<{ rank: number; title: string }>; critic: { chosenRank: number; candidates: unknown[] }; chosen: { title: string }; source: string };
    expect(instructions.candidates.map((c) => c.title)).toEqual(["Median strength per concrete age", "Global median", "Mean strength"]);
    expect(instructions.critic.chosenRank).toBe(1);
    expect(instructions.critic.candidates).toHaveLength(3);
    expect(instructions.chosen.title).toBe("Median strength per concrete age (refined)");
    expect(instructions.source).toBe("critic");
  });

  it("keeps the four blocks and both attempts' scripts under code/", () => {
    for (const stage of ["preprocessing", "model", "training", "submission"]) expect(existsSync(join(runDir, "code", "blocks", `${stage}.py`))).toBe(true);
    expect(readFileSync(join(runDir, "code", "attempt-001.py"), "utf8").trim()).toBe(MERGED_BUGGY.trim());
    expect(readFileSync(join(runDir, "code", "attempt-002.py"), "utf8").trim()).toBe(MERGED_FIXED.trim());
  });

  it("records the failed first attempt, feeds its traceback to the fixer, and records the fixed one", () => {
    const attempts = readAttempts(runDir);
    expect(attempts.map((a) => [a.kind, a.outcome, a.errorClass])).toEqual([
      ["initial", "error", "KeyError"],
      ["fix", "ok", undefined],
    ]);
    expect(readFileSync(join(runDir, "exec", "001", "stderr.txt"), "utf8")).toContain("KeyError");
    expect(deps.model.calls[7]!.promptText).toContain("KeyError");
    expect(readFileSync(join(runDir, "exec", "002", "stdout.txt"), "utf8")).toMatch(/VALIDATION_SCORE=\d/);
  });

  it("records the validation score each attempt printed next to its test score (none printed = null, not 0)", () => {
    const attempts = readAttempts(runDir);
    // The first version crashed before printing one.
    expect(attempts[0]!.validationScore).toBeNull();
    const printed = Number(/VALIDATION_SCORE=([\d.]+)/.exec(readFileSync(join(runDir, "exec", "002", "stdout.txt"), "utf8"))![1]);
    expect(attempts[1]!.validationScore).toBe(printed);
    expect(attempts[1]!.submission.score).toBeGreaterThan(0);
    const events = readEvents(runDir).filter((e) => e.type === "attempt.finished") as Array<{ validationScore?: number | null }>;
    expect(events.map((e) => e.validationScore)).toEqual([null, printed]);
    expect(JSON.parse(readFileSync(join(runDir, "score.json"), "utf8"))).toMatchObject({ validation_score: printed });
    expect(result.summary.validationScore).toBe(printed);
  });

  it("records tokens per role and per stage in run.json, and a hardware/software fingerprint", () => {
    const run = readRunRecord(runDir).run;
    expect(run.usage?.byRole.coder?.calls).toBe(4);
    // The fix is the fixer's call (its own role, on the merger's model unless given one); the merge the merger's.
    expect(run.usage?.byRole.merger?.calls).toBe(1);
    expect(run.usage?.byRole.fixer?.calls).toBe(1);
    expect(run.models.fixer).toBe(run.models.merger);
    expect(readTranscript(runDir).map((l) => [l.role, l.step]).filter(([, step]) => step === "merge" || step?.startsWith("fix"))).toEqual([
      ["merger", "merge"],
      ["fixer", "fix-1"],
    ]);
    expect(Object.keys(run.usage?.byStage ?? {}).sort()).toEqual(["critique", "fix", "instructions", "merge", "model-block", "preprocessing-block", "submission-block", "training-block"]);
    expect(tokenTotal(run.usage!.total.tokens)).toBe(result.summary.totalTokens);
    expect(run.fingerprint).toMatchObject({ node: process.version, linguacodus: expect.any(String), models: { planner: { spec: "openai:scripted", servedName: "scripted" } } });
    expect(run.fingerprint?.cpu.count).toBeGreaterThan(0);
    expect(run.fingerprint?.memoryBytes).toBeGreaterThan(0);
  });

  it("writes submission.csv and a score.json that regrading reproduces", async () => {
    const score = JSON.parse(readFileSync(join(runDir, "score.json"), "utf8")) as { valid: boolean; score: number; metric: string; attempt: string };
    const regraded = await grade(task, join(runDir, "submission.csv"));
    expect(score.valid).toBe(true);
    expect(score.metric).toBe("mae");
    expect(score.attempt).toBe("002");
    expect(score.score).toBe(regraded.score);
    // The per-age median beats the constant baseline the task ships.
    expect(score.score).toBeLessThan(task.spec.reference_scores?.constant ?? Infinity);
  });

  it("writes the notebook: instruction sections as markdown, one code cell per stage block", () => {
    const notebook = JSON.parse(readFileSync(join(runDir, "code", "solution.ipynb"), "utf8")) as { cells: Array<{ cell_type: string; source: string[] }> };
    expect(notebook.cells.filter((c) => c.cell_type === "code")).toHaveLength(3);
    expect(notebook.cells.some((c) => c.cell_type === "markdown" && c.source.join("").includes("## Model Training"))).toBe(true);
  });

  it("keeps one transcript line per call and events from run.started to run.finished", () => {
    const transcript = readFileSync(join(runDir, "transcripts.jsonl"), "utf8").trim().split("\n");
    expect(transcript).toHaveLength(8);
    const kinds = readEvents(runDir).map((e) => e.type);
    expect(kinds[0]).toBe("run.started");
    expect(kinds.at(-1)).toBe("run.finished");
  });

  it("summarizes attempts, fixes, error classes, tokens per role and sandbox time", () => {
    expect(result.summary).toMatchObject({ valid: true, firstAttemptSuccess: false, attemptsUsed: 2, fixesUsed: 1, errorClasses: ["KeyError"] });
    expect(result.summary.tokensByRole.planner?.calls).toBe(1);
    expect(result.summary.tokensByRole.coder?.calls).toBe(4);
    expect(result.summary.sandboxMs).toBeGreaterThan(0);
  });

  it("reports progress: every record event, and model calls with the tokens the team's onCall hook counted", () => {
    expect(progress.some((e) => e.type === "model.call" && e.tokens > 0)).toBe(true);
    // The progress events are the record's events, in order (the writer's event hook, not a patched method).
    const recorded = readEvents(runDir).map((e) => e.type);
    expect(progress.filter((e) => e.type !== "model.call").map((e) => e.type)).toEqual(recorded);
    // The tokens reported as calls complete add up to the transcript's.
    const reported = progress.reduce((n, e) => n + (e.type === "model.call" ? e.tokens : 0), 0);
    expect(reported).toBe(result.summary.totalTokens);
  });

  it("replay: of the finished run reproduces its code and score exactly", async () => {
    const resolver = createProviderResolver();
    const result = await runTask(
      task,
      { mode: "linguacodus", models: { default: `replay:${runDir}` }, seed: 11, temperature: 0.2 },
      { sandbox, grade, libraries: TEST_LIBRARIES, createTeam: teamFactory(resolver.resolve), outDir: tempDir("lc-replay-") },
    );
    await resolver.close();
    expect(readFileSync(join(result.dir, "code", "final.py"), "utf8")).toBe(readFileSync(join(runDir, "code", "final.py"), "utf8"));
    for (const block of readdirSync(join(runDir, "code", "blocks"))) {
      expect(readFileSync(join(result.dir, "code", "blocks", block), "utf8")).toBe(readFileSync(join(runDir, "code", "blocks", block), "utf8"));
    }
    const original = JSON.parse(readFileSync(join(runDir, "score.json"), "utf8")) as { score: number };
    expect(result.summary.score).toBe(original.score);
    expect(result.summary.attemptsUsed).toBe(2);
  });
});

describe("the fix loop", () => {
  it("stops at the fix limit and records every failed attempt", async () => {
    const deps = scriptedDeps(sandbox, (call) => {
      // The fixer never finds the bug.
      if (callKind(call) === "fix") return fence(MERGED_BUGGY);
      return linguacodusScript(call);
    });
    const result = await runTask(task, { models: { default: "openai:scripted" }, fixAttempts: 2, noCritic: true }, { ...deps, outDir: tempDir("lc-limit-") });
    const attempts = readAttempts(result.dir);
    expect(attempts.map((a) => [a.kind, a.fixIndex, a.outcome, a.errorClass])).toEqual([
      ["initial", 0, "error", "KeyError"],
      ["fix", 1, "error", "KeyError"],
      ["fix", 2, "error", "KeyError"],
    ]);
    expect(deps.model.calls.filter((c) => callKind(c) === "fix")).toHaveLength(2);
    expect(deps.model.calls.some((c) => callKind(c) === "critic")).toBe(false);
    expect(result.run.status).toBe("failed");
    expect(result.run.failure?.message).toMatch(/no valid submission after 3 attempt/);
    expect(result.summary.valid).toBe(false);
    expect(existsSync(join(result.dir, "submission.csv"))).toBe(false);
    const score = JSON.parse(readFileSync(join(result.dir, "score.json"), "utf8")) as { valid: boolean };
    expect(score.valid).toBe(false);
  });

  it("direct mode uses the same loop; a syntax error fails an attempt without a full run; a missing submission is fed back", async () => {
    const broken = MERGED_FIXED.replace("def main():", "def main()"); // missing colon
    const noSubmission = MERGED_FIXED.replace('open("submission.csv", "w", newline="")', 'open("predictions.csv", "w", newline="")');
    const deps = scriptedDeps(sandbox, (call) => {
      const { promptText } = call;
      const kind = callKind(call);
      if (kind === "direct") return fence(broken);
      if (kind === "fix" && promptText.includes("does not parse")) return fence(noSubmission);
      if (kind === "fix" && promptText.includes("no submission.csv")) return fence(MERGED_FIXED);
      throw new Error(`unexpected ${kind}: ${promptText.slice(-400)}`);
    });
    const result = await runTask(task, { mode: "direct", models: { default: "openai:scripted" } }, { ...deps, outDir: tempDir("lc-direct-") });
    const attempts = readAttempts(result.dir);
    expect(attempts.map((a) => [a.outcome, a.errorClass])).toEqual([
      ["syntax-error", "SyntaxError"],
      ["invalid-submission", "NoSubmission"],
      ["ok", undefined],
    ]);
    expect(attempts[0]!.exitCode).toBeNull(); // never ran
    expect(attempts[0]!.errorLine).toBe(broken.split("\n").findIndex((l) => l.startsWith("def main()")) + 1);
    expect(deps.model.calls.map((c) => callKind(c))).toEqual(["direct", "fix", "fix"]);
    expect(result.summary).toMatchObject({ mode: "direct", valid: true, attemptsUsed: 3 });
    expect(existsSync(join(result.dir, "instructions.json"))).toBe(false);
  });
});

describe("resume", () => {
  it("continues an interrupted run without repeating finished stages", async () => {
    // First session: the merger's provider goes away mid-run.
    const failing = scriptedDeps(sandbox, (call) => {
      if (callKind(call) === "merge") return { error: new Error("connection reset by peer") };
      return linguacodusScript(call);
    });
    const outDir = tempDir("lc-resume-");
    await expect(runTask(task, { models: { default: "openai:scripted" } }, { ...failing, outDir })).rejects.toThrow(/merger/);
    const runDir = join(outDir, readdirSync(outDir)[0]!);
    expect(readRunRecord(runDir).run.status).toBe("failed");
    expect(existsSync(join(runDir, "code", "blocks", "submission.py"))).toBe(true);

    // Second session: only the merger and what follows run again.
    const healthy = scriptedDeps(sandbox, linguacodusScript);
    const result = await resumeRun(runDir, healthy);
    expect(healthy.model.calls.map((c) => callKind(c))).toEqual(["merge", "fix"]);
    expect(result.run.status).toBe("succeeded");
    expect(result.summary.valid).toBe(true);
    const startedStages = readEvents(runDir).filter((e) => e.type === "stage.started").map((e) => (e as { stage: string }).stage);
    expect(startedStages.filter((s) => s === "planner")).toHaveLength(1);
    expect(readEvents(runDir).filter((e) => e.type === "run.started").map((e) => (e as { resumed: boolean }).resumed)).toEqual([false, true]);
  });
});

describe("feedback iterations and chains", () => {
  it("a reviewer round that improves the validation score is kept; a round with unchanged code stops early", async () => {
    // The reviewer's first proposal: per-(age, cement) median falls back to per-age — a different, still valid script.
    const improved = MERGED_FIXED.replace('print(f"VALIDATION_SCORE={mae:.4f}")', 'print(f"VALIDATION_SCORE={mae * 0.5:.4f}")');
    const deps = scriptedDeps(sandbox, (call) => {
      if (callKind(call) === "review") {
        return call.step === "review-1" ? `Reflection: try harder.\n${fence(improved)}` : "NO CHANGES";
      }
      return linguacodusScript(call);
    });
    const result = await runTask(task, { models: { default: "openai:scripted" }, noCritic: true, feedbackIterations: 3 }, { ...deps, outDir: tempDir("lc-feedback-") });
    expect(deps.model.calls.filter((c) => callKind(c) === "review")).toHaveLength(2);
    const feedback = readEvents(result.dir).filter((e) => e.type === "feedback.finished") as Array<{ round: number; changed: boolean; improved: boolean }>;
    expect(feedback.map((f) => [f.round, f.changed, f.improved])).toEqual([
      [1, true, true],
      [2, false, false],
    ]);
    expect(readFileSync(join(result.dir, "code", "final.py"), "utf8").trim()).toBe(improved.trim());
    expect(existsSync(join(result.dir, "code", "feedback-1.py"))).toBe(true);
    expect(readAttempts(result.dir).map((a) => [a.kind, a.feedbackRound, a.outcome])).toEqual([
      ["initial", 0, "error"],
      ["fix", 0, "ok"],
      ["feedback", 1, "ok"],
    ]);
    expect(JSON.parse(readFileSync(join(result.dir, "score.json"), "utf8"))).toMatchObject({ valid: true, attempt: "003" });
  });

  it("--chains 2 --iterations 2 runs four chains and reports their agreement", async () => {
    const deps = scriptedDeps(sandbox, linguacodusScript);
    const result = await runTask(task, { models: { default: "openai:scripted" }, noCritic: true, chains: 2, iterations: 2, seed: 5 }, { ...deps, outDir: tempDir("lc-chains-") });
    const record = readRunRecord(result.dir);
    expect(record.chains.map((c) => c.run.seed).sort()).toEqual([5, 6, 7, 8]);
    expect(record.chains.every((c) => c.run.status === "succeeded")).toBe(true);
    // Each chain meters its own time: its sandbox executions are part of its wall time.
    for (const chain of record.chains) {
      expect(chain.run.timings.sandboxMs).toBeGreaterThan(0);
      expect(chain.run.timings.sandboxMs + chain.run.timings.modelMs).toBeLessThanOrEqual(chain.run.timings.wallMs + 1);
    }
    expect(record.run.agreement).toMatchObject({ chains: 4, valid: 4, largestAgreeingGroup: 4 });
    expect(result.summary).toMatchObject({ valid: true, chains: 4, attemptsUsed: 8 });
    expect(existsSync(join(result.dir, "submission.csv"))).toBe(true);
  });
});

describe("chains choose without the test score", () => {
  /** A direct script predicting `value` for every row and printing `validation`. */
  const constantScript = (value: number, validation: number) => `import csv
with open("/data/test.csv") as f:
    ids = [r["id"] for r in csv.DictReader(f)]
with open("submission.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "compressive_strength"])
    for i in ids:
        w.writerow([i, ${value}])
print("VALIDATION_SCORE=${validation}")
`;
  it("keeps the chain of the largest group agreeing on the printed validation score, not on the graded test score", async () => {
    // seeds 5 and 6 print the same validation score with different predictions (different test scores);
    // seeds 7 and 8 predict the same (one test score) but print different validation scores.
    const bySeed: Record<number, [number, number]> = { 5: [10, 1], 6: [20, 1], 7: [35, 2], 8: [35, 3] };
    const deps = scriptedDeps(sandbox, (call) => {
      const [value, validation] = bySeed[call.options.seed ?? 0] ?? [0, 9];
      return `Constant prediction.\n${fence(constantScript(value, validation))}`;
    });
    const result = await runTask(task, { mode: "direct", models: { default: "openai:scripted" }, chains: 4, iterations: 1, seed: 5 }, { ...deps, outDir: tempDir("lc-chains-select-") });
    const record = readRunRecord(result.dir);
    const testScore = (id: string) => record.chains.find((c) => c.dir.endsWith(id))!.score!.score;
    // the graded results: chains 7 and 8 agree on the test score (the consistency figure)
    expect(testScore("c2-i0")).toBe(testScore("c3-i0"));
    expect(record.run.agreement).toMatchObject({ chains: 4, valid: 4, largestAgreeingGroup: 2, bestChain: "c0-i0" });
    // the kept chain is the first of the validation-agreeing pair, whatever its test score
    expect(record.score?.attempt).toMatch(/^c0-i0\//);
    expect(record.score?.score).toBe(testScore("c0-i0"));
  });
});

describe("ablations and bad model output", () => {
  it("unstaged: one coder writes the whole script from the instruction, no stage blocks, no merger", async () => {
    const deps = scriptedDeps(sandbox, (call) => {
      const kind = callKind(call);
      if (kind === "unstaged") {
        // The unstaged coder's prompt carries the chosen instruction.
        expect(call.promptText).toContain("## Instruction to follow");
        return fence(MERGED_FIXED);
      }
      return linguacodusScript(call);
    });
    const result = await runTask(task, { models: { default: "openai:scripted" }, unstaged: true, instructions: 1, noCritic: true, fixAttempts: 0 }, { ...deps, outDir: tempDir("lc-unstaged-") });
    expect(deps.model.calls.map((c) => callKind(c))).toEqual(["planner", "unstaged"]);
    expect(readdirSync(join(result.dir, "code", "blocks"))).toEqual(["script.py"]);
    expect((readRunRecord(result.dir).instructions as { candidates: unknown[] }).candidates).toHaveLength(1);
    expect(result.summary).toMatchObject({ valid: true, firstAttemptSuccess: true, attemptsUsed: 1 });
  });

  it("a model that returns no code makes failed attempts (reason fed to the fixer), and the run ends graded invalid", async () => {
    const deps = scriptedDeps(sandbox, () => "I am sorry, I cannot help with writing this program.");
    const outDir = tempDir("lc-nocode-");
    const result = await runTask(task, { mode: "direct", models: { default: "openai:scripted" }, fixAttempts: 2 }, { ...deps, outDir });
    const runDir = result.dir;
    const record = readRunRecord(runDir);
    expect(record.run).toMatchObject({ status: "failed", failure: { stage: "execute" } });
    // The direct stage is recorded as failed with the reason; the run went on to execute and grade.
    const stages = readEvents(runDir).filter((e) => e.type === "stage.finished");
    expect(stages.map((e) => [e.stage, e.ok])).toEqual([
      ["models", true],
      ["context", true],
      ["direct", false],
      ["execute", false],
    ]);
    expect(stages[2]).toMatchObject({ detail: expect.stringMatching(/returned no code for direct-script.*Try a larger or code-tuned model/) });
    // Initial attempt + 2 fixes, each a no-code attempt; the fixer read why.
    const attempts = readAttempts(runDir);
    expect(attempts.map((a) => [a.kind, a.outcome])).toEqual([
      ["initial", "no-code"],
      ["fix", "no-code"],
      ["fix", "no-code"],
    ]);
    expect(attempts[0]!.errorMessage).toMatch(/returned no code for direct-script/);
    expect(deps.model.calls[1]!.promptText).toMatch(/held no Python code.*returned no code for direct-script/s);
    expect(result.summary).toMatchObject({ valid: false, attemptsUsed: 3 });
    expect(readFileSync(join(runDir, "transcripts.jsonl"), "utf8")).toContain("I am sorry");
  });
});

describe("stopping a run and capping answers", () => {
  it("an aborted signal stops the run before the next stage; the record says failed and keeps what was done", async () => {
    const controller = new AbortController();
    const deps = scriptedDeps(sandbox, (call) => {
      // Ctrl-C arrives while the critic is answering: the critic's answer is kept, no coder starts.
      if (callKind(call) === "critic") controller.abort(new Error("interrupted by the user"));
      return linguacodusScript(call);
    });
    const outDir = tempDir("lc-abort-");
    await expect(
      runTask(task, { models: { default: "openai:scripted" } }, { ...deps, outDir, signal: controller.signal }),
    ).rejects.toThrow(/interrupted by the user/);
    expect(deps.model.calls.map((c) => callKind(c))).toEqual(["planner", "critic"]);
    const runDir = join(outDir, readdirSync(outDir)[0]!);
    expect(readRunRecord(runDir).run.status).toBe("failed");
    const started = readEvents(runDir).filter((e) => e.type === "stage.started").map((e) => (e as { stage: string }).stage);
    expect(started).toEqual(["models", "context", "planner", "critic"]);
  });

  it("maxTokens reaches every model call and its transcript params", async () => {
    const deps = scriptedDeps(sandbox, (call) =>
      callKind(call) === "unstaged" ? fence(MERGED_FIXED) : linguacodusScript(call),
    );
    const result = await runTask(
      task,
      { models: { default: "openai:scripted" }, unstaged: true, instructions: 1, noCritic: true, fixAttempts: 0, maxTokens: 321 },
      { ...deps, outDir: tempDir("lc-maxtokens-") },
    );
    expect(deps.model.calls.map((c) => c.options.maxTokens)).toEqual([321, 321]);
    const lines = readFileSync(join(result.dir, "transcripts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { params: { maxTokens?: number } });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => l.params.maxTokens === 321)).toBe(true);
  });
});
