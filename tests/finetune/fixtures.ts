// Fixtures of the fine-tuning tests: a small Code4ML-format folder, a run folder with a graded final script, a
// plain competitions folder, and a scripted extractor that names the solution it read (so pairs can be traced).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { createAgentTeam, createJsonlTranscriptSink, createMemoryTranscriptSink } from "../../agents/index.js";
import { type CorpusDependencies, ensureVenv } from "../../finetune/index.js";
import { tinyLlamaGguf, TINY_LLAMA_SHAPE } from "../support/tiny-gguf.js";
import { ScriptedChatModel } from "../support/scripted-model.js";

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/**
 * The recipe's venv (the one the command uses: created once under ~/.linguacodus, by .ci/python.sh in CI) and a
 * tiny llama base GGUF in a fresh folder. A long trained context by default: the tiny vocabulary spends about one
 * token per character of a run's prompt.
 */
export async function recipeSetup(prefix: string, contextLength = 16_384): Promise<{ python: string; root: string; base: string }> {
  const home = process.env.LINGUACODUS_HOME ?? join(homedir(), ".linguacodus");
  const python = await ensureVenv({ dir: join(home, "venvs", "finetune") });
  const root = tempDir(prefix);
  const base = join(root, "tiny-llama.gguf");
  writeFileSync(base, tinyLlamaGguf({ ...TINY_LLAMA_SHAPE, contextLength }));
  return { python, root, base };
}

/** An agent team on real node-llama-cpp, CPU, one thread: base + adapter specs are loaded as a run loads them. */
export const cpuGgufTeam = (spec: string) =>
  createAgentTeam({ models: { default: spec }, transcript: createMemoryTranscriptSink(), providers: { gguf: { gpu: false, contextSize: 1024, threads: 1 } } });

const csv = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",")).join("\n") + "\n";

/**
 * Two competitions: house-rmse (rmse, lower is better; kernels k1..k3 with 3.0, 1.0, 2.0) and churn-auc (auc,
 * higher is better; k4..k6 with 0.7, 0.9, 0.8), plus k7 without a score and k8 of an unknown competition.
 * Each kernel's code has a marker comment `# kernel kN` so a scripted extractor can echo it.
 */
export function writeCode4ml(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "competitions_meta.csv"),
    csv([
      ["comp_name", "title", "description", "metric", "data_type"],
      ["house-rmse", "House prices", "Predict the sale price of each house.", "rmse", "tabular"],
      ["churn-auc", "Churn", "Predict which customers leave, as a probability.", "roc auc", "tabular"],
    ]),
  );
  writeFileSync(
    join(dir, "kernels_meta.csv"),
    csv([
      ["kernel_id", "comp_name", "kaggle_score"],
      ["k1", "house-rmse", "3.0"],
      ["k2", "house-rmse", "1.0"],
      ["k3", "house-rmse", "2.0"],
      ["k4", "churn-auc", "0.7"],
      ["k5", "churn-auc", "0.9"],
      ["k6", "churn-auc", "0.8"],
      ["k7", "churn-auc", ""],
      ["k8", "no-such-competition", "0.5"],
    ]),
  );
  const blocks: string[][] = [["code_blocks_index", "kernel_id", "code_block_id", "code_block"]];
  let index = 0;
  for (const k of ["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"]) {
    // Blocks listed out of order: the reader sorts them by code_block_id.
    blocks.push([String(index++), k, "1", `model.fit(X, y)  # kernel ${k}`]);
    blocks.push([String(index++), k, "0", `import pandas as pd\n# kernel ${k}\nX = pd.read_csv("train.csv")`]);
  }
  writeFileSync(join(dir, "code_blocks.csv"), csv(blocks));
  return dir;
}

/** A prepared-looking task folder (task.json + description.md) for run folders to point at. */
export function writeTaskFolder(dir: string, id: string): string {
  mkdirSync(join(dir, "public"), { recursive: true });
  mkdirSync(join(dir, "private"), { recursive: true });
  writeFileSync(
    join(dir, "task.json"),
    JSON.stringify({
      id,
      title: "Concrete strength",
      data_type: "tabular",
      metric: { name: "mae" },
      lower_is_better: true,
      id_column: "id",
      target_columns: ["strength"],
      source: { package: "test", version: "1", dataset: "test", license: "CC0" },
      license: "CC0",
    }),
  );
  writeFileSync(join(dir, "description.md"), "Predict the compressive strength of concrete from its mix.\n");
  return dir;
}

/** One run folder with a graded final script (valid) and one whose submission did not grade. */
export function writeRunsFolder(dir: string, taskDir: string, taskId: string): string {
  const run = (name: string, valid: boolean, score: number | null, code: string) => {
    const runDir = join(dir, "runs", name);
    mkdirSync(join(runDir, "code"), { recursive: true });
    writeFileSync(
      join(runDir, "run.json"),
      JSON.stringify({
        schemaVersion: 1,
        runId: name,
        taskId,
        taskDir,
        mode: "direct",
        status: valid ? "succeeded" : "failed",
        createdAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-01T00:00:00Z",
        config: {},
        versions: { linguacodus: "0.1.0", node: "v20" },
        models: {},
        timings: { wallMs: 1, modelMs: 0, sandboxMs: 0 },
      }),
    );
    writeFileSync(join(runDir, "score.json"), JSON.stringify({ valid, score, metric: "mae", lower_is_better: true, errors: valid ? [] : ["no file"] }));
    writeFileSync(join(runDir, "code", "final.py"), code);
  };
  run("r-good", true, 4.2, "# run r-good\nimport pandas as pd\nprint('median per age')\n");
  run("r-bad", false, null, "# run r-bad\nraise SystemExit(1)\n");
  return dir;
}

/** `<competition>/{description.md, solutions/*, scores.csv}` with one notebook. */
export function writePlainFolder(dir: string): string {
  const comp = join(dir, "wine-quality");
  mkdirSync(join(comp, "solutions"), { recursive: true });
  writeFileSync(join(comp, "description.md"), "Predict the quality score of each wine.\n");
  writeFileSync(join(comp, "solutions", "a.py"), "# plain a\nprint('ridge')\n");
  writeFileSync(
    join(comp, "solutions", "b.ipynb"),
    JSON.stringify({ cells: [{ cell_type: "markdown", source: "notes" }, { cell_type: "code", source: ["# plain b\n", "print('gbm')\n"] }] }),
  );
  writeFileSync(join(comp, "solutions", "unscored.py"), "# plain c\n");
  writeFileSync(join(comp, "scores.csv"), "file,score,metric,data_type\na.py,0.61,qwk,tabular\nb.ipynb,0.72,qwk,tabular\n");
  return dir;
}

/** The extractor's answer: the four sections, naming the marker it found in the code. */
export function markerAnswer(prompt: string): string {
  const marker = /# (kernel \w+|run [\w-]+|plain \w+)/.exec(prompt)?.[1] ?? "unknown";
  return JSON.stringify({
    dataPreprocessing: [`Read the data (${marker})`],
    modelArchitecture: [`The model of ${marker}`],
    modelTraining: ["Fit on a hold-out split and report the metric"],
    submission: ["Write submission.csv"],
  });
}

export function markerExtractor(): ScriptedChatModel {
  return new ScriptedChatModel(({ lastUser }) => markerAnswer(lastUser));
}

export function scriptedCorpusDeps(model: ScriptedChatModel): CorpusDependencies {
  return {
    createTeam: ({ spec, transcriptsPath }) =>
      createAgentTeam({ models: { extractor: spec }, transcript: createJsonlTranscriptSink(transcriptsPath), resolveChatModel: () => model }),
  };
}
