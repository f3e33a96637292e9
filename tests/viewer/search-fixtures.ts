// A run folder with a tree search, written with the real record writer (nodes.jsonl, the nodes' attempts, the
// search.node events, run.json.search) — the numbers are generated, the format is not. The task says lower is
// better (mae), so the viewer's colours must follow the metric's direction.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RunRecordWriter, attemptName, parseRunOptions, type AttemptResult, type SearchNode } from "../../execution/index.js";
import { SCRIPT_V1, XSS } from "./fixtures.js";

export interface SearchFixture {
  dir: string;
  writer: RunRecordWriter;
  nodes: SearchNode[];
  /** Appends one node (and its attempt and event) as the search driver does at the end of a step. */
  addNode(node: Pick<SearchNode, "parent" | "operator" | "buggy" | "validationScore"> & { code?: string; testScore?: number | null }): SearchNode;
  /** Ends the search: run.json.search with the selected node, status succeeded. */
  finish(selected: string): void;
}

function writeTask(dir: string): string {
  const taskDir = join(dir, "task");
  mkdirSync(taskDir, { recursive: true });
  const spec = {
    id: "concrete-strength",
    title: "Concrete strength",
    data_type: "tabular",
    metric: { name: "mae", params: {} },
    lower_is_better: true,
    id_column: "id",
    target_columns: ["compressive_strength"],
    source: { package: "fixture", version: "1", dataset: "concrete", license: "CC0" },
    license: "CC0",
  };
  writeFileSync(join(taskDir, "task.json"), JSON.stringify(spec));
  return taskDir;
}

export function searchFixture(dir: string, options: { steps: number; runId?: string }): SearchFixture {
  mkdirSync(dir, { recursive: true });
  const config = parseRunOptions({ mode: "direct" });
  const writer = RunRecordWriter.create(dir, {
    runId: options.runId ?? "search-fixture",
    taskId: "concrete-strength",
    taskDir: writeTask(dir),
    mode: "direct",
    config,
    versions: { linguacodus: "test", node: process.version },
    models: { direct: "openai:scripted" },
    seed: 1,
  });
  writer.updateRun({ search: { policy: "greedy", steps: options.steps, done: 0, stopped: "" } });
  writer.event({ type: "run.started", mode: "direct", taskId: "concrete-strength", resumed: false });
  writer.event({ type: "stage.started", stage: "search" });
  const nodes: SearchNode[] = [];
  const addNode: SearchFixture["addNode"] = (n) => {
    const step = nodes.length;
    const id = `n${String(step).padStart(3, "0")}`;
    const attempt = attemptName(writer.nextAttemptIndex());
    const code = n.code ?? SCRIPT_V1.replace("print(", `print("${id}", `);
    const error = n.buggy ? `KeyError: 'strength' ${XSS}` : undefined;
    const result: AttemptResult = {
      attempt,
      index: step,
      kind: "search",
      fixIndex: 0,
      feedbackRound: 0,
      script: writer.writeAttemptScript(attempt, code),
      outcome: n.buggy ? "error" : "ok",
      exitCode: n.buggy ? 1 : 0,
      durationMs: 800 + step,
      ...(n.buggy ? { errorClass: "KeyError", errorMessage: "KeyError: 'strength'" } : {}),
      stdoutTruncated: false,
      stderrTruncated: false,
      submission: { present: !n.buggy, valid: !n.buggy, errors: n.buggy ? ["no submission.csv was written"] : [], score: n.buggy ? null : (n.testScore ?? null) },
    };
    const output = n.buggy ? "" : `VALIDATION_SCORE=${n.validationScore}\nnode ${id}\n`;
    writer.writeAttemptResult(result, output, n.buggy ? "KeyError: 'strength'\n" : "");
    const node: SearchNode = {
      step,
      id,
      parent: n.parent,
      operator: n.operator,
      reason: n.operator === "draft" ? `draft ${step + 1}` : `${n.operator} of ${n.parent}`,
      plan: `Plan of ${id}: ${n.operator} ${XSS}`,
      code,
      attempt,
      buggy: n.buggy,
      ...(error ? { error } : {}),
      output,
      validationScore: n.buggy ? null : n.validationScore,
      testScore: n.buggy ? null : (n.testScore ?? null),
      tokens: { input: 1000, output: 200 },
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, step)).toISOString(),
      durationMs: 1000 + step,
    };
    writer.appendSearchNode(node);
    writer.event({ type: "search.node", node: id, operator: node.operator, parent: node.parent, buggy: node.buggy, validationScore: node.validationScore, reason: node.reason });
    nodes.push(node);
    return node;
  };
  const finish: SearchFixture["finish"] = (selected) => {
    writer.updateRun({ search: { policy: "greedy", steps: options.steps, done: nodes.length, stopped: "steps", selected } });
    writer.event({ type: "stage.finished", stage: "search", ok: true, durationMs: 20 });
    writer.finish("succeeded", { valid: true, score: nodes.find((n) => n.id === selected)?.testScore ?? null });
  };
  return { dir, writer, nodes, addNode, finish };
}

/**
 * A generated greedy-like tree of `steps` nodes: 5 drafts, then every 3rd step a debug of the newest buggy node,
 * else an improve of the best node so far (a new edit of the code each time). Scores fall (mae: lower is better)
 * along improves, so the best node sits deep in the tree.
 */
export function generateSearch(dir: string, steps: number): SearchFixture {
  const run = searchFixture(dir, { steps, runId: `search-${steps}` });
  let best: SearchNode | undefined;
  let lastBuggy: SearchNode | undefined;
  for (let step = 0; step < steps; step++) {
    const buggy = step % 4 === 1;
    const score = 10 - step * 0.01 + (step % 7) * 0.05;
    let node: SearchNode;
    if (step < 5) node = run.addNode({ parent: null, operator: "draft", buggy, validationScore: score, testScore: score + 0.1 });
    else if (step % 3 === 0 && lastBuggy) node = run.addNode({ parent: lastBuggy.id, operator: "debug", buggy, validationScore: score, testScore: score + 0.1 });
    else node = run.addNode({ parent: best?.id ?? null, operator: best ? "improve" : "draft", buggy, validationScore: score, testScore: score + 0.1, code: `${(best?.code ?? SCRIPT_V1).trimEnd()}\n# step ${step}\n` });
    if (node.buggy) lastBuggy = node;
    else if (!best || node.validationScore! < best.validationScore!) best = node;
  }
  run.finish(best!.id);
  return run;
}
