// Per-cell overhead of the Slurm executor over the local one, measured in one run on the single-node cluster of
// .ci/slurm.sh (npx tsx perf/slurm.ts [--from <recorded-bench>] [--keep]):
//   the same replayed bench (cells one at a time in both, so queueing does not blur the numbers) through
//   `bench --executor local --parallel 1` and `bench --executor slurm --slurm-max-running 1`;
//   per cell: wall time of the bench minus the time the cells spent inside their run records (createdAt →
//   finishedAt) = what the executor adds; for Slurm, split into submit (sbatch), start (task eligible → the run
//   record exists: scheduling, node process start, wiring, image check) and record (run finished → the submitter
//   has recorded it: polling).
// Without --from, a 2-task × 2-mode bench is first recorded with scripted models on the real Docker sandbox.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readRunJson } from "../execution/index.js";
import { readManifest } from "../benchmarks/manifest.js";
import { readSlurmState } from "../benchmarks/executors/index.js";
import { buildCli, linguacodus } from "../tests/support/cli.js";
import { events, recordBench, slurmUp } from "../tests/slurm/support.js";

const { values } = parseArgs({ options: { from: { type: "string" }, keep: { type: "boolean", default: false }, poll: { type: "string", default: "500" } } });

const root = mkdtempSync(join(tmpdir(), "lc-perf-slurm-"));
const env = { ...slurmUp(), LINGUACODUS_HOME: join(root, "home"), LINGUACODUS_SLURM_POLL_MS: values.poll };
await buildCli();
const recorded = values.from ?? (await recordBench(root)).dir;
const manifest = readManifest(recorded);
if (!manifest) throw new Error(`${recorded} is not a bench folder`);
const args = (out: string) => [
  "bench",
  ...manifest.tasks.map((t) => t.dir),
  "--modes",
  manifest.modes.join(","),
  "--models",
  `label=replayed;all=replay:${recorded}`,
  "--repeats",
  String(manifest.repeats),
  "--seed",
  String(manifest.baseSeed),
  "--no-report",
  "--json",
  "--out",
  out,
];

interface Measured {
  wallMs: number;
  insideMs: number;
  cells: number;
  runs: ReturnType<typeof readRunJson>[];
}

async function measure(name: string, extra: string[]): Promise<Measured> {
  const out = join(root, name);
  const started = Date.now();
  const r = await linguacodus([...args(out), ...extra], env);
  const wallMs = Date.now() - started;
  if (r.code !== 0) throw new Error(`${name} bench failed: ${r.stderr}`);
  const runs = readManifest(out)!.runs.map((e) => readRunJson(join(out, "runs", e.id)));
  const insideMs = runs.reduce((sum, run) => sum + (Date.parse(run.finishedAt ?? run.updatedAt) - Date.parse(run.createdAt)), 0);
  return { wallMs, insideMs, cells: runs.length, runs };
}

const local = await measure("local", ["--executor", "local", "--parallel", "1"]);
const slurm = await measure("slurm", ["--executor", "slurm", "--slurm-max-running", "1", "--slurm-cpus", "1"]);

// Slurm breakdown from the records and the bench's own log and events.
const slurmDir = join(root, "slurm");
const submission = readSlurmState(slurmDir).submissions[0]!;
const log = readFileSync(join(slurmDir, "bench.log"), "utf8").split("\n");
const benchStart = Date.parse(events(slurmDir).find((e) => e.type === "bench.started")!.ts);
const submitted = Date.parse(log.find((l) => l.includes("submitted job array"))!.split(" ")[0]!);
const finishedSeen = new Map(events(slurmDir).flatMap((e) => (e.type === "run.finished" ? [[e.runId, Date.parse(e.ts)] as const] : [])));
// A task becomes eligible when the previous one ends (--slurm-max-running 1), the first one at submission.
const ordered = [...slurm.runs].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
let eligible = Date.parse(submission.submittedAt);
const starts: number[] = [];
const records: number[] = [];
for (const run of ordered) {
  const created = Date.parse(run.createdAt);
  const finished = Date.parse(run.finishedAt ?? run.updatedAt);
  starts.push(created - eligible);
  records.push((finishedSeen.get(run.runId) ?? finished) - finished);
  eligible = finished;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const perCell = (m: Measured) => (m.wallMs - m.insideMs) / m.cells;
const slurmNodes = execFileSync("sinfo", ["-h", "-o", "%D node(s), %c CPUs"], { env, encoding: "utf8" }).trim();
console.log(`Slurm executor overhead (${slurm.cells} replayed cells, one at a time; cluster: ${slurmNodes}; poll ${values.poll} ms)`);
console.log(`  local  wall ${s(local.wallMs)}  inside cells ${s(local.insideMs)}  overhead/cell ${s(perCell(local))}`);
console.log(`  slurm  wall ${s(slurm.wallMs)}  inside cells ${s(slurm.insideMs)}  overhead/cell ${s(perCell(slurm))}`);
console.log(`  slurm − local: ${s(perCell(slurm) - perCell(local))} per cell; wall ratio slurm/local ${(slurm.wallMs / local.wallMs).toFixed(2)}×`);
console.log(`  slurm breakdown: submit (bench start → sbatch returned) ${s(submitted - benchStart)} once;`);
console.log(`    start (task eligible → run record created) mean ${s(mean(starts))} [${starts.map((x) => (x / 1000).toFixed(2)).join(", ")}]`);
console.log(`    record (run finished → recorded by the submitter) mean ${s(mean(records))} [${records.map((x) => (x / 1000).toFixed(2)).join(", ")}]`);
if (values.keep) console.log(`  kept ${root}`);
else rmSync(root, { recursive: true, force: true });
