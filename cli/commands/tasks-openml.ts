// `linguacodus tasks import-openml`: OpenML tasks (or a suite of them) as task folders, read from OpenML's
// REST API (--server; a local mirror in tests).
import type { Command } from "commander";
import { defaultPaths } from "../paths.js";
import { UserFacingError } from "../failure.js";

interface OpenMLFlags {
  suite?: string;
  server?: string;
  cache?: string;
  out: string;
  metric?: string;
  force?: boolean;
  json?: boolean;
}

export function registerImportOpenML(tasks: Command): void {
  tasks
    .command("import-openml")
    .description("Turn OpenML tasks into task folders (the task's first fold as train/test and hidden answers; metric from its evaluation measure); --suite imports every task of an OpenML suite and writes a bench suite openml-suite-<id>")
    .argument("[task-ids...]", "OpenML task ids (https://www.openml.org/t/<id>)")
    .option("--suite <suite-id>", "an OpenML suite (study) id, e.g. 99 for OpenML-CC18")
    .option("--server <url>", "OpenML's JSON API (default: https://www.openml.org/api/v1/json)")
    .option("--cache <dir>", "openml-python's cache folder (org/openml/www/tasks/<id>/task.xml, datasets/<id>/dataset.arff), to import offline")
    .option("--out <dir>", "folder to create the tasks in", defaultPaths().tasks)
    .option("--metric <name>", "grade with this metric instead of the task's evaluation measure")
    .option("--force", "replace existing task folders")
    .option("--json", "print JSON")
    .action(async (ids: string[], options: OpenMLFlags) => {
      const ds = await import("../../datasets/index.js");
      const known = [ds.TaskFormatError, ds.OpenMLError, ds.OpenMLRecordError, ds.ArffFormatError];
      try {
        await importOpenML(ds, ids, options);
      } catch (error) {
        const failure = known.some((k) => error instanceof k) ? new UserFacingError((error as Error).message) : error;
        if (!options.json) throw failure;
        // --json: the error is JSON on stdout as well (as import-mlebench does), so scripts read one format.
        process.stdout.write(`${JSON.stringify({ error: (error as Error).message }, null, 2)}\n`);
        process.exitCode = failure instanceof UserFacingError ? failure.exitCode : 1;
      }
    });
}

type Datasets = typeof import("../../datasets/index.js");

async function importOpenML(ds: Datasets, ids: string[], options: OpenMLFlags): Promise<void> {
  if (options.cache && options.server) throw new UserFacingError("give --cache (offline) or --server, not both");
  if (ids.length === 0 && !options.suite) throw new UserFacingError("name OpenML task ids (e.g. 'tasks import-openml 31') or --suite <suite-id>");
  if (ids.length > 0 && options.suite) throw new UserFacingError("give task ids or --suite, not both");
  const log = options.json ? undefined : (line: string) => process.stderr.write(`${line}\n`);
  const common = { source: options.cache ? await ds.cacheSource(options.cache) : ds.restSource({ server: options.server ?? ds.DEFAULT_OPENML_SERVER }), outDir: options.out, ...(options.force ? { force: true } : {}), ...(options.metric ? { metric: options.metric } : {}), ...(log ? { log } : {}) };
  const print = (r: import("../../datasets/index.js").OpenMLImportResult) => {
    process.stdout.write(`imported OpenML task ${r.openmlTaskId} as ${r.spec.id} into ${r.dir} (metric ${r.spec.metric.name})\n`);
    for (const n of r.notes) process.stdout.write(`  note: ${n}\n`);
  };
  if (options.suite) {
    const result = await ds.importOpenMLSuite(ds.parseOpenMLId(options.suite, "suite"), common);
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      for (const r of result.imported) print(r);
      for (const f of result.failed) process.stdout.write(`failed OpenML task ${f.openmlTaskId}: ${f.error}\n`);
      process.stdout.write(`suite ${result.suite}: ${result.imported.length} imported, ${result.kept.length} kept, ${result.failed.length} failed (${result.path}); run it with 'linguacodus bench ${result.suite}'\n`);
    }
    if (result.failed.length > 0) process.exitCode = 1;
    return;
  }
  const taskIds = ids.map((id) => ds.parseOpenMLId(id));
  const results = [];
  for (const id of taskIds) results.push(await ds.importOpenMLTask(id, common));
  if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else results.forEach(print);
}
