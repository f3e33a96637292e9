// `linguacodus export inspect <run | bench | folder> --out <file.eval | file.json | dir> [--format eval|json]`: run
// records as other tools' logs. Inspect AI: one log per task × mode × model column, each run one sample (interop/).
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { UserFacingError } from "../failure.js";

async function exportInspectAction(source: string, flags: { out: string; format?: string }): Promise<void> {
  const dir = resolve(source);
  if (!existsSync(dir)) throw new UserFacingError(`${dir} does not exist: give a run folder, a folder of runs or a bench folder`);
  const [interop, { LINGUACODUS_VERSION }] = await Promise.all([import("../../interop/index.js"), import("../../execution/index.js")]);
  const format = flags.format === undefined ? undefined : interop.INSPECT_LOG_FORMATS.find((f) => f === flags.format);
  if (flags.format !== undefined && !format) throw new UserFacingError(`--format must be one of ${interop.INSPECT_LOG_FORMATS.join(", ")} (got '${flags.format}')`);
  let result: Awaited<ReturnType<typeof interop.exportInspect>>;
  try {
    result = interop.exportInspect({ source: dir, out: flags.out, version: LINGUACODUS_VERSION, ...(format ? { format } : {}) });
  } catch (error) {
    if (error instanceof interop.InspectExportError || /holds no run records|does not exist/.test((error as Error).message)) throw new UserFacingError((error as Error).message);
    throw error;
  }
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  for (const file of result.files) process.stdout.write(`${file}\n`);
  process.stderr.write(`exported ${result.samples} run(s) with ${result.calls} model call(s) as ${result.logs} Inspect log(s); open them with 'inspect view --log-dir <dir>'\n`);
}

export function registerExport(program: Command): void {
  const exporter = program.command("export").description("Write run records in other tools' formats");
  exporter
    .command("inspect")
    .description("Inspect AI logs (.eval, or JSON): one per task × mode × model column; each run a sample (epoch = seed) with its model calls, scores and attempts")
    .argument("<dir>", "a run folder, a folder of run folders, or a bench folder")
    .requiredOption("--out <file.eval | file.json | dir>", "a .eval or .json file (when the runs make one log) or a folder of logs")
    .option("--format <eval|json>", "the logs' format in a folder (default eval, Inspect's own); a file's is its extension")
    .action(exportInspectAction);
}
