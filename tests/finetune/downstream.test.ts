// `finetune eval --coder`: after the planner eval, the downstream bench runs as a child `linguacodus bench` on the
// real Docker sandbox — one coder (an OpenAI-protocol server in this test) in every column, the planner varied
// alone (tiny base vs base + adapter) — and the eval reports valid rate, normalised score and the paired
// comparisons from that bench's records. A SIGTERM mid-bench stops the child bench too and keeps the planner
// numbers; the next eval resumes the bench, and one after that redoes nothing.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENCH_LOCK_FILE, readManifest } from "../../benchmarks/index.js";
import { readRunJson } from "../../execution/index.js";
import { adapterSpec, DOWNSTREAM, type EvalReport } from "../../finetune/index.js";
import { forest, tasksWithReferences } from "../benchmarks/bench-support.js";
import { fence } from "../support/fence.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { writeTinyModels } from "../support/tiny-gguf.js";

let root: string;
let coder: OpenAiTestServer;
let models: { modelPath: string; loraPath: string };
let taskDir: string;

// Asynchronous on purpose (linguacodus, spawn): the coder server answers from this process's event loop while the
// CLI runs.
const cli = (args: string[]) => linguacodus(args, { LINGUACODUS_HOME: join(root, "home") });

beforeAll(async () => {
  await buildCli();
  root = mkdtempSync(join(tmpdir(), "lc-ft-downstream-"));
  models = writeTinyModels(join(root, "models"));
  // What export writes next to the adapter: the corpus it was trained on (no overlap with the eval task).
  writeFileSync(
    `${models.loraPath}.json`,
    JSON.stringify({ kind: "linguacodus-adapter-gguf", base: models.modelPath, adapterDir: join(root, "adapter"), corpusDir: join(root, "corpus"), competitions: ["wine-quality"], card: {} }),
  );
  const [task] = await tasksWithReferences(["concrete-strength"], join(root, "tasks"), join(tmpdir(), "linguacodus-test-tasks"));
  taskDir = task!.dir;
  // The coder answers every call with a working script; the tiny planners never get as far as the coders.
  coder = await startOpenAiServer(() => ({ text: fence(forest(1, "sample.columns[1]")) }));
}, 900_000);

afterAll(async () => {
  await coder?.close();
  if (root && !process.env.LINGUACODUS_KEEP_TEST_DIR) rmSync(root, { recursive: true, force: true });
});

describe("finetune eval --coder: the downstream bench", () => {
  it("runs one bench varying the planner alone and reports valid rate, normalised score and paired comparisons; a rerun resumes", async () => {
    const bench = join(root, "bench");
    const out = join(root, "eval.json");
    const args = [
      "finetune", "eval",
      "--adapter", models.loraPath,
      "--base", models.modelPath,
      "--tasks", taskDir,
      "--ranks", "1",
      "--max-tokens", "16",
      "--context-size", "1024",
      "--coder", `openai:scripted@${coder.baseURL}`,
      "--bench-out", bench,
      "--out", out,
    ];
    // Stopped once the bench has started: the eval passes SIGTERM on and waits for the bench to let go of its folder.
    const stopped = cli([...args, "--bench-max-tokens", "2048"]);
    let stoppedErr = "";
    stopped.child.stderr.on("data", (d: Buffer) => (stoppedErr += String(d)));
    while (!existsSync(join(bench, BENCH_LOCK_FILE)) && stopped.child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(stopped.child.exitCode, `the eval ended before its bench started: ${stoppedErr}`).toBeNull();
    stopped.child.kill("SIGTERM");
    const exited = await stopped;
    expect(exited.code, exited.stderr).not.toBe(0);
    expect(exited.stderr).toMatch(/the downstream bench failed \(exit \d+\); run the eval again to resume it/);
    expect(existsSync(join(bench, BENCH_LOCK_FILE))).toBe(false);
    expect((JSON.parse(readFileSync(out, "utf8")) as EvalReport).results).toHaveLength(2);
    expect(readManifest(bench)!.options).toMatchObject({ maxTokens: 2048 });

    const first = await cli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/downstream \(resuming\)/);
    expect(first.stdout).toMatch(/^base +parse rate \d+%/m);
    expect(first.stdout).toMatch(/^adapter +parse rate \d+%/m);

    // The bench: 2 columns × {paper-planner, direct}, the same coder everywhere, the planner varied alone.
    const manifest = readManifest(bench)!;
    expect(manifest.runs).toHaveLength(4);
    const planners = new Map(manifest.runs.map((r) => [`${r.model} ${r.mode}`, readRunJson(join(bench, "runs", r.id)).models]));
    expect(planners.get(`${DOWNSTREAM.finetuned} paper-planner`)?.planner).toBe(adapterSpec(models.modelPath, models.loraPath));
    expect(planners.get(`${DOWNSTREAM.base} paper-planner`)?.planner).toBe(`gguf:${models.modelPath}`);
    expect(new Set([...planners.values()].map((m) => m.coder))).toEqual(new Set([`openai:scripted@${coder.baseURL}`]));

    const report = JSON.parse(readFileSync(out, "utf8")) as EvalReport;
    const cell = (column: string, mode: string) => report.downstream!.cells.find((c) => c.column === column && c.mode === mode)!;
    for (const column of [DOWNSTREAM.finetuned, DOWNSTREAM.base]) {
      // Direct: the coder's forest is valid and beats the constant baseline; the tiny planners' runs end invalid.
      expect(cell(column, "direct")).toMatchObject({ runs: 1, finished: 1, validRate: 1 });
      expect(cell(column, "direct").meanNormalised).toBeGreaterThan(0);
      expect(cell(column, "paper-planner")).toMatchObject({ runs: 1, finished: 1, validRate: 0, meanNormalised: 0 });
    }
    const comparison = (a: string, within: string) => report.downstream!.comparisons.find((c) => c.a === a && c.within === within)!;
    expect(comparison("paper-planner", DOWNSTREAM.finetuned)).toMatchObject({ b: "direct", pairs: 1, wins: 0, losses: 1 });
    expect(comparison(DOWNSTREAM.finetuned, "paper-planner")).toMatchObject({ b: DOWNSTREAM.base, pairs: 1, ties: 1 });
    expect(first.stdout).toMatch(new RegExp(`${DOWNSTREAM.finetuned} +direct +valid 100% of 1/1 finished, mean normalised 0\\.\\d{3}`));
    expect(readFileSync(join(bench, "report", "report.md"), "utf8")).toContain(`**${DOWNSTREAM.finetuned} vs ${DOWNSTREAM.base} (mode paper-planner):**`);

    // Again: the bench is resumed, nothing reruns (the coder is not called again).
    const calls = coder.received.length;
    const again = await cli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/downstream \(resuming\): linguacodus bench .* --resume/);
    expect(coder.received.length).toBe(calls);
    expect(readManifest(bench)!.runs).toHaveLength(4);
  }, 900_000);

  it("refuses a bad --repeats before anything runs", async () => {
    const r = await cli(["finetune", "eval", "--adapter", models.loraPath, "--base", models.modelPath, "--tasks", taskDir, "--coder", `openai:x@${coder.baseURL}`, "--repeats", "0", "--bench-out", join(root, "never")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--repeats must be a whole number ≥ 1 \(got '0'\)/);
  }, 300_000);
});
