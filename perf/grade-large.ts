// Grading big submissions through the real CLI (`grade --json`, a fresh process each): wall time and peak RSS
// of rejecting wrong-size files of 10M / 17M rows (and, with --huge, 46M) against a 100k-row task, and of
// scoring a valid 1M-row submission. Memory must follow the answers, not the submission; a wrong-size file
// must be rejected in seconds. With --baseline (another checkout's cli/main.ts, e.g. an older commit unpacked
// with `git archive`), each case also runs there and the ratios before/after are printed from the same run.
// Run: npx tsx perf/grade-large.ts [--baseline <path to cli/main.ts>] [--huge] [--keep <dir>]
import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { once } from "node:events";
import { promisify } from "node:util";

const exec = promisify(execFile);
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const CLI = resolve(join(import.meta.dirname, "..", "cli", "main.ts"));
const BASELINE = flag("--baseline") ? resolve(flag("--baseline")!) : null;
const HUGE = args.includes("--huge");
const KEEP = flag("--keep");
const ANSWER_ROWS = 100_000;

/** Writes `rows` lines "id,y" (ids from 0) through a stream, without holding the file in memory. */
async function writeRows(path: string, header: string, rows: number, value: (i: number) => string): Promise<number> {
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  const batch = 100_000;
  for (let start = 0; start < rows; start += batch) {
    let text = "";
    for (let i = start; i < Math.min(rows, start + batch); i++) text += `${i},${value(i)}\n`;
    if (!out.write(text)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return (await stat(path)).size;
}

async function writeTask(dir: string, rows: number): Promise<void> {
  await mkdir(join(dir, "public"), { recursive: true });
  await mkdir(join(dir, "private"), { recursive: true });
  await writeRows(join(dir, "private", "answers.csv"), "id,y", rows, (i) => String((i * 7919) % 1000));
  await writeRows(join(dir, "public", "sample_submission.csv"), "id,y", rows, () => "500");
  await writeRows(join(dir, "public", "test.csv"), "id,x", rows, (i) => String(i % 7));
  await writeFile(join(dir, "public", "train.csv"), "x,y\n1,2\n");
  await writeFile(join(dir, "description.md"), "# large-submission benchmark\n");
  await writeFile(
    join(dir, "task.json"),
    JSON.stringify({
      id: "bench-large",
      title: "large submissions",
      data_type: "tabular",
      metric: { name: "rmse", params: {} },
      lower_is_better: true,
      id_column: "id",
      target_columns: ["y"],
      source: { package: "synthetic", version: "1", dataset: "random", license: "CC0" },
      license: "CC0",
    }),
  );
}

interface Measured {
  seconds: number;
  maxRssMB: number;
  exitCode: number;
  valid: boolean | null;
  reason: string;
}

/** `grade --json` in a fresh process under /usr/bin/time (wall seconds, peak RSS in KB on stderr's last line). */
async function gradeCli(cli: string, task: string, submission: string): Promise<Measured> {
  let stdout = "";
  let stderr = "";
  let exitCode = 0;
  try {
    ({ stdout, stderr } = await exec("/usr/bin/time", ["-f", "%e %M", process.execPath, "--import", "tsx", cli, "grade", "--json", task, submission], {
      cwd: dirname(dirname(cli)),
      maxBuffer: 64 << 20,
    }));
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    ({ stdout, stderr } = e);
    exitCode = e.code;
  }
  const [seconds, kb] = stderr.trim().split("\n").at(-1)!.split(" ").map(Number) as [number, number];
  let valid: boolean | null = null;
  let reason = "";
  try {
    const result = JSON.parse(stdout) as { valid?: boolean; errors?: string[]; score?: number; error?: string };
    valid = result.valid ?? null;
    reason = result.valid ? `score ${result.score}` : (result.errors?.[0] ?? result.error ?? "");
  } catch {
    reason = `no JSON on stdout; stderr: ${stderr.trim().split("\n").slice(-3, -1).join(" ").slice(0, 160)}`;
  }
  return { seconds, maxRssMB: kb / 1024, exitCode, valid, reason };
}

const root = KEEP ? resolve(KEEP) : await mkdtemp(join(tmpdir(), "lc-grade-large-"));
await mkdir(root, { recursive: true });
try {
  const task = join(root, "task");
  const bigTask = join(root, "task-1m");
  await writeTask(task, ANSWER_ROWS);
  await writeTask(bigTask, 1_000_000);
  const cases: { name: string; task: string; rows: number }[] = [
    { name: "100 rows (memory floor)", task, rows: 100 },
    { name: "10M rows, wrong size", task, rows: 10_000_000 },
    { name: "17M rows, wrong size", task, rows: 17_000_000 },
    ...(HUGE ? [{ name: "46M rows, wrong size", task, rows: 46_000_000 }] : []),
    { name: "1M rows, valid (1M task)", task: bigTask, rows: 1_000_000 },
  ];
  console.log(`grader: ${CLI}${BASELINE ? `; baseline: ${BASELINE}` : ""}; task of ${ANSWER_ROWS.toLocaleString("en-US")} answer rows (1M for the valid case)`);
  console.log("case                        file MB  seconds  (base)  speed-up  peak MB   (base)  mem ratio  exit (base)  valid (base)  reason");
  const show = (v: number | undefined, digits: number, width: number) => (v === undefined ? "-" : v.toFixed(digits)).padStart(width);
  for (const c of cases) {
    const path = join(root, `sub-${c.rows}.csv`);
    const size = await writeRows(path, "id,y", c.rows, (i) => String(((i * 7919) % 1000) + 0.5));
    const m = await gradeCli(CLI, c.task, path);
    const b = BASELINE ? await gradeCli(BASELINE, c.task, path) : undefined;
    console.log(
      [
        c.name.padEnd(27),
        (size / 2 ** 20).toFixed(0).padStart(7),
        show(m.seconds, 2, 8),
        show(b?.seconds, 2, 7),
        (b ? `${(b.seconds / m.seconds).toFixed(1)}x` : "-").padStart(9),
        show(m.maxRssMB, 0, 8),
        show(b?.maxRssMB, 0, 8),
        (b ? (m.maxRssMB / b.maxRssMB).toFixed(2) : "-").padStart(10),
        `${m.exitCode} (${b?.exitCode ?? "-"})`.padStart(11),
        `${m.valid} (${b ? b.valid : "-"})`.padStart(13),
        ` ${m.reason.slice(0, 100)}${b && !b.valid ? ` | base: ${b.reason.slice(0, 80)}` : ""}`,
      ].join(" "),
    );
    await rm(path, { force: true });
  }
  console.log("speed-up = baseline seconds / seconds; mem ratio = peak RSS / baseline peak RSS (< 1: less memory)");
} finally {
  if (!KEEP) await rm(root, { recursive: true, force: true });
}
