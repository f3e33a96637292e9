// Writes generated (not model-made) run records and a bench manifest, for report tests and the report
// speed measurement. Records go through execution's RunRecordWriter, so they have the real format.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RunRecordWriter, attemptName, parseRunOptions, type Fingerprint, type Selection } from "../../execution/index.js";
import { BenchOptionsSchema, BENCH_FILES, BENCH_SCHEMA_VERSION, expandMatrix, manifestEntry, type BenchManifest, type ModeName, type ModelColumn, type RunKey, type TaskRef } from "../../benchmarks/index.js";
import { seededRandom } from "../../datasets/index.js";
import { InstructionsRecordSchema } from "../../instructions/index.js";

export interface GeneratedTask {
  id: string;
  dataType: "tabular" | "text" | "time-series" | "image";
  metric: "rmse" | "accuracy";
  reference: { constant: number; model: number };
}

/** How one generated run went: attempts as error classes or a valid score. */
export interface GeneratedOutcome {
  /** An attempt fails with an error class, or scores; `validation` is the VALIDATION_SCORE= it printed (null: none). */
  attempts: ({ errorClass: string } | { score: number; validation?: number | null })[];
  /** run.json's fingerprint (issue 13); absent: none, as in older records. */
  fingerprint?: Fingerprint;
  /** run.json's selection, and the critic's pick written to instructions.json. */
  selection?: Selection;
  criticRank?: number;
  /** A medal for a valid final submission (score.json). */
  medal?: string;
  /** score.json's --sanity permuted-labels result (the permuted-data score; flagged when it stayed near the real one). */
  sanity?: { permutedScore: number | null; flagged: boolean };
}

export function writeTaskFolder(root: string, task: GeneratedTask): TaskRef {
  const dir = join(root, task.id);
  mkdirSync(join(dir, "public"), { recursive: true });
  const spec = {
    id: task.id,
    title: `Generated ${task.id}`,
    data_type: task.dataType,
    metric: { name: task.metric, params: {} },
    lower_is_better: task.metric === "rmse",
    id_column: "id",
    target_columns: ["y"],
    source: { package: "generated", version: "0", dataset: task.id, license: "CC0" },
    license: "CC0",
    reference_scores: { ...task.reference, model_name: "reference" },
  };
  writeFileSync(join(dir, "task.json"), `${JSON.stringify(spec, null, 2)}\n`);
  writeFileSync(join(dir, "description.md"), `# ${task.id}\n`);
  return { id: task.id, dir };
}

/** Writes one finished run record for `key` with the given attempts. */
export function writeGeneratedRun(runDir: string, key: RunKey, task: GeneratedTask, outcome: GeneratedOutcome): void {
  const spec = key.model.all;
  const writer = RunRecordWriter.create(runDir, {
    runId: key.id,
    taskId: key.task.id,
    taskDir: key.task.dir,
    mode: key.flags.mode,
    config: parseRunOptions(key.flags),
    versions: { linguacodus: "0.1.0", node: process.version },
    models: { planner: spec, critic: spec, coder: spec, merger: spec, direct: spec },
    seed: key.seed,
    ...(key.temperature === null ? {} : { temperature: key.temperature }),
  });
  let modelMs = 0;
  let sandboxMs = 0;
  let final: { score: number; validation?: number | null } | undefined;
  outcome.attempts.forEach((a, index) => {
    const attempt = attemptName(index);
    const valid = "score" in a;
    const durationMs = 1000 + index * 100;
    sandboxMs += durationMs;
    writer.writeAttemptResult(
      {
        attempt,
        index,
        kind: index === 0 ? "initial" : "fix",
        fixIndex: index,
        feedbackRound: 0,
        script: `code/attempt-${attempt}.py`,
        outcome: valid ? "ok" : "error",
        exitCode: valid ? 0 : 1,
        durationMs,
        ...(valid ? {} : { errorClass: a.errorClass, errorMessage: `${a.errorClass}: generated` }),
        stdoutTruncated: false,
        stderrTruncated: false,
        submission: { present: valid, valid, errors: [], score: valid ? a.score : null },
        validationScore: valid ? (a.validation ?? null) : null,
      },
      "",
      "",
    );
    writer.event({ type: "attempt.finished", attempt, kind: index === 0 ? "initial" : "fix", outcome: valid ? "ok" : "error", durationMs, valid, score: valid ? a.score : null, ...(valid ? {} : { errorClass: a.errorClass }) });
    if (valid) final = a;
  });
  for (const role of key.flags.mode === "direct" ? ["direct"] : ["planner", "critic", "coder"]) {
    modelMs += 500;
    appendFileSync(writer.transcriptsPath, `${JSON.stringify({ role, latencyMs: 500, tokens: { input: 100, output: 50 } })}\n`);
  }
  writer.writeScore({
    valid: final !== undefined,
    score: final?.score ?? null,
    metric: task.metric,
    lower_is_better: task.metric === "rmse",
    errors: final ? [] : ["no valid submission"],
    percentile: final ? 50 : null,
    ...(final ? { validation_score: final.validation ?? null } : {}),
    ...(final && outcome.medal ? { medal: outcome.medal } : {}),
    ...(final && outcome.sanity ? { sanity: { check: "permuted-labels" as const, seed: key.seed, realScore: final.score, constantScore: task.reference.constant, ...outcome.sanity } } : {}),
  });
  if (outcome.fingerprint) writer.updateRun({ fingerprint: outcome.fingerprint });
  if (outcome.selection) writer.updateRun({ selection: outcome.selection });
  if (outcome.criticRank !== undefined) {
    const instruction = (rank: number) => ({ rank, title: `candidate ${rank}`, dataPreprocessing: ["p"], modelArchitecture: ["m"], modelTraining: ["t"], submission: ["s"] });
    const critic = { candidates: [1, 2, 3].map((rank) => ({ rank, findings: [] })), chosenRank: outcome.criticRank, rationale: "generated", refined: instruction(1) };
    writer.writeInstructions(InstructionsRecordSchema.parse({ candidates: [1, 2, 3].map(instruction), critic, chosen: instruction(1), source: "critic" }));
  }
  writer.updateRun({ timings: { wallMs: modelMs + sandboxMs + 200, modelMs, sandboxMs } });
  writer.finish(final ? "succeeded" : "failed", { valid: final !== undefined, score: final?.score ?? null, ...(final ? {} : { reason: "no valid submission after all fixes" }) });
}

export interface GeneratedBench {
  dir: string;
  keys: RunKey[];
  tasks: GeneratedTask[];
}

/**
 * A bench folder of `tasks × modes × repeats` generated runs. `outcomeOf` decides each run;
 * the default draws from a seeded PRNG so the same arguments give the same bench.
 */
export function writeGeneratedBench(
  dir: string,
  options: {
    tasks: GeneratedTask[];
    modes: ModeName[];
    repeats: number;
    models?: ModelColumn[];
    temperatures?: number[];
    outcomeOf?: (key: RunKey, task: GeneratedTask) => GeneratedOutcome;
    seed?: number;
  },
): GeneratedBench {
  const tasksRoot = join(dir, "tasks");
  const refs = options.tasks.map((t) => writeTaskFolder(tasksRoot, t));
  const models = options.models ?? [{ label: "replay:gen", all: "replay:generated", overrides: {} }];
  const keys = expandMatrix({ tasks: refs, modes: options.modes, models, temperatures: options.temperatures ?? [], repeats: options.repeats, baseSeed: 1 });
  const manifest: BenchManifest = {
    schemaVersion: BENCH_SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    command: ["linguacodus", "bench", "(generated)"],
    tasks: refs,
    modes: options.modes,
    models,
    temperatures: options.temperatures ?? [],
    repeats: options.repeats,
    baseSeed: 1,
    options: BenchOptionsSchema.parse({}),
    runs: keys.map(manifestEntry),
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, BENCH_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  const random = seededRandom(options.seed ?? 7);
  const byId = new Map(options.tasks.map((t) => [t.id, t]));
  const defaultOutcome = (key: RunKey, task: GeneratedTask): GeneratedOutcome => {
    const attempts: GeneratedOutcome["attempts"] = [];
    const fixes = key.flags.fixAttempts;
    const skill = key.mode === "direct" ? 0.45 : 0.6;
    for (let i = 0; i <= fixes; i++) {
      if (random() < skill) {
        const quality = random();
        attempts.push({ score: task.reference.constant + (task.reference.model - task.reference.constant) * quality });
        break;
      }
      attempts.push({ errorClass: ["KeyError", "ValueError", "ModuleNotFoundError", "Timeout"][Math.floor(random() * 4)] as string });
    }
    return { attempts };
  };
  for (const key of keys) {
    const task = byId.get(key.task.id) as GeneratedTask;
    writeGeneratedRun(join(dir, BENCH_FILES.runs, key.id), key, task, (options.outcomeOf ?? defaultOutcome)(key, task));
  }
  return { dir, keys, tasks: options.tasks };
}

/** The measured benches' shape: about `totalRuns` generated runs of linguacodus, direct and two ablations × 5 repeats. */
export function writeSizedBench(dir: string, totalRuns: number): GeneratedBench & { modes: ModeName[]; repeats: number } {
  const modes: ModeName[] = ["linguacodus", "direct", "no-critic", "no-fix"];
  const repeats = 5;
  const taskCount = Math.max(1, Math.round(totalRuns / (modes.length * repeats)));
  const tasks: GeneratedTask[] = Array.from({ length: taskCount }, (_, i) => ({
    id: `task-${String(i).padStart(3, "0")}`,
    dataType: (["tabular", "text", "time-series", "image"] as const)[i % 4]!,
    metric: i % 2 ? "accuracy" : "rmse",
    reference: i % 2 ? { constant: 0.5, model: 0.9 } : { constant: 10, model: 2 },
  }));
  return { ...writeGeneratedBench(dir, { tasks, modes, repeats, seed: 3 }), modes, repeats };
}
