// Speed of the bench machinery, measured in one run (npx tsx perf/bench.ts …):
//  1. report generation over N generated run records (default 1,000): seconds to read, aggregate, render;
//  2. with --from <recorded-bench>: that bench replayed cell by cell on the real Docker sandbox at
//     --parallel 1 and then 2 (sandbox-bound: replayed models answer at once); prints the speed-up.
// A recorded bench comes from any `linguacodus bench` run (or the e2e test with LINGUACODUS_KEEP_BENCH=<dir>).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  BenchOptionsSchema,
  benchPoolOptions,
  buildReport,
  collectRuns,
  expandMatrix,
  modelColumnsOf,
  ModelCallLimiter,
  parseModelColumn,
  parseModes,
  pipelineCellRunner,
  readManifest,
  relativeLink,
  runBench,
  Semaphore,
  writeReport,
} from "../benchmarks/index.js";
import { writeSizedBench } from "../tests/support/bench-records.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "1000" },
    from: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

async function measureReport(totalRuns: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lc-perf-report-"));
  const t0 = performance.now();
  const { tasks, modes, repeats } = writeSizedBench(dir, totalRuns);
  const taskCount = tasks.length;
  const t1 = performance.now();
  const collection = collectRuns(dir);
  const t2 = performance.now();
  const out = join(dir, "report");
  const report = buildReport(collection, { linkOf: (d) => relativeLink(out, d) });
  const t3 = performance.now();
  await writeReport(report, out);
  const t4 = performance.now();
  const s = (ms: number) => (ms / 1000).toFixed(2);
  console.log(`report over ${collection.runs.length} generated run records (${taskCount} tasks × ${modes.length} modes × ${repeats} repeats):`);
  console.log(`  generating the records        ${s(t1 - t0)} s (not part of the report)`);
  console.log(`  reading the records           ${s(t2 - t1)} s`);
  console.log(`  tables, comparisons           ${s(t3 - t2)} s`);
  console.log(`  rendering (md, html, csv, svg) ${s(t4 - t3)} s`);
  console.log(`  report total                  ${s(t4 - t1)} s`);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`  kept ${dir}`);
}

async function measureParallel(from: string): Promise<void> {
  const manifest = readManifest(from);
  if (!manifest) throw new Error(`${from} is not a bench folder (no bench.json)`);
  const { createWiring } = await import("../execution/wiring.js");
  const column = parseModelColumn(`label=${modelColumnsOf(manifest)[0]?.label ?? "replay"};all=replay:${from}`);
  const keys = expandMatrix({
    tasks: manifest.tasks,
    modes: parseModes(manifest.modes),
    models: [column],
    temperatures: manifest.temperatures,
    repeats: manifest.repeats,
    baseSeed: manifest.baseSeed,
  });
  const seconds: Record<number, number> = {};
  for (const parallel of [1, 2]) {
    // A fresh wiring per measurement: replayed models keep their place in the recording per process.
    const pool = benchPoolOptions({ parallel, tasks: manifest.tasks.length });
    const wiring = await createWiring({ sandbox: "docker", ...(pool ? { pool } : {}) });
    try {
      // Warm P containers per task first, so neither measurement pays cold starts (steady-state throughput).
      // (The syntax checks use containers without a task folder: warm those too.)
      const folders: (string | undefined)[] = [...manifest.tasks.map((t) => join(t.dir, "public")), undefined];
      await Promise.all(
        folders.flatMap((publicDir) =>
          Array.from({ length: parallel }, () => wiring.sandbox.run({ script: "print('warm')", ...(publicDir ? { publicDir } : {}), timeoutSeconds: 120 })),
        ),
      );
      const dir = mkdtempSync(join(tmpdir(), `lc-perf-p${parallel}-`));
      const runCell = pipelineCellRunner({
        deps: wiring,
        limiter: new ModelCallLimiter({ apiConcurrency: 4, replayConcurrency: parallel }),
        sandboxSlots: new Semaphore(parallel),
      });
      const started = performance.now();
      const outcome = await runBench({
        dir,
        keys,
        manifest: { command: ["perf"], tasks: manifest.tasks, modes: manifest.modes, models: [column], temperatures: manifest.temperatures, repeats: manifest.repeats, baseSeed: manifest.baseSeed, options: BenchOptionsSchema.parse({ parallel }) },
        parallel,
        resume: false,
        runCell,
        version: "perf",
      });
      seconds[parallel] = (performance.now() - started) / 1000;
      console.log(`--parallel ${parallel}: ${keys.length} runs in ${seconds[parallel]!.toFixed(1)} s (${outcome.succeeded} succeeded, ${outcome.failed} failed)`);
      if (outcome.failed > 0) {
        // Failed runs end early: a speed-up over them would measure nothing.
        const reasons = [...new Set(collectRuns(dir).runs.map((r) => r.failure).filter(Boolean))];
        throw new Error(`replayed runs failed (${reasons.join("; ")}): no speed-up reported`);
      }
      if (!values.keep) rmSync(dir, { recursive: true, force: true });
    } finally {
      await wiring.close();
    }
  }
  console.log(`speed-up of --parallel 2 over --parallel 1: ${(seconds[1]! / seconds[2]!).toFixed(2)}×`);
}

await measureReport(Number(values.runs));
if (values.from) await measureParallel(resolve(values.from));
else console.log("(pass --from <recorded-bench-dir> to measure --parallel 1 vs 2 on the sandbox)");
