// Orchestration overhead of `run`, and CLI start time.
//
//   npx tsx perf/orchestration.ts [--sandbox docker|local] [--repeats N]
//
// 1. Records one linguacodus-mode run with the pipeline tests' scripted answers (a failing-then-fixed script),
//    then re-runs it N times with `replay:<that run>` — a zero-latency replayed model through the real agent
//    team and provider layer — and prints the share of wall time spent beyond sandbox executions and model
//    calls (target < 10%).
// 2. Starts the built CLI (dist/cli/main.js, `npm run build` first) with commands that load no model and
//    prints the median start time (target < 1 s).
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createProviderResolver } from "../agents/providers/index.js";
import { grade } from "../datasets/index.js";
import { runTask } from "../execution/index.js";
import { teamFactory } from "../execution/wiring.js";
import { LocalSandbox } from "../sandbox/index.js";
import type { Sandbox } from "../sandbox/types.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  const sandboxKind = arg("--sandbox", "docker");
  const repeats = Number(arg("--repeats", "3"));
  // The scripted answers live with the tests (fakes stay out of product code); loaded at run time by path.
  const support = (await import(pathToFileURL(resolve("tests/pipeline/support.ts")).href)) as typeof import("../tests/pipeline/support.js");
  const sandbox: Sandbox = sandboxKind === "local" ? new LocalSandbox({ warn: () => undefined }) : await support.dockerSandbox();
  const task = await support.builtinTask();
  const out = mkdtempSync(join(tmpdir(), "lc-perf-"));
  for (const [label, script] of [
    ["standard-library median script (~50 ms per execution: the worst case)", support.linguacodusScript],
    ["pandas + scikit-learn gradient boosting script", support.sklearnScript],
  ] as const) {
    await measure(label, script);
  }
  await sandbox.close();

  async function measure(label: string, script: Parameters<typeof support.scriptedDeps>[1]): Promise<void> {
  const recorded = await runTask(
    task,
    { models: { default: "openai:scripted" }, seed: 1 },
    { ...support.scriptedDeps(sandbox, script), outDir: join(out, "recorded") },
  );
  if (!recorded.summary.valid) throw new Error(`the recorded run failed: ${recorded.summary.failure}`);

  const rows: Array<{ wall: number; model: number; sandbox: number; other: number }> = [];
  for (let i = 0; i < repeats; i++) {
    const resolver = createProviderResolver();
    const started = performance.now();
    const replay = await runTask(
      task,
      { models: { default: `replay:${recorded.dir}` }, seed: 1 },
      { sandbox, grade, libraries: support.TEST_LIBRARIES, createTeam: teamFactory(resolver.resolve), outDir: join(out, "replay") },
    );
    const wall = performance.now() - started;
    await resolver.close();
    if (!replay.summary.valid) throw new Error(`replay ${i} failed: ${replay.summary.failure}`);
    const { modelMs, sandboxMs } = replay.summary;
    rows.push({ wall, model: modelMs, sandbox: sandboxMs, other: wall - modelMs - sandboxMs });
  }
  console.log(`\n${label}: orchestration overhead (${sandboxKind} sandbox, replayed model, ${repeats} runs of a 2-attempt linguacodus run)`);
  console.log("run  wall_ms  model_ms  sandbox_ms  other_ms  other_share");
  rows.forEach((r, i) =>
    console.log(`${i}    ${r.wall.toFixed(0).padStart(7)}  ${r.model.toFixed(0).padStart(8)}  ${r.sandbox.toFixed(0).padStart(10)}  ${r.other.toFixed(0).padStart(8)}  ${((100 * r.other) / r.wall).toFixed(1)}%`),
  );
  const share = median(rows.map((r) => r.other / r.wall));
  console.log(`median share of run time beyond sandbox and model calls: ${(100 * share).toFixed(1)}% (target < 10%); median other ${median(rows.map((r) => r.other)).toFixed(0)} ms`);
  }

  console.log("");
  const cli = resolve("dist/cli/main.js");
  for (const args of [["--help"], ["run", "--help"], ["tasks", "list"]]) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
      times.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`linguacodus ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    }
    console.log(`CLI start: linguacodus ${args.join(" ")}: median ${median(times).toFixed(0)} ms over 5 (target < 1000 ms)`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
