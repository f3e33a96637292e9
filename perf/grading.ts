// Grading speed: a 1M-row submission (CSV parsing included) for ROC-AUC, RMSE and log-loss, our grader vs
// Python pandas + scikit-learn doing the same (read both CSVs, align by id, compute the metric) inside the
// sandbox image. Each side runs in a fresh process; times are taken inside the process, peak RSS at its end.
// Run: npx tsx perf/grading.ts [--rows 1000000] [--image TAG]
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { seededRandom } from "../datasets/index.js";
import { SANDBOX_IMAGE_TAG } from "../sandbox/index.js";

const exec = promisify(execFile);
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const ROWS = Number(flag("--rows") ?? 1_000_000);
const IMAGE = flag("--image") ?? process.env.LINGUACODUS_BENCH_IMAGE ?? SANDBOX_IMAGE_TAG;


interface Case {
  metric: "roc_auc" | "rmse" | "log_loss";
  lowerIsBetter: boolean;
}
const CASES: Case[] = [
  { metric: "roc_auc", lowerIsBetter: false },
  { metric: "rmse", lowerIsBetter: true },
  { metric: "log_loss", lowerIsBetter: true },
];

async function writeCase(root: string, c: Case): Promise<{ dir: string; submission: string }> {
  const random = seededRandom(7);
  const dir = join(root, c.metric);
  await mkdir(join(dir, "public"), { recursive: true });
  await mkdir(join(dir, "private"), { recursive: true });
  const answers: string[] = ["id,target"];
  const sub: string[] = ["id,target"];
  for (let i = 0; i < ROWS; i++) {
    if (c.metric === "rmse") {
      const y = random() * 100;
      answers.push(`${i},${y}`);
      sub.push(`${i},${y + (random() - 0.5) * 10}`);
    } else {
      const y = random() < 0.3 ? 1 : 0;
      answers.push(`${i},${y}`);
      // probabilities rounded to 4 decimals: many ties, as real submissions have
      sub.push(`${i},${Math.round(Math.min(1, Math.max(0, 0.35 * y + random() * 0.65)) * 1e4) / 1e4}`);
    }
  }
  await writeFile(join(dir, "private", "answers.csv"), answers.join("\n") + "\n");
  await writeFile(join(dir, "submission.csv"), sub.join("\n") + "\n");
  await writeFile(join(dir, "public", "sample_submission.csv"), "id,target\n0,0\n");
  await writeFile(join(dir, "description.md"), `# ${c.metric} benchmark\n`);
  await writeFile(
    join(dir, "task.json"),
    JSON.stringify({
      id: `bench-${c.metric.replace("_", "-")}`,
      title: `${c.metric} benchmark`,
      data_type: "tabular",
      metric: { name: c.metric, params: {} },
      lower_is_better: c.lowerIsBetter,
      id_column: "id",
      target_columns: ["target"],
      source: { package: "synthetic", version: "1", dataset: "random", license: "CC0" },
      license: "CC0",
    }),
  );
  return { dir, submission: join(dir, "submission.csv") };
}

const PYTHON = String.raw`
import json, resource, sys, time
import numpy as np, pandas as pd
from sklearn.metrics import log_loss, mean_squared_error, roc_auc_score
metric, d = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
c0 = time.process_time()
answers = pd.read_csv(d + "/private/answers.csv")
sub = pd.read_csv(d + "/submission.csv")
if len(sub) != len(answers) or sub["id"].duplicated().any() or sub["target"].isna().any():
    sys.exit("invalid submission")
m = answers.merge(sub, on="id", suffixes=("_true", "_pred"))
y, p = m["target_true"].to_numpy(), m["target_pred"].to_numpy()
if metric == "roc_auc":
    score = roc_auc_score(y, p)
elif metric == "rmse":
    score = float(np.sqrt(mean_squared_error(y, p)))
else:
    score = log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1])
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "cpuSeconds": time.process_time() - c0, "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "score": float(score)}))
`;

interface Measured {
  seconds: number;
  /** CPU time of the whole process (all its threads), less sensitive than wall time to a busy machine. */
  cpuSeconds: number;
  maxRssMB: number;
  score: number;
}

async function ours(dir: string, submission: string): Promise<Measured> {
  const { stdout } = await exec(process.execPath, ["--import", "tsx", join(import.meta.dirname, "grading-worker.ts"), dir, submission], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Measured;
}

async function python(root: string, metric: string): Promise<Measured> {
  const { stdout } = await exec(
    "docker",
    ["run", "--rm", "--network", "none", "-e", "OMP_NUM_THREADS=1", "-v", `${root}:/bench:ro`, IMAGE, "python3", "-c", PYTHON, metric, `/bench/${metric}`],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as Measured;
}

const root = await mkdtemp(join(tmpdir(), "lc-gradebench-"));
// the image runs Python as an unprivileged user; mkdtemp makes a 0700 folder
await chmod(root, 0o755);
try {
  console.log(`grading ${ROWS.toLocaleString("en-US")} rows; Python reference in ${IMAGE}`);
  console.log("metric     ours s  python s  speed-up  cpu speed-up  ours MB  python MB  mem ratio  |score diff|");
  for (const c of CASES) {
    const { dir, submission } = await writeCase(root, c);
    const a = await ours(dir, submission);
    const b = await python(root, c.metric);
    const row = [
      c.metric.padEnd(9),
      a.seconds.toFixed(3).padStart(7),
      b.seconds.toFixed(3).padStart(9),
      `${(b.seconds / a.seconds).toFixed(2)}x`.padStart(9),
      `${(b.cpuSeconds / a.cpuSeconds).toFixed(2)}x`.padStart(13),
      a.maxRssMB.toFixed(0).padStart(8),
      b.maxRssMB.toFixed(0).padStart(10),
      (a.maxRssMB / b.maxRssMB).toFixed(2).padStart(10),
      Math.abs(a.score - b.score).toExponential(1).padStart(13),
    ];
    console.log(row.join(" "));
  }
  console.log("speed-up = python seconds / ours (> 1: ours faster; the goal is ≥ 2); cpu speed-up = the same in CPU seconds; mem ratio = ours peak RSS / python peak RSS");
} finally {
  await rm(root, { recursive: true, force: true });
}
