import type { Command } from "commander";
import { join } from "node:path";
import { defaultPaths } from "../paths.js";
import { UserFacingError } from "../failure.js";
import { referenceScoresInSandbox } from "./references.js";
import { registerImportOpenML } from "./tasks-openml.js";

interface PrepareFlags {
  dir: string;
  force?: boolean;
  lite?: boolean;
  baselines: boolean;
  recomputeBaselines?: boolean;
  baselineTimeout: string;
  json?: boolean;
}

export function registerTasks(program: Command): void {
  const tasks = program.command("tasks").description("List, prepare, check and import competition tasks");

  tasks
    .command("list")
    .description("List the built-in suite and whether each task is prepared")
    .option("--json", "print JSON")
    .option("--dir <dir>", "folder of prepared tasks", defaultPaths().tasks)
    .action(async (options: { json?: boolean; dir: string }) => {
      const { BUILTIN_TASKS, LITE_TASK_IDS, METRICS, TASK_FILES, listImportedSuites } = await import("../../datasets/index.js");
      const { existsSync } = await import("node:fs");
      const rows = BUILTIN_TASKS.map((t) => ({
        id: t.id,
        title: t.title,
        data_type: t.data_type,
        metric: t.metric.name,
        lower_is_better: METRICS[t.metric.name].lowerIsBetter,
        size: t.size,
        lite: (LITE_TASK_IDS as readonly string[]).includes(t.id),
        prepared: existsSync(join(options.dir, t.id, TASK_FILES.spec)),
      }));
      const suites = (await listImportedSuites(options.dir)).map((s) => ({ name: s.name, tasks: s.taskIds, about: s.about[0] ?? "" }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ dir: options.dir, tasks: rows, suites }, null, 2)}\n`);
        return;
      }
      const width = Math.max(...rows.map((r) => r.id.length));
      for (const r of rows) {
        process.stdout.write(
          `${r.id.padEnd(width)}  ${r.data_type.padEnd(11)} ${r.metric.padEnd(10)} ${r.size.padEnd(6)} ${r.prepared ? "prepared" : "-       "} ${r.lite ? "lite " : "     "} ${r.title}\n`,
        );
      }
      if (suites.length > 0) process.stdout.write(`\nimported suites (bench <name>):\n`);
      for (const s of suites) process.stdout.write(`${s.name}  ${s.tasks.length} task(s)  ${s.about}\n`);
    });

  tasks
    .command("prepare")
    .description("Prepare built-in tasks from data that installed packages ship (idempotent; verifies checksums)")
    .argument("[ids...]", "task ids (default: all)")
    .option("--dir <dir>", "folder to prepare tasks into", defaultPaths().tasks)
    .option("--lite", "only the quick subset used by benchmarks")
    .option("--force", "rebuild even when a task is up to date")
    .option("--no-baselines", "skip the reference baselines (constant and scikit-learn model run in the sandbox)")
    .option("--recompute-baselines", "run the baselines again even where task.json has reference scores")
    .option("--baseline-timeout <seconds>", "time limit of each baseline run", "1800")
    .option("--json", "print JSON")
    .action(async (ids: string[], options: PrepareFlags) => {
      const ds = await import("../../datasets/index.js");
      const chosen = options.lite ? [...ds.LITE_TASK_IDS] : ids;
      const log = (line: string) => process.stderr.write(`${line}\n`);
      let results;
      try {
        results = await ds.prepareBuiltinTasks(chosen, options.dir, { force: options.force, log });
      } catch (error) {
        if (error instanceof ds.TaskFormatError || error instanceof ds.SourceUnavailableError) throw new UserFacingError(error.message);
        throw error;
      }
      const baselineReports: Record<string, unknown> = {};
      if (options.baselines) {
        const pending = [];
        for (const r of results) {
          const task = await ds.loadTask(r.dir);
          if (!task.spec.reference_scores || options.recomputeBaselines) pending.push(task);
        }
        if (pending.length > 0) Object.assign(baselineReports, await referenceScoresInSandbox(pending, Number(options.baselineTimeout), log));
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ dir: options.dir, results, baselines: baselineReports }, null, 2)}\n`);
        return;
      }
      for (const r of results) {
        process.stdout.write(`${r.id.padEnd(28)} ${r.status.padEnd(10)} ${r.seconds.toFixed(1)}s ${r.note ?? ""}\n`);
      }
    });

  tasks
    .command("references")
    .description("Compute and record a task's reference scores: the constant and standard-model baselines, run in the sandbox and graded (any task folder or built-in id)")
    .argument("<tasks...>", "task folders or built-in task ids")
    .option("--dir <dir>", "folder of prepared built-in tasks", defaultPaths().tasks)
    .option("--baseline-timeout <seconds>", "time limit of each baseline run", "1800")
    .option("--json", "print JSON")
    .action(async (taskArgs: string[], options: { dir: string; baselineTimeout: string; json?: boolean }) => {
      const ds = await import("../../datasets/index.js");
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const runnable = [];
      const lines: Record<string, { recorded: boolean; line: string }> = {};
      for (const arg of taskArgs) {
        let task;
        try {
          task = await ds.resolveTask(arg, options.dir, { log });
        } catch (error) {
          if (error instanceof ds.TaskFormatError) throw new UserFacingError(error.message);
          throw error;
        }
        const why = await ds.baselinesUnavailable(task);
        if (why) lines[task.spec.id] = { recorded: false, line: `${task.spec.id}: no standard model applies: ${why}` };
        else runnable.push(task);
      }
      const reports = runnable.length > 0 ? await referenceScoresInSandbox(runnable, Number(options.baselineTimeout), log) : {};
      for (const task of runnable) {
        const report = reports[task.spec.id] as import("../../datasets/index.js").ReferenceScoreReport | undefined;
        lines[task.spec.id] = report
          ? { recorded: report.scores !== null, line: ds.describeReferenceScores(task, report) }
          : { recorded: false, line: `${task.spec.id}: reference scores not recorded: ${String((reports as { skipped?: string }).skipped ?? "no report")}` };
      }
      if (options.json) process.stdout.write(`${JSON.stringify({ tasks: lines, reports }, null, 2)}\n`);
      else for (const { line } of Object.values(lines)) process.stdout.write(`${line}\n`);
      if (Object.values(lines).some((l) => !l.recorded)) process.exitCode = 1;
    });

  tasks
    .command("check")
    .description("Validate a task folder and report every problem at once (exit 1 when there are problems)")
    .argument("<dir>", "task folder")
    .option("--json", "print JSON")
    .action(async (dir: string, options: { json?: boolean }) => {
      const { checkTaskFolder } = await import("../../datasets/index.js");
      const report = await checkTaskFolder(dir);
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (report.ok) process.stdout.write(`${report.dir}: ok\n`);
      else {
        process.stdout.write(`${report.dir}: ${report.problems.length} problem(s)\n`);
        for (const p of report.problems) process.stdout.write(`  ${p.file}: ${p.message}\n`);
      }
      if (!options.json) for (const note of report.notes) process.stdout.write(`  note: ${note}\n`);
      if (!report.ok) process.exitCode = 1;
    });

  registerImportOpenML(tasks);

  tasks
    .command("import-mlebench")
    .description(
      "Turn a competition prepared by MLE-bench (<data>/<id>/prepared/{public,private}; config.yaml, description.md and leaderboard.csv from --mlebench <checkout> or beside prepared/) into a task folder; --all imports every competition of a data directory",
    )
    .argument("<dir>", "MLE-bench competition folder (with --all: MLE-bench's data directory)")
    .option("--mlebench <checkout>", "MLE-bench checkout: its config.yaml, description.md, leaderboard.csv and grade.py (default: $MLEBENCH_DIR)")
    .option("--all", "import every prepared competition under <dir>")
    .option("--out <dir>", "folder to create the task in", defaultPaths().tasks)
    .option("--id <id>", "task id (default: config.yaml id or the folder name)")
    .option("--grader <name>", "grader / metric name (default: config.yaml grader.name)")
    .option("--id-column <name>", "id column (default: guessed from the sample submission)")
    .option("--target-columns <names>", "comma-separated target columns (default: guessed from the sample submission)")
    .option("--data-type <type>", "tabular | text | time-series | image (default: image when the public files are mostly pictures, else tabular)")
    .option("--force", "replace an existing task folder")
    .option("--json", "print JSON (errors too)")
    .action(async (dir: string, options: ImportFlags) => {
      try {
        await importCommand(dir, options);
      } catch (error) {
        if (!options.json) throw error;
        // --json: the error is JSON on stdout as well, so scripts read one format whatever happened.
        process.stdout.write(`${JSON.stringify({ error: (error as Error).message }, null, 2)}\n`);
        process.exitCode = error instanceof UserFacingError ? error.exitCode : 1;
      }
    });
}

interface ImportFlags {
  mlebench?: string;
  all?: boolean;
  out: string;
  id?: string;
  grader?: string;
  idColumn?: string;
  targetColumns?: string;
  dataType?: string;
  force?: boolean;
  json?: boolean;
}

async function importCommand(dir: string, options: ImportFlags): Promise<void> {
  const ds = await import("../../datasets/index.js");
  if (options.dataType !== undefined && !(ds.DATA_TYPES as readonly string[]).includes(options.dataType)) {
    throw new UserFacingError(`--data-type must be one of ${ds.DATA_TYPES.join(", ")}`);
  }
  if (options.all && (options.id || options.idColumn || options.targetColumns)) {
    throw new UserFacingError("--id, --id-column and --target-columns name one competition's columns; import it alone, without --all");
  }
  const checkout = options.mlebench ?? process.env.MLEBENCH_DIR;
  const common = {
    outDir: options.out,
    ...(options.dataType ? { dataType: options.dataType as (typeof ds.DATA_TYPES)[number] } : {}),
    ...(options.grader ? { grader: options.grader } : {}),
    ...(options.force ? { force: true } : {}),
    ...(checkout ? { checkout } : {}),
  };
  const print = (r: import("../../datasets/index.js").ImportResult) => {
    process.stdout.write(`imported ${r.spec.id} into ${r.dir} (metric ${r.spec.metric.name}${r.spec.mlebench?.builtin === "approximation" && !checkout ? ", built-in approximation" : ""})\n`);
    for (const n of r.notes) process.stdout.write(`  note: ${n}\n`);
    for (const p of r.problems) process.stdout.write(`  problem: ${p.file}: ${p.message}\n`);
  };
  try {
    if (options.all) {
      const result = await ds.importAllMleBench(dir, common, options.json ? undefined : (line) => process.stderr.write(`${line}\n`));
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        for (const r of result.imported) print(r);
        for (const f of result.failed) process.stdout.write(`failed ${f.competition}: ${f.error}\n`);
        process.stdout.write(`${result.imported.length} imported, ${result.failed.length} failed\n`);
      }
      if (result.failed.length > 0 || result.imported.some((r) => r.problems.length > 0)) process.exitCode = 1;
      return;
    }
    const result = await ds.importMleBench(dir, {
      ...common,
      ...(options.id ? { id: options.id } : {}),
      ...(options.idColumn ? { idColumn: options.idColumn } : {}),
      ...(options.targetColumns ? { targetColumns: options.targetColumns.split(",").map((c) => c.trim()).filter(Boolean) } : {}),
    });
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else print(result);
    if (result.problems.length > 0) process.exitCode = 1;
  } catch (error) {
    if (error instanceof ds.TaskFormatError) throw new UserFacingError(error.message);
    throw error;
  }
}
