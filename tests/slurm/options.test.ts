// Bench-wide options reach the cells on a real single-node Slurm cluster (.ci/slurm.sh) as they reach them locally:
// the same one-task bench with --sanity permuted-labels, --prices and --planner-prompt records the same config in run.json and the
// same sanity block in score.json under --executor slurm as under the local executor.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRunJson, readScore } from "../../execution/index.js";
import { readManifest } from "../../benchmarks/manifest.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { cleanUp, recordBench, slurmUp, type Recorded } from "./support.js";

let root: string;
let env: NodeJS.ProcessEnv;
let recorded: Recorded;
let pricesFile: string;
const PRICES = { "openai:scripted": { input: 1, output: 2 } };

const benchArgs = (out: string) => [
  "bench",
  ...recorded.tasks.map((t) => t.dir),
  "--modes",
  "direct",
  "--models",
  `label=scripted;all=replay:${recorded.dir}`,
  "--sanity",
  "permuted-labels",
  "--prices",
  pricesFile,
  "--timeout",
  "120",
  // a setting for small models every cell shares (direct mode records it without using it: the replay still matches)
  "--planner-prompt",
  "json-per-rank",
  "--no-report",
  "--json",
  "--out",
  out,
];

beforeAll(async () => {
  env = { ...slurmUp(), LINGUACODUS_SLURM_POLL_MS: "300" };
  root = mkdtempSync(join(tmpdir(), "lc-slurm-options-"));
  env.LINGUACODUS_HOME = join(root, "home");
  pricesFile = join(root, "prices.json");
  writeFileSync(pricesFile, JSON.stringify(PRICES));
  await buildCli();
  recorded = await recordBench(root, { taskIds: ["concrete-strength"], modes: ["direct"] });
}, 1_200_000);

afterAll(() => cleanUp(root, env));

describe("bench --executor slurm: the bench-wide options reach every cell", () => {
  it("records --sanity and --prices in the cell's run as the local executor does", async () => {
    const local = join(root, "local");
    const slurmOut = join(root, "slurm");
    const [l, s] = [await linguacodus(benchArgs(local), env), await linguacodus([...benchArgs(slurmOut), "--executor", "slurm"], env)];
    expect(l.code, l.stderr).toBe(0);
    expect(s.code, s.stderr).toBe(0);
    const [id] = readManifest(local)!.runs.map((r) => r.id);
    expect(readManifest(slurmOut)!.runs.map((r) => r.id)).toEqual([id]);
    const [a, b] = [join(local, "runs", id!), join(slurmOut, "runs", id!)];
    // locally: the sanity rerun is in score.json, the price table in run.json's config
    expect(readScore(a)?.sanity).toBeDefined();
    const shared = { sanity: "permuted-labels", prices: PRICES, timeoutSeconds: 120, plannerPrompt: "json-per-rank" };
    expect(readRunJson(a).config).toMatchObject(shared);
    // on the node: the same
    expect(readRunJson(b).config).toMatchObject(shared);
    expect(readScore(b)?.sanity).toEqual(readScore(a)?.sanity);
    expect(readRunJson(b).usage?.total.costUsd).toEqual(readRunJson(a).usage?.total.costUsd);
  }, 900_000);
});
