// Scripted answers that solve any built-in regression or classification task (tests only): a random forest on
// the numeric columns for linguacodus mode (with a KeyError on seed 1 that the fixer repairs), and a constant
// prediction for direct mode — so the two modes score differently and the paired comparison has material.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createAgentTeam } from "../../agents/team.js";
import { createJsonlTranscriptSink } from "../../agents/transcript.js";
import { grade, loadTask, resolveTask } from "../../datasets/index.js";
import type { RunDependencies } from "../../execution/index.js";
import { ScriptedChatModel, type Script } from "../support/scripted-model.js";
import { INSTRUCTIONS, VERDICT, callKind } from "../pipeline/support.js";

const F = "```";
const fence = (code: string) => `${F}python\n${code}\n${F}`;

const forest = (seed: number, targetExpr: string) => `import pandas as pd
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor


def main():
    # === stage: preprocessing ===
    train = pd.read_csv("/data/train.csv")
    test = pd.read_csv("/data/test.csv")
    sample = pd.read_csv("/data/sample_submission.csv")
    id_column, target = sample.columns[0], ${targetExpr}
    features = [c for c in train.select_dtypes("number").columns if c not in (id_column, target) and c in test.columns]
    # === stage: model ===
    regression = pd.api.types.is_numeric_dtype(train[target])
    model = (RandomForestRegressor if regression else RandomForestClassifier)(n_estimators=30, max_depth=6, random_state=${seed})
    # === stage: training ===
    model.fit(train[features].fillna(0), train[target])
    # === stage: submission ===
    pd.DataFrame({id_column: test[id_column], target: model.predict(test[features].fillna(0))}).to_csv("submission.csv", index=False)


if __name__ == "__main__":
    main()
`;

export const CONSTANT = `import pandas as pd

train = pd.read_csv("/data/train.csv")
sample = pd.read_csv("/data/sample_submission.csv")
target = sample.columns[1]
column = train[target]
sample[target] = column.median() if pd.api.types.is_numeric_dtype(column) else column.mode()[0]
sample.to_csv("submission.csv", index=False)
`;

/** linguacodus: planner, critic, 4 blocks, merger (buggy on seed 1), fix. direct: the constant script. */
export const benchScript: Script = (call) => {
  const { promptText, options } = call;
  const seed = options.seed ?? 0;
  switch (callKind(call)) {
    case "planner":
      return JSON.stringify(INSTRUCTIONS);
    case "critic":
      return JSON.stringify(VERDICT);
    case "coder:preprocessing":
    case "coder:model":
    case "coder:training":
    case "coder:submission":
      return fence("pass  # the merger writes the whole script in this scripted run");
    case "merge":
      return fence(forest(seed, seed === 1 ? 'sample.columns["target"]' : "sample.columns[1]"));
    case "fix":
      return fence(promptText.includes("RandomForest") ? forest(seed, "sample.columns[1]") : CONSTANT);
    case "direct":
      return fence(CONSTANT);
    default:
      throw new Error(`unscripted prompt: ${promptText.slice(0, 200)}`);
  }
};

/** Real dependencies with the models replaced by the scripted one (all roles). */
export function scriptedBenchDeps(real: RunDependencies): RunDependencies & { model: ScriptedChatModel } {
  const model = new ScriptedChatModel(benchScript);
  return {
    ...real,
    model,
    createTeam: ({ runId, transcriptsPath, models, onCall }) =>
      createAgentTeam({ models, runId, transcript: createJsonlTranscriptSink(transcriptsPath), resolveChatModel: () => model, ...(onCall ? { onCall } : {}) }),
  };
}

/**
 * Copies built-in tasks into `root` and gives them reference scores: constant = the grade of the constant
 * (median / majority) submission, model = a fixed better point, so normalised scores exist for the report.
 */
export async function tasksWithReferences(ids: string[], root: string, cacheDir: string): Promise<{ id: string; dir: string; constant: number; model: number }[]> {
  const out = [];
  for (const id of ids) {
    const source = await resolveTask(id, cacheDir);
    const dir = join(root, id);
    cpSync(source.dir, dir, { recursive: true });
    const task = await loadTask(dir);
    const work = join(root, `.constant-${id}`);
    mkdirSync(work, { recursive: true });
    // The constant submission, computed here as the sandbox script would.
    const { readCsv } = await import("../../datasets/index.js");
    const train = await readCsv(join(dir, "public", "train.csv"));
    const sample = await readCsv(join(dir, "public", "sample_submission.csv"));
    const target = sample.header[1]!;
    const values = train.columns[train.header.indexOf(target)]!;
    const numeric = values.every((v) => v !== "" && Number.isFinite(Number(v)));
    let constant: string;
    if (numeric) {
      const sorted = values.map(Number).sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      constant = String(sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2);
    } else {
      const counts = new Map<string, number>();
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      constant = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    }
    const path = join(work, "submission.csv");
    writeFileSync(path, [sample.header.join(","), ...sample.columns[0]!.map((id) => `${id},${constant}`)].join("\n") + "\n");
    const graded = await grade(task, path);
    if (!graded.valid || graded.score === null) throw new Error(`constant submission of ${id} is invalid: ${graded.errors.join("; ")}`);
    const modelScore = task.spec.lower_is_better ? graded.score / 3 : Math.min(1, graded.score + (1 - graded.score) / 2);
    const spec = JSON.parse(readFileSync(join(dir, "task.json"), "utf8")) as Record<string, unknown>;
    spec.reference_scores = { constant: graded.score, model: modelScore, model_name: "test reference" };
    writeFileSync(join(dir, "task.json"), `${JSON.stringify(spec, null, 2)}\n`);
    out.push({ id, dir, constant: graded.score, model: modelScore });
  }
  return out;
}
